// dialog::RulePack: parsing and validation errors, templates, and the classifier's
// scoring on small hand-written packs (independent of the shipped rules).
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "intake/dialog/rule_pack.hpp"
#include "unit_support.hpp"

namespace {

using intake::Category;
using intake::dialog::RulePack;
using nlohmann::json;

constexpr const char* kSource = "packs/test.json";

json templates() { return unit::complete_templates(); }

json rule(const std::string& id, const std::string& target, const std::string& pattern, double weight = 1) {
  return {{"id", id}, {"target", target}, {"pattern", pattern}, {"weight", weight}};
}

json minimal_pack() {
  return {{"version", "t1"},
          {"rules", json::array({rule("pq", "category:product_quality", "broken"),
                                 rule("lg", "category:logistics", "late")})},
          {"templates", templates()}};
}

// The error message of a pack that must not load; fails the test when it loads.
std::string parse_error_text(const std::string& text) {
  auto r = RulePack::parse(text, kSource);
  if (r.ok()) {
    ADD_FAILURE() << "the pack loaded but should not have:\n" << text;
    return {};
  }
  EXPECT_EQ(r.error().code, "invalid_rule_pack");
  EXPECT_NE(r.error().message.find(kSource), std::string::npos) << "the source is not named: " << r.error().message;
  return r.error().message;
}

std::string parse_error(const json& pack) { return parse_error_text(pack.dump()); }

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "\"" << (haystack) << "\" lacks \"" << (needle) << "\""

TEST(RulePackParse, MinimalPackLoads) {
  auto r = RulePack::parse(minimal_pack().dump(), kSource);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)->rule_count(), 2u);
  EXPECT_EQ((*r)->version().rfind("t1+", 0), 0u) << (*r)->version();
}

TEST(RulePackParse, ANumberOutOfRangeIsAnErrorNamingTheSource) {
  auto r = RulePack::parse(R"({"version": "t", "min_score": 1e99999, "rules": []})", kSource);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_rule_pack");
  EXPECT_NE(r.error().message.find(kSource), std::string::npos) << r.error().message;
}

TEST(RulePackParse, VersionTellsApartPacksWithTheSameDeclaredVersion) {
  json other = minimal_pack();
  other["rules"][0]["pattern"] = "broken|defective";
  auto a = RulePack::parse(minimal_pack().dump(), kSource);
  auto b = RulePack::parse(other.dump(), kSource);
  auto a_again = RulePack::parse(minimal_pack().dump(), "elsewhere.json");
  ASSERT_TRUE(a.ok() && b.ok() && a_again.ok());
  EXPECT_NE((*a)->version(), (*b)->version());
  EXPECT_EQ((*a)->version(), (*a_again)->version());  // same text, same version
}

TEST(RulePackParse, CommentsAreAllowed) {
  const std::string text = R"(// a rule pack with comments
  {
    /* the version */ "version": "c1",
    "rules": [
      // one rule
      {"id": "pq", "target": "category:product_quality", "pattern": "broken"}
    ],
    "templates": )" + templates().dump() + R"(
  })";
  auto r = RulePack::parse(text, kSource);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)->rule_count(), 1u);
}

TEST(RulePackParse, InvalidPatternNamesPointerAndRe2Message) {
  json pack = minimal_pack();
  pack["rules"][1]["pattern"] = "(";
  const std::string message = parse_error(pack);
  EXPECT_CONTAINS(message, "/rules/1/pattern");
  // RE2's own words for the same pattern, asked of RE2 directly.
  RE2::Options quiet;
  quiet.set_log_errors(false);
  const RE2 reference("(", quiet);
  ASSERT_FALSE(reference.ok());
  EXPECT_CONTAINS(message, reference.error());
}

TEST(RulePackParse, OtherInvalidPatternsAreRefusedToo) {
  for (const char* pattern : {"[abc", "a{2,1}", "(?<name", "*x", "a\\"}) {
    json pack = minimal_pack();
    pack["rules"][0]["pattern"] = pattern;
    EXPECT_CONTAINS(parse_error(pack), "/rules/0/pattern");
  }
}

TEST(RulePackParse, UnknownTargetIsRefused) {
  for (const char* target : {"category:nonsense", "severity:minor", "intent:hug", "categories:inquiry", "",
                             "exclude:pq", "category:"}) {
    json pack = minimal_pack();
    pack["rules"][1]["target"] = target;
    EXPECT_CONTAINS(parse_error(pack), "/rules/1/target");
  }
}

TEST(RulePackParse, EveryDocumentedTargetIsAccepted) {
  json pack = minimal_pack();
  int n = 0;
  for (const char* target : {"category:inquiry", "category:product_quality", "category:installation_quality",
                             "category:misuse", "category:staff_attitude", "category:logistics",
                             "category:complaint", "category:other", "severity:major", "severity:serious",
                             "intent:human_request", "intent:status_query", "intent:compensation_request",
                             "intent:retest_request"})
    pack["rules"].push_back(rule("r" + std::to_string(n++), target, "x"));
  auto r = RulePack::parse(pack.dump(), kSource);
  EXPECT_TRUE(r.ok()) << r.error().message;
}

TEST(RulePackParse, DuplicateIdIsRefusedAtTheSecondOccurrence) {
  json pack = minimal_pack();
  pack["rules"].push_back(rule("pq", "category:misuse", "oops"));
  const std::string message = parse_error(pack);
  EXPECT_CONTAINS(message, "/rules/2/id");
  EXPECT_CONTAINS(message, "pq");
}

TEST(RulePackParse, ExclusionCancellingAnUnknownRuleIsRefused) {
  json pack = minimal_pack();
  pack["rules"].push_back({{"id", "ex"}, {"target", "exclude"}, {"pattern", "not broken"},
                           {"cancels", json::array({"pq", "no_such_rule"})}});
  const std::string message = parse_error(pack);
  EXPECT_CONTAINS(message, "/rules/2/cancels/1");
  EXPECT_CONTAINS(message, "no_such_rule");
}

TEST(RulePackParse, ExclusionMayCancelARuleDefinedAfterIt) {
  json pack = minimal_pack();
  pack["rules"].insert(pack["rules"].begin(), json{{"id", "ex"}, {"target", "exclude"}, {"pattern", "not late"},
                                                   {"cancels", json::array({"lg"})}});
  auto r = RulePack::parse(pack.dump(), kSource);
  EXPECT_TRUE(r.ok()) << r.error().message;
}

TEST(RulePackParse, ExclusionNeedsCancels) {
  for (const json& cancels : {json(nullptr), json::array(), json("pq"), json::array({1})}) {
    json pack = minimal_pack();
    json ex = {{"id", "ex"}, {"target", "exclude"}, {"pattern", "x"}};
    if (!cancels.is_null()) ex["cancels"] = cancels;
    pack["rules"].push_back(ex);
    EXPECT_CONTAINS(parse_error(pack), "/rules/2/cancels");
  }
}

TEST(RulePackParse, MissingTemplatesAreRefused) {
  json none = minimal_pack();
  none.erase("templates");
  EXPECT_CONTAINS(parse_error(none), "/templates");

  for (std::string_view name : intake::dialog::ReplyTemplates::kRequired) {
    json pack = minimal_pack();
    pack["templates"].erase(std::string(name));
    EXPECT_CONTAINS(parse_error(pack), "/templates/" + std::string(name));
  }
}

TEST(RulePackParse, EveryTemplateNeedsAllThreeScripts) {
  for (const char* script : {"zh-Hans", "zh-Hant", "en"}) {
    json pack = minimal_pack();
    pack["templates"]["greeting"].erase(script);
    EXPECT_CONTAINS(parse_error(pack), std::string("/templates/greeting/") + script);
    json variant = minimal_pack();
    variant["templates"]["ack_new.major"] = {{"zh-Hans", "a"}, {"zh-Hant", "b"}, {"en", "c"}};
    variant["templates"]["ack_new.major"].erase(script);
    EXPECT_CONTAINS(parse_error(variant), std::string("/templates/ack_new.major/") + script);
  }
  json unknown = minimal_pack();
  unknown["templates"]["greeting"]["fr"] = "Bonjour";
  EXPECT_CONTAINS(parse_error(unknown), "/templates/greeting/fr");
}

TEST(RulePackParse, MalformedTemplatesAreRefused) {
  json not_object = minimal_pack();
  not_object["templates"] = json::array();
  EXPECT_CONTAINS(parse_error(not_object), "/templates");
  json not_string = minimal_pack();
  not_string["templates"]["ack_new"]["zh-Hans"] = 7;
  EXPECT_CONTAINS(parse_error(not_string), "/templates/ack_new/zh-Hans");
}

TEST(RulePackParse, RuleFieldsAreChecked) {
  for (const char* key : {"id", "target", "pattern"}) {
    json missing = minimal_pack();
    missing["rules"][0].erase(key);
    EXPECT_CONTAINS(parse_error(missing), std::string("/rules/0/") + key);
    json empty = minimal_pack();
    empty["rules"][0][key] = "";
    EXPECT_CONTAINS(parse_error(empty), std::string("/rules/0/") + key);
    json number = minimal_pack();
    number["rules"][0][key] = 5;
    EXPECT_CONTAINS(parse_error(number), std::string("/rules/0/") + key);
  }
  for (const json& weight : {json(0), json(-1), json("2")}) {
    json pack = minimal_pack();
    pack["rules"][1]["weight"] = weight;
    EXPECT_CONTAINS(parse_error(pack), "/rules/1/weight");
  }
  json not_object = minimal_pack();
  not_object["rules"][1] = "lg";
  EXPECT_CONTAINS(parse_error(not_object), "/rules/1");
}

TEST(RulePackParse, TopLevelFieldsAreChecked) {
  json no_version = minimal_pack();
  no_version.erase("version");
  EXPECT_CONTAINS(parse_error(no_version), "/version");
  json empty_version = minimal_pack();
  empty_version["version"] = "";
  EXPECT_CONTAINS(parse_error(empty_version), "/version");
  for (const json& score : {json(0), json(-0.5), json("1")}) {
    json pack = minimal_pack();
    pack["min_score"] = score;
    EXPECT_CONTAINS(parse_error(pack), "/min_score");
  }
  for (const json& rules : {json(nullptr), json::array(), json::object()}) {
    json pack = minimal_pack();
    if (rules.is_null()) pack.erase("rules");
    else pack["rules"] = rules;
    EXPECT_CONTAINS(parse_error(pack), "/rules");
  }
}

TEST(RulePackParse, NotJsonOrNotAnObjectIsRefused) {
  parse_error_text("{\"version\": ");
  parse_error_text("[]");
  parse_error_text("");
}

TEST(RulePackParse, TheShippedPackLoads) {
  auto pack = unit::default_rule_pack();
  ASSERT_NE(pack, nullptr);
  EXPECT_GT(pack->rule_count(), 10u);
  EXPECT_EQ(pack->version().rfind("2026.11.5+", 0), 0u) << pack->version();
}

TEST(RulePackParse, ChannelsAndHandoffAreChecked) {
  json channels = minimal_pack();
  channels["rules"][0]["channels"] = json::array();
  EXPECT_CONTAINS(parse_error(channels), "/rules/0/channels");
  channels["rules"][0]["channels"] = json::array({"email", 3});
  EXPECT_CONTAINS(parse_error(channels), "/rules/0/channels/1");
  json handoff = minimal_pack();
  handoff["handoff"] = {{"low_confidence_below", -1}};
  EXPECT_CONTAINS(parse_error(handoff), "/handoff/low_confidence_below");
  handoff["handoff"] = {{"low_confidence_in_a_row", 0}};
  EXPECT_CONTAINS(parse_error(handoff), "/handoff/low_confidence_in_a_row");
  handoff["handoff"] = {{"low_confidence_below", 2.5}, {"low_confidence_in_a_row", 3}};
  auto r = RulePack::parse(handoff.dump(), kSource);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)->handoff().low_confidence_below, 2.5);
  EXPECT_EQ((*r)->handoff().low_confidence_in_a_row, 3);
  // Without a "handoff", low confidence means no category reached min_score.
  json plain = minimal_pack();
  plain["min_score"] = 1.5;
  auto p = RulePack::parse(plain.dump(), kSource);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ((*p)->handoff().low_confidence_below, 1.5);
  EXPECT_EQ((*p)->handoff().low_confidence_in_a_row, 2);
}

TEST(RulePackScoring, ChannelScopedRulesCountOnlyOnTheirChannels) {
  json pack = minimal_pack();
  pack["rules"].push_back({{"id", "press0"}, {"target", "intent:human_request"}, {"pattern", "按0"},
                           {"channels", json::array({"hotline", "sms"})}});
  auto r = RulePack::parse(pack.dump(), kSource);
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto has_human = [&](std::string_view channel) {
    const auto c = (*r)->classify("按0", channel);
    return std::find(c.intents.begin(), c.intents.end(), intake::Intent::human_request) != c.intents.end();
  };
  EXPECT_TRUE(has_human("hotline"));
  EXPECT_TRUE(has_human("sms"));
  EXPECT_FALSE(has_human("chat"));
  EXPECT_FALSE(has_human(""));  // no channel known: scoped rules do not count
  EXPECT_TRUE((*r)->classify("broken", "chat").primary == Category::product_quality);  // unscoped: everywhere
}

// ---- scoring, on hand-written packs -------------------------------------------------

std::shared_ptr<const RulePack> pack_of(json rules, double min_score = 1.0) {
  json pack = {{"version", "s1"}, {"min_score", min_score}, {"rules", std::move(rules)}, {"templates", templates()}};
  auto r = RulePack::parse(pack.dump(), kSource);
  if (!r.ok()) {
    ADD_FAILURE() << r.error().message;
    return nullptr;
  }
  return *r;
}

TEST(RulePackClassify, NothingFiredIsOtherWithZeroConfidence) {
  auto pack = pack_of(json::array({rule("pq", "category:product_quality", "broken")}));
  ASSERT_NE(pack, nullptr);
  const auto c = pack->classify("all good");
  EXPECT_EQ(c.primary, Category::other);
  EXPECT_EQ(c.categories, std::vector<Category>{Category::other});
  EXPECT_EQ(c.severity, intake::Severity::normal);
  EXPECT_TRUE(c.intents.empty());
  EXPECT_TRUE(c.hits.empty());
  EXPECT_EQ(c.confidence, 0);
  EXPECT_EQ(c.pack_version, pack->version());
}

TEST(RulePackClassify, TiesFollowLabelsPrecedence) {
  // Equal scores: product_quality comes before logistics in LABELS.md's tie order,
  // whatever the order of the rules in the pack.
  auto pack = pack_of(json::array({rule("lg", "category:logistics", "late"),
                                   rule("pq", "category:product_quality", "broken")}));
  ASSERT_NE(pack, nullptr);
  const auto c = pack->classify("late and broken");
  EXPECT_EQ(c.primary, Category::product_quality);
  EXPECT_EQ(c.categories, (std::vector<Category>{Category::product_quality, Category::logistics}));
  EXPECT_EQ(c.confidence, 1);
}

TEST(RulePackClassify, HigherScoreBeatsPrecedence) {
  auto pack = pack_of(json::array({rule("pq", "category:product_quality", "broken", 1),
                                   rule("lg", "category:logistics", "late", 2.5)}));
  ASSERT_NE(pack, nullptr);
  const auto c = pack->classify("late and broken");
  EXPECT_EQ(c.primary, Category::logistics);
  EXPECT_DOUBLE_EQ(c.confidence, 2.5);
}

TEST(RulePackClassify, ScoresOfOneCategoryAddUpAgainstMinScore) {
  auto pack = pack_of(json::array({rule("a", "category:logistics", "late", 1),
                                   rule("b", "category:logistics", "lost", 1)}),
                      2.0);
  ASSERT_NE(pack, nullptr);
  EXPECT_EQ(pack->classify("late").primary, Category::other);  // 1 < 2
  const auto both = pack->classify("late and lost");
  EXPECT_EQ(both.primary, Category::logistics);
  EXPECT_DOUBLE_EQ(both.confidence, 2.0);
}

TEST(RulePackClassify, WeakEvidenceIsListedOnlyWhenNothingIsStrong) {
  // Strong = twice min_score. A category that only reached min_score is dropped from
  // the list once another category has strong evidence; on its own it still decides.
  auto pack = pack_of(json::array({rule("vague", "category:product_quality", "bad", 1),
                                   rule("lg", "category:logistics", "late", 2),
                                   rule("sa", "category:staff_attitude", "rude", 2)}));
  ASSERT_NE(pack, nullptr);
  const auto alone = pack->classify("bad");
  EXPECT_EQ(alone.primary, Category::product_quality);
  EXPECT_EQ(alone.categories, std::vector<Category>{Category::product_quality});
  const auto with_strong = pack->classify("bad and late");
  EXPECT_EQ(with_strong.primary, Category::logistics);
  EXPECT_EQ(with_strong.categories, std::vector<Category>{Category::logistics});
  // Two strong categories are both listed, the tie going by LABELS.md's order.
  const auto two = pack->classify("bad, late and rude");
  EXPECT_EQ(two.categories, (std::vector<Category>{Category::logistics, Category::staff_attitude}));
  // The threshold follows min_score: with min_score 0.5, a score of 1 is already strong.
  auto half = pack_of(json::array({rule("vague", "category:product_quality", "bad", 1),
                                   rule("lg", "category:logistics", "late", 2)}),
                      0.5);
  ASSERT_NE(half, nullptr);
  EXPECT_EQ(half->classify("bad and late").categories,
            (std::vector<Category>{Category::logistics, Category::product_quality}));
}

TEST(RulePackClassify, QuestionCarryingAComplaintIsNotInquiry) {
  auto pack = pack_of(json::array({rule("q", "category:inquiry", "\\?", 5),
                                   rule("pq", "category:product_quality", "broken", 1)}));
  ASSERT_NE(pack, nullptr);
  const auto c = pack->classify("why is it broken?");
  EXPECT_EQ(c.primary, Category::product_quality);
  EXPECT_EQ(std::count(c.categories.begin(), c.categories.end(), Category::inquiry), 0);
  EXPECT_EQ(pack->classify("when will it ship?").primary, Category::inquiry);
}

TEST(RulePackClassify, ExclusionCancelsOnlyTheRulesItNames) {
  auto pack = pack_of(json::array(
      {rule("pq", "category:product_quality", "quality problem"), rule("lg", "category:logistics", "late"),
       json{{"id", "ex"}, {"target", "exclude"}, {"pattern", "no quality problem"}, {"cancels", {"pq"}}}}));
  ASSERT_NE(pack, nullptr);
  EXPECT_EQ(pack->classify("a quality problem").primary, Category::product_quality);
  const auto c = pack->classify("no quality problem, just late");
  EXPECT_EQ(c.primary, Category::logistics);
  for (const auto& hit : c.hits) EXPECT_NE(hit.rule_id, "pq");
}

TEST(RulePackClassify, SeverityTakesTheHighestAndIntentsAreListedOnce) {
  auto pack = pack_of(json::array({rule("s", "severity:serious", "refund"), rule("m", "severity:major", "lawyer"),
                                   rule("i1", "intent:compensation_request", "refund"),
                                   rule("i2", "intent:compensation_request", "money back")}));
  ASSERT_NE(pack, nullptr);
  EXPECT_EQ(pack->classify("refund").severity, intake::Severity::serious);
  EXPECT_EQ(pack->classify("refund or my lawyer").severity, intake::Severity::major);
  const auto c = pack->classify("refund, money back");
  EXPECT_EQ(c.intents, std::vector<intake::Intent>{intake::Intent::compensation_request});
}

TEST(RulePackClassify, HitsCarryTheMatchedByteSpan) {
  auto pack = pack_of(json::array({rule("pq", "category:product_quality", "坏了|broken", 2)}));
  ASSERT_NE(pack, nullptr);
  const std::string text = "冰箱 broken 坏了";
  const auto c = pack->classify(text);
  ASSERT_EQ(c.hits.size(), 1u);
  const auto& hit = c.hits[0];
  EXPECT_EQ(hit.rule_id, "pq");
  EXPECT_EQ(hit.target, "category:product_quality");
  EXPECT_DOUBLE_EQ(hit.weight, 2);
  // The leftmost match: "broken", after "冰箱 " (6 + 1 bytes).
  EXPECT_EQ(hit.begin, 7u);
  EXPECT_EQ(hit.end, 13u);
  EXPECT_EQ(text.substr(hit.begin, hit.end - hit.begin), "broken");
}

}  // namespace
