// Scoring a rule pack against a labelled corpus.
#include <gtest/gtest.h>

#include "intake/dialog/evaluation.hpp"

#include <nlohmann/json.hpp>

#include "intake/dialog/rule_pack.hpp"
#include "unit_support.hpp"

namespace {

using namespace intake;
using intake::dialog::LabelledMessage;
using intake::dialog::Scores;
using intake::dialog::parse_labelled_message;
using nlohmann::json;

Classification predicted(Category primary, std::vector<Category> categories, Severity severity,
                         std::vector<Intent> intents = {}) {
  Classification c;
  c.primary = primary;
  c.categories = std::move(categories);
  c.severity = severity;
  c.intents = std::move(intents);
  return c;
}

LabelledMessage labelled(Category primary, std::vector<Category> categories, Severity severity,
                         std::vector<Intent> intents = {}) {
  return LabelledMessage{"id", "text", primary, std::move(categories), severity, std::move(intents), ""};
}

TEST(ParseLabelledMessage, ReadsLabelsMdFormat) {
  auto m = parse_labelled_message(
      R"({"id": "d-1", "text": "坏了", "primary": "product_quality", "categories": ["logistics"],)"
      R"( "severity": "serious", "intents": ["compensation_request"], "source": "x"})");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->id, "d-1");
  EXPECT_EQ(m->primary, Category::product_quality);
  // The primary is always among the categories.
  EXPECT_EQ(m->categories, (std::vector<Category>{Category::logistics, Category::product_quality}));
  EXPECT_EQ(m->severity, Severity::serious);
  EXPECT_EQ(m->intents, std::vector<Intent>{Intent::compensation_request});
}

TEST(ParseLabelledMessage, NamesTheWrongField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "JSON object"},
      {R"({"primary": "inquiry", "severity": "normal"})", "\"text\""},
      {R"({"text": "x", "primary": "praise", "severity": "normal"})", "\"primary\""},
      {R"({"text": "x", "primary": "inquiry", "severity": "urgent"})", "\"severity\""},
      {R"({"text": "x", "primary": "inquiry", "severity": "normal", "categories": ["nope"]})", "\"categories\""},
      {R"({"text": "x", "primary": "inquiry", "severity": "normal", "intents": "refund"})", "\"intents\""},
  };
  for (const auto& [line, field] : cases) {
    auto m = parse_labelled_message(line);
    ASSERT_FALSE(m.ok()) << line;
    EXPECT_EQ(m.error().code, "invalid_corpus");
    EXPECT_NE(m.error().message.find(field), std::string::npos) << m.error().message;
  }
}

TEST(Scores, CountsHitsMissesAndFalseAlarms) {
  Scores s;
  // Right primary, one extra category predicted, severity right.
  s.add(labelled(Category::product_quality, {Category::product_quality}, Severity::serious),
        predicted(Category::product_quality, {Category::product_quality, Category::logistics}, Severity::serious));
  // Wrong primary, major missed, the intent found.
  s.add(labelled(Category::logistics, {Category::logistics}, Severity::major, {Intent::compensation_request}),
        predicted(Category::complaint, {Category::complaint}, Severity::normal, {Intent::compensation_request}));
  // A false major.
  s.add(labelled(Category::inquiry, {Category::inquiry}, Severity::normal),
        predicted(Category::inquiry, {Category::inquiry}, Severity::major));

  EXPECT_EQ(s.count, 3);
  EXPECT_DOUBLE_EQ(s.primary_accuracy(), 2.0 / 3);
  // logistics: one false positive (message 1), one false negative (message 2).
  EXPECT_EQ(s.categories[Category::logistics].true_positives, 0);
  EXPECT_EQ(s.categories[Category::logistics].false_positives, 1);
  EXPECT_EQ(s.categories[Category::logistics].false_negatives, 1);
  EXPECT_EQ(s.categories[Category::logistics].support(), 1);
  EXPECT_DOUBLE_EQ(s.categories[Category::product_quality].precision(), 1.0);
  EXPECT_DOUBLE_EQ(s.categories[Category::product_quality].recall(), 1.0);
  // major: no true positive, one false positive, one false negative.
  EXPECT_DOUBLE_EQ(s.severity[Severity::major].precision(), 0.0);
  EXPECT_DOUBLE_EQ(s.severity[Severity::major].recall(), 0.0);
  EXPECT_EQ(s.severity_confusion[Severity::major][Severity::normal], 1);
  EXPECT_EQ(s.severity_confusion[Severity::normal][Severity::major], 1);
  EXPECT_DOUBLE_EQ(s.intents[Intent::compensation_request].recall(), 1.0);
}

TEST(Scores, F1IsTheHarmonicMeanAndZeroWithoutHits) {
  dialog::PrecisionRecall pr{3, 1, 2, };  // precision 0.75, recall 0.6
  EXPECT_NEAR(pr.f1(), 2 * 0.75 * 0.6 / (0.75 + 0.6), 1e-12);
  EXPECT_DOUBLE_EQ(dialog::PrecisionRecall{}.f1(), 0.0);
}

TEST(Scores, JsonHasTheShapeRegressPrints) {
  Scores s;
  s.add(labelled(Category::inquiry, {Category::inquiry}, Severity::normal, {Intent::status_query}),
        predicted(Category::inquiry, {Category::inquiry}, Severity::normal, {Intent::status_query}));
  const auto j = s.to_json();
  EXPECT_EQ(j["count"], 1);
  EXPECT_DOUBLE_EQ(j["primary_accuracy"].get<double>(), 1.0);
  for (const char* key : {"precision", "recall", "f1", "support"}) EXPECT_TRUE(j["categories"]["inquiry"].contains(key)) << key;
  EXPECT_TRUE(j["severity"]["major"].contains("precision"));
  EXPECT_TRUE(j["severity"]["serious"].contains("recall"));
  EXPECT_DOUBLE_EQ(j["intents"]["status_query"]["recall"].get<double>(), 1.0);
}

TEST(ComparePacks, ScoresBothPacksAndListsTheMessagesWhoseLabelsChange) {
  using intake::dialog::RulePack;
  auto pack = [](const std::string& version, bool with_logistics) {
    json rules = json::array({{{"id", "pq"}, {"target", "category:product_quality"}, {"pattern", "broken"}}});
    if (with_logistics) rules.push_back({{"id", "lg"}, {"target", "category:logistics"}, {"pattern", "late"}});
    auto parsed = RulePack::parse(json{{"version", version}, {"rules", rules}, {"templates", unit::complete_templates()}}.dump(),
                                  "unit");
    EXPECT_TRUE(parsed.ok()) << parsed.error().message;
    return *parsed;
  };
  const auto before = pack("before", false), after = pack("after", true);
  std::vector<LabelledMessage> messages = {
      {"m-1", "the pump is broken", Category::product_quality, {Category::product_quality}, Severity::normal, {}, ""},
      {"m-2", "the parcel is late", Category::logistics, {Category::logistics}, Severity::normal, {}, "chat"}};
  const auto compared = intake::dialog::compare_packs(*after, before.get(), messages, nullptr);
  EXPECT_EQ(compared.candidate.primary_correct, 2);
  ASSERT_TRUE(compared.baseline);
  EXPECT_EQ(compared.baseline->primary_correct, 1);
  ASSERT_EQ(compared.changed.size(), 1u);
  EXPECT_EQ(compared.changed[0].id, "m-2");
  EXPECT_EQ(compared.changed[0].after, "logistics/normal");
  EXPECT_NE(compared.changed[0].before, compared.changed[0].after);
  const json j = compared.to_json();
  EXPECT_EQ(j["changed"][0]["text"], "the parcel is late");
  EXPECT_EQ(j["candidate"]["count"], 2);

  // Without a baseline: the scores alone.
  const auto alone = intake::dialog::compare_packs(*before, nullptr, messages, nullptr);
  EXPECT_FALSE(alone.baseline);
  EXPECT_TRUE(alone.changed.empty());
  EXPECT_FALSE(alone.to_json().contains("baseline"));
}

}  // namespace
