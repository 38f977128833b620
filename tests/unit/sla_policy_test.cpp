// dialog::SlaPolicy: parsing, the first matching policy, and the clocks of config/sla.json.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

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
  auto r = SlaPolicy::parse(text, kSource);
  if (!r.ok()) {
    ADD_FAILURE() << r.error().message;
    return nullptr;
  }
  return *r;
}

std::string parse_error(const std::string& text) {
  auto r = SlaPolicy::parse(text, kSource);
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

TEST(SlaPolicyParse, WorkingHoursAreRefusedWithAPointer) {
  const std::string message = parse_error(one_policy({{"first_response", {{"working_hours", 8}}}}).dump());
  EXPECT_CONTAINS(message, "/policies/0/clocks/first_response");
  EXPECT_CONTAINS(message, "working_hours");
}

TEST(SlaPolicyParse, OtherUnitsAndBadAmountsAreRefused) {
  for (const json& duration : {json{{"days", 1}}, json{{"minutes", 30}}, json{{"hours", 0}}, json{{"hours", -4}},
                               json{{"hours", "4"}}, json::object(), json{{"hours", 4}, {"days", 1}}, json(4)}) {
    const std::string message = parse_error(one_policy({{"first_response", duration}}).dump());
    EXPECT_CONTAINS(message, "/policies/0/clocks/first_response");
  }
}

TEST(SlaPolicyParse, BadOffsetIsRefused) {
  for (const json& offset : {json("+8:00"), json("08:00"), json("+0800"), json("+15:00"), json("+08:60"),
                             json("UTC+8"), json(""), json(8), json(nullptr)}) {
    json doc = one_policy({{"first_response", {{"hours", 24}}}});
    doc["utc_offset"] = offset;
    EXPECT_CONTAINS(parse_error(doc.dump()), "/utc_offset");
  }
}

TEST(SlaPolicyParse, OffsetIsRead) {
  json doc = one_policy({{"first_response", {{"hours", 24}}}});
  doc["utc_offset"] = "-05:30";
  auto west = parse_ok(doc.dump());
  ASSERT_NE(west, nullptr);
  EXPECT_EQ(west->offset().minutes, -330);
  doc["utc_offset"] = "Z";
  auto zulu = parse_ok(doc.dump());
  ASSERT_NE(zulu, nullptr);
  EXPECT_EQ(zulu->offset().minutes, 0);
  doc.erase("utc_offset");  // China is the default
  auto china = parse_ok(doc.dump());
  ASSERT_NE(china, nullptr);
  EXPECT_EQ(china->offset().minutes, 8 * 60);
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
  EXPECT_CONTAINS(parse_error(R"({"utc_offset": "+08:00"})"), "/policies");
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

TEST_F(ShippedSla, InquiryGets24Hours) {
  EXPECT_EQ(sla_->first_response_due(Category::inquiry, Severity::normal, kStart), kStart + 24h);
  const auto clocks = sla_->clocks(Category::inquiry, Severity::normal, kStart);
  ASSERT_EQ(clocks.size(), 1u);
  EXPECT_EQ(clocks[0].name, "first_response");
}

TEST_F(ShippedSla, MajorComplaintGetsOneHour) {
  for (Category c : {Category::product_quality, Category::installation_quality, Category::misuse,
                     Category::staff_attitude, Category::logistics, Category::complaint})
    EXPECT_EQ(sla_->first_response_due(c, Severity::major, kStart), kStart + 1h) << intake::to_string(c);
}

TEST_F(ShippedSla, SeriousComplaintGetsFourHoursAndAPreliminarySolutionIn24) {
  const auto clocks = sla_->clocks(Category::logistics, Severity::serious, kStart);
  ASSERT_EQ(clocks.size(), 2u);
  EXPECT_EQ(clocks[0].name, "first_response");
  EXPECT_EQ(clocks[0].due, kStart + 4h);
  EXPECT_EQ(clocks[1].name, "preliminary_solution");
  EXPECT_EQ(clocks[1].due, kStart + 24h);
  EXPECT_EQ(sla_->first_response_due(Category::logistics, Severity::serious, kStart), kStart + 4h);
}

TEST_F(ShippedSla, NormalComplaintGetsEightHours) {
  EXPECT_EQ(sla_->first_response_due(Category::product_quality, Severity::normal, kStart), kStart + 8h);
}

TEST_F(ShippedSla, InquiryPolicyComesFirstEvenForASevereInquiry) {
  // The inquiry policy is listed first, so it decides before the severity-based ones.
  EXPECT_EQ(sla_->first_response_due(Category::inquiry, Severity::major, kStart), kStart + 24h);
}

TEST_F(ShippedSla, EverythingElseFallsToTheCatchAll) {
  EXPECT_EQ(sla_->first_response_due(Category::other, Severity::normal, kStart), kStart + 24h);
}

}  // namespace
