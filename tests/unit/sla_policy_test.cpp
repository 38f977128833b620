// dialog::SlaPolicy: parsing, the first matching policy, and the clocks of config/sla.json.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "intake/dialog/sla_policy.hpp"
#include "unit_support.hpp"

namespace {

using intake::Category;
using intake::Severity;
using intake::dialog::SlaPolicy;
using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kSource = "policies/test.json";
const intake::Timestamp kStart = unit::beijing(2026, 11, 22, 9, 30);

std::shared_ptr<const SlaPolicy> parse_ok(const std::string& text) {
  auto r = SlaPolicy::parse(text, kSource, unit::default_calendar());
  if (!r.ok()) {
    ADD_FAILURE() << r.error().message;
    return nullptr;
  }
  return *r;
}

std::string parse_error(const std::string& text) {
  auto r = SlaPolicy::parse(text, kSource, unit::default_calendar());
  if (r.ok()) {
    ADD_FAILURE() << "the policy loaded but should not have:\n" << text;
    return {};
  }
  EXPECT_EQ(r.error().code, "invalid_sla_policy");
  EXPECT_NE(r.error().message.find(kSource), std::string::npos) << "the source is not named: " << r.error().message;
  return r.error().message;
}

json one_policy(json clocks, json match = json::object()) {
  return {{"policies", json::array({{{"match", std::move(match)}, {"clocks", std::move(clocks)}}})}};
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "\"" << (haystack) << "\" lacks \"" << (needle) << "\""

// ---- parsing -----------------------------------------------------------------------

TEST(SlaPolicyParse, UnitsAndOptionsAreRead) {
  auto p = parse_ok(one_policy({{"first_response", {{"working_hours", 8}}},
                                {"opinion", {{"working_days", 3}, {"escalate_to", "sales_vice_president"}}},
                                {"no_progress", {{"hours", 72}, {"restarts_on_progress", true}}}})
                        .dump());
  ASSERT_NE(p, nullptr);
  // (nlohmann::json keeps keys sorted: first_response, no_progress, opinion.)
  const auto clocks = p->clocks(Category::complaint, Severity::normal, kStart);
  ASSERT_EQ(clocks.size(), 3u);
  EXPECT_EQ(clocks[0].name, "first_response");
  EXPECT_EQ(clocks[0].term.unit, intake::dialog::SlaUnit::working_hours);
  EXPECT_EQ(clocks[0].term.amount, 8);
  EXPECT_FALSE(clocks[0].escalate_to.has_value());
  EXPECT_EQ(clocks[1].name, "no_progress");
  EXPECT_EQ(clocks[1].term.unit, intake::dialog::SlaUnit::hours);
  EXPECT_TRUE(clocks[1].restarts_on_progress);
  EXPECT_EQ(clocks[2].name, "opinion");
  EXPECT_EQ(clocks[2].term.unit, intake::dialog::SlaUnit::working_days);
  EXPECT_EQ(clocks[2].escalate_to, intake::dialog::EscalationLevel::sales_vice_president);
  EXPECT_FALSE(clocks[2].restarts_on_progress);
}

TEST(SlaPolicyParse, OtherUnitsAndBadAmountsAreRefused) {
  for (const json& duration :
       {json{{"days", 1}}, json{{"minutes", 30}}, json{{"hours", 0}}, json{{"hours", -4}}, json{{"hours", "4"}},
        json::object(), json{{"hours", 4}, {"working_hours", 1}}, json(4), json{{"working_days", 1.5}},
        json{{"hours", 10000}}, json{{"working_days", 251}}, json{{"hours", 4}, {"escalate_to", "ceo"}},
        json{{"hours", 4}, {"restarts_on_progress", "yes"}}, json{{"escalate_to", "general_manager"}}}) {
    const std::string message = parse_error(one_policy({{"first_response", duration}}).dump());
    EXPECT_CONTAINS(message, "/policies/0/clocks/first_response");
  }
}

TEST(SlaPolicyParse, TheOffsetBelongsToTheCalendar) {
  json doc = one_policy({{"first_response", {{"hours", 24}}}});
  doc["utc_offset"] = "+08:00";
  EXPECT_CONTAINS(parse_error(doc.dump()), "/utc_offset");
  doc.erase("utc_offset");
  auto p = parse_ok(doc.dump());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->offset().minutes, 8 * 60);  // the shipped calendar's
}

TEST(SlaPolicyParse, EscalationAtIntakeIsRead) {
  json doc = one_policy({{"first_response", {{"hours", 1}}}}, {{"severity", "major"}});
  doc["policies"][0]["escalate_at_intake"] = "general_manager";
  auto p = parse_ok(doc.dump());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->escalation_at_intake(Category::logistics, Severity::major),
            intake::dialog::EscalationLevel::general_manager);
  EXPECT_FALSE(p->escalation_at_intake(Category::logistics, Severity::normal).has_value());
  doc["policies"][0]["escalate_at_intake"] = "boss";
  EXPECT_CONTAINS(parse_error(doc.dump()), "/policies/0/escalate_at_intake");
  doc["policies"][0].erase("escalate_at_intake");
  doc["policies"][0]["warn"] = true;
  EXPECT_CONTAINS(parse_error(doc.dump()), "/policies/0/warn");
}

TEST(SlaPolicyParse, NoCalendarIsRefused) {
  auto r = SlaPolicy::parse(one_policy({{"first_response", {{"hours", 1}}}}).dump(), kSource, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_sla_policy");
}

TEST(SlaPolicyParse, MatchKeysAreChecked) {
  const json clocks = {{"first_response", {{"hours", 1}}}};
  EXPECT_CONTAINS(parse_error(one_policy(clocks, {{"category", "billing"}}).dump()), "/policies/0/match/category");
  EXPECT_CONTAINS(parse_error(one_policy(clocks, {{"severity", "critical"}}).dump()), "/policies/0/match/severity");
  EXPECT_CONTAINS(parse_error(one_policy(clocks, {{"complaint", "yes"}}).dump()), "/policies/0/match/complaint");
  EXPECT_CONTAINS(parse_error(one_policy(clocks, {{"channel", "chat"}}).dump()), "/policies/0/match/channel");
}

TEST(SlaPolicyParse, PointerNamesTheOffendingPolicy) {
  json doc = {{"policies", json::array({{{"match", json::object()}, {"clocks", {{"first_response", {{"hours", 1}}}}}},
                                        {{"match", json::object()}, {"clocks", {{"resolution", {{"days", 3}}}}}}})}};
  EXPECT_CONTAINS(parse_error(doc.dump()), "/policies/1/clocks/resolution");
}

TEST(SlaPolicyParse, StructureIsChecked) {
  EXPECT_CONTAINS(parse_error(R"({"policies": []})"), "/policies");
  EXPECT_CONTAINS(parse_error(R"({"policy": []})"), "/policy");
  EXPECT_CONTAINS(parse_error(R"({"policies": [{"clocks": {"first_response": {"hours": 1}}}]})"), "/policies/0/match");
  EXPECT_CONTAINS(parse_error(R"({"policies": [{"match": {}, "clocks": {}}]})"), "/policies/0/clocks");
  EXPECT_CONTAINS(parse_error(R"({"policies": [{"match": {}}]})"), "/policies/0/clocks");
  parse_error("[]");
  parse_error("{\"policies\": ");
}

TEST(SlaPolicyParse, CommentsAreAllowed) {
  auto p = parse_ok(R"(// SLA
    {"policies": [ /* catch-all */ {"match": {}, "clocks": {"first_response": {"hours": 2}}}]})");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->first_response_due(Category::other, Severity::normal, kStart), kStart + 2h);
}

// ---- matching ----------------------------------------------------------------------

TEST(SlaPolicyMatch, FirstMatchingPolicyWins) {
  const json doc = {{"policies", json::array({
                                     {{"match", {{"severity", "major"}}}, {"clocks", {{"first_response", {{"hours", 1}}}}}},
                                     {{"match", {{"complaint", true}}}, {"clocks", {{"first_response", {{"hours", 8}}}}}},
                                     {{"match", json::object()}, {"clocks", {{"first_response", {{"hours", 48}}}}}},
                                 })}};
  auto p = parse_ok(doc.dump());
  ASSERT_NE(p, nullptr);
  // Both the first and second fit a major quality complaint: the first wins.
  EXPECT_EQ(p->first_response_due(Category::product_quality, Severity::major, kStart), kStart + 1h);
  EXPECT_EQ(p->first_response_due(Category::product_quality, Severity::normal, kStart), kStart + 8h);
  // An empty match fits every case.
  EXPECT_EQ(p->first_response_due(Category::inquiry, Severity::normal, kStart), kStart + 48h);
  EXPECT_EQ(p->first_response_due(Category::other, Severity::serious, kStart), kStart + 48h);
}

TEST(SlaPolicyMatch, ComplaintFalseMatchesOnlyNonComplaints) {
  const json doc = {{"policies", json::array({
                                     {{"match", {{"complaint", false}}}, {"clocks", {{"first_response", {{"hours", 72}}}}}},
                                 })}};
  auto p = parse_ok(doc.dump());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->first_response_due(Category::inquiry, Severity::normal, kStart), kStart + 72h);
  EXPECT_EQ(p->first_response_due(Category::other, Severity::normal, kStart), kStart + 72h);
  // Nothing fits a complaint: no clocks at all.
  EXPECT_TRUE(p->clocks(Category::logistics, Severity::normal, kStart).empty());
  EXPECT_FALSE(p->first_response_due(Category::logistics, Severity::normal, kStart).has_value());
}

TEST(SlaPolicyMatch, PolicyWithoutFirstResponseHasNoFirstResponseDue) {
  auto p = parse_ok(one_policy({{"preliminary_solution", {{"hours", 24}}}}).dump());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->clocks(Category::complaint, Severity::normal, kStart).size(), 1u);
  EXPECT_FALSE(p->first_response_due(Category::complaint, Severity::normal, kStart).has_value());
}

TEST(SlaPolicyMatch, FractionalHoursAreMinutes) {
  auto p = parse_ok(one_policy({{"first_response", {{"hours", 0.5}}}}).dump());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->first_response_due(Category::other, Severity::normal, kStart), kStart + 30min);
}

TEST(SlaPolicyMatch, ClocksComeInTheFilesOrder) {
  // The header promises "in the policy file's order"; this file lists the later-named clock first.
  auto p = parse_ok(R"({"policies": [{"match": {}, "clocks": {
      "preliminary_solution": {"hours": 24}, "first_response": {"hours": 4}}}]})");
  ASSERT_NE(p, nullptr);
  const auto clocks = p->clocks(Category::complaint, Severity::serious, kStart);
  ASSERT_EQ(clocks.size(), 2u);
  EXPECT_EQ(clocks[0].name, "preliminary_solution");
  EXPECT_EQ(clocks[1].name, "first_response");
}

// ---- config/sla.json ---------------------------------------------------------------

class ShippedSla : public ::testing::Test {
 protected:
  void SetUp() override {
    sla_ = unit::default_sla_policy();
    ASSERT_NE(sla_, nullptr);
  }
  std::shared_ptr<const SlaPolicy> sla_;
};

TEST_F(ShippedSla, CompanyZoneIsChina) { EXPECT_EQ(sla_->offset().minutes, 8 * 60); }

// The issue's default policy, on Friday 2026-11-27 at 16:00 in Shanghai.
const intake::Timestamp kFridayAfternoon = unit::beijing(2026, 11, 27, 16, 0);

std::vector<std::pair<std::string, std::string>> named_dues(const std::vector<intake::dialog::Clock>& clocks) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& c : clocks) out.emplace_back(c.name, intake::format_rfc3339(c.due, intake::kChinaStandardTime));
  return out;
}

using Dues = std::vector<std::pair<std::string, std::string>>;

TEST_F(ShippedSla, InquiryGets24Hours) {
  EXPECT_EQ(named_dues(sla_->clocks(Category::inquiry, Severity::normal, kFridayAfternoon)),
            (Dues{{"first_response", "2026-11-28T16:00:00+08:00"}}));
}

TEST_F(ShippedSla, NormalComplaint) {
  // 8 working hours: 1.5 on Friday, 6.5 on Monday; the opinion at Wednesday's closing.
  for (Category c : {Category::product_quality, Category::installation_quality, Category::misuse,
                     Category::staff_attitude, Category::logistics, Category::complaint})
    EXPECT_EQ(named_dues(sla_->clocks(c, Severity::normal, kFridayAfternoon)),
              (Dues{{"first_response", "2026-11-30T16:30:00+08:00"},
                    {"opinion", "2026-12-02T17:30:00+08:00"},
                    {"no_progress", "2026-11-30T16:00:00+08:00"}}))
        << intake::to_string(c);
  EXPECT_FALSE(sla_->escalation_at_intake(Category::product_quality, Severity::normal).has_value());
}

TEST_F(ShippedSla, SeriousComplaint) {
  EXPECT_EQ(named_dues(sla_->clocks(Category::logistics, Severity::serious, kFridayAfternoon)),
            (Dues{{"first_response", "2026-11-27T20:00:00+08:00"},
                  {"preliminary_solution", "2026-11-28T16:00:00+08:00"},
                  {"opinion", "2026-12-02T17:30:00+08:00"},
                  {"no_progress", "2026-11-30T16:00:00+08:00"}}));
  const auto clocks = sla_->clocks(Category::logistics, Severity::serious, kFridayAfternoon);
  EXPECT_EQ(clocks.back().escalate_to, intake::dialog::EscalationLevel::general_manager);
  EXPECT_TRUE(clocks.back().restarts_on_progress);
}

TEST_F(ShippedSla, MajorComplaintIsEscalatedAtIntake) {
  EXPECT_EQ(named_dues(sla_->clocks(Category::product_quality, Severity::major, kFridayAfternoon)),
            (Dues{{"first_response", "2026-11-27T17:00:00+08:00"}, {"group_opinion", "2026-11-30T16:30:00+08:00"}}));
  EXPECT_EQ(sla_->escalation_at_intake(Category::product_quality, Severity::major),
            intake::dialog::EscalationLevel::general_manager);
}

TEST_F(ShippedSla, InquiryPolicyComesFirstEvenForASevereInquiry) {
  // The inquiry policy is listed first, so it decides before the severity-based ones.
  EXPECT_EQ(sla_->first_response_due(Category::inquiry, Severity::major, kStart), kStart + 24h);
  EXPECT_FALSE(sla_->escalation_at_intake(Category::inquiry, Severity::major).has_value());
}

TEST_F(ShippedSla, EverythingElseFallsToTheCatchAll) {
  EXPECT_EQ(sla_->first_response_due(Category::other, Severity::normal, kStart), kStart + 24h);
}

// ---- pauses (the case waits on the customer) ---------------------------------------

TEST_F(ShippedSla, APauseMovesEachClockInItsOwnUnit) {
  using intake::dialog::SlaTerm;
  using intake::dialog::SlaUnit;
  using unit::beijing;
  // Paused Monday 10:00 → 14:00: four wall-clock hours, but 2.5 office hours (lunch is not office time).
  const auto from = beijing(2026, 11, 30, 10, 0), to = beijing(2026, 11, 30, 14, 0);
  EXPECT_EQ(sla_->extend_for_pause(SlaTerm{SlaUnit::hours, 24}, beijing(2026, 12, 1, 9, 0), from, to),
            beijing(2026, 12, 1, 13, 0));
  EXPECT_EQ(sla_->extend_for_pause(SlaTerm{SlaUnit::working_hours, 8}, beijing(2026, 12, 1, 9, 30), from, to),
            beijing(2026, 12, 1, 12, 0));
  // A working-days clock due at a closing moves into the next working morning.
  EXPECT_EQ(sla_->extend_for_pause(SlaTerm{SlaUnit::working_days, 3}, beijing(2026, 12, 2, 17, 30), from, to),
            beijing(2026, 12, 3, 11, 0));
  // A pause over a weekend costs office clocks nothing.
  EXPECT_EQ(sla_->extend_for_pause(SlaTerm{SlaUnit::working_hours, 8}, beijing(2026, 12, 1, 9, 30),
                                   beijing(2026, 11, 28, 9, 0), beijing(2026, 11, 29, 18, 0)),
            beijing(2026, 12, 1, 9, 30));
  // A pause in the evening costs nothing either, and a due time at a closing stays there.
  EXPECT_EQ(sla_->extend_for_pause(SlaTerm{SlaUnit::working_days, 3}, beijing(2026, 12, 2, 17, 30),
                                   beijing(2026, 11, 30, 18, 0), beijing(2026, 11, 30, 20, 0)),
            beijing(2026, 12, 2, 17, 30));
  // No pause, no change.
  EXPECT_EQ(sla_->extend_for_pause(SlaTerm{SlaUnit::hours, 4}, kStart, to, from), kStart);
}

}  // namespace
