// intake/labels.hpp and the Classification JSON of intake/decision.hpp: the label
// vocabulary of LABELS.md.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "intake/decision.hpp"
#include "intake/labels.hpp"

namespace {

using intake::Category;
using intake::Intent;
using intake::Severity;

TEST(Labels, WireSpellingsAreLabelsMdIds) {
  std::set<std::string> ids;
  for (Category c : intake::kAllCategories) ids.insert(std::string(intake::to_string(c)));
  EXPECT_EQ(ids, (std::set<std::string>{"inquiry", "product_quality", "installation_quality", "misuse",
                                        "staff_attitude", "logistics", "complaint", "other"}));
  EXPECT_EQ(intake::to_string(Severity::major), "major");
  EXPECT_EQ(intake::to_string(Intent::retest_request), "retest_request");
}

TEST(Labels, ParseIsTheInverseOfToString) {
  for (Category c : intake::kAllCategories) EXPECT_EQ(intake::parse_category(intake::to_string(c)), c);
  for (Intent i : intake::kAllIntents) EXPECT_EQ(intake::parse_intent(intake::to_string(i)), i);
  for (Severity s : {Severity::normal, Severity::serious, Severity::major})
    EXPECT_EQ(intake::parse_severity(intake::to_string(s)), s);
}

TEST(Labels, UnknownIdsAreNullopt) {
  EXPECT_FALSE(intake::parse_category("Product_Quality").has_value());
  EXPECT_FALSE(intake::parse_category("").has_value());
  EXPECT_FALSE(intake::parse_severity("critical").has_value());
  EXPECT_FALSE(intake::parse_intent("refund").has_value());
}

TEST(Labels, EverythingButInquiryAndOtherIsAComplaint) {
  for (Category c : intake::kAllCategories)
    EXPECT_EQ(intake::is_complaint(c), c != Category::inquiry && c != Category::other) << intake::to_string(c);
}

TEST(Labels, PrecedenceFollowsLabelsMdTieOrder) {
  // product_quality > installation_quality > logistics > staff_attitude > complaint > misuse > inquiry > other
  const Category order[] = {Category::product_quality, Category::installation_quality, Category::logistics,
                            Category::staff_attitude,  Category::complaint,            Category::misuse,
                            Category::inquiry,         Category::other};
  for (std::size_t i = 0; i + 1 < std::size(order); ++i)
    EXPECT_LT(intake::precedence_rank(order[i]), intake::precedence_rank(order[i + 1]))
        << intake::to_string(order[i]) << " vs " << intake::to_string(order[i + 1]);
}

TEST(ClassificationJson, ExplainsEveryHit) {
  intake::Classification c;
  c.primary = Category::logistics;
  c.categories = {Category::logistics, Category::staff_attitude};
  c.severity = Severity::serious;
  c.intents = {Intent::compensation_request};
  c.confidence = 2;
  c.hits = {{"lg.transit", "category:logistics", 2, 0, 12}, {"sv.compensation", "severity:serious", 1, 15, 21}};
  c.pack_version = "2026.11.1+abcdef012345";
  const nlohmann::json j = intake::to_json(c);
  EXPECT_EQ(j.at("primary"), "logistics");
  EXPECT_EQ(j.at("categories"), nlohmann::json({"logistics", "staff_attitude"}));
  EXPECT_EQ(j.at("severity"), "serious");
  EXPECT_EQ(j.at("intents"), nlohmann::json({"compensation_request"}));
  EXPECT_EQ(j.at("confidence"), 2);
  EXPECT_EQ(j.at("pack_version"), "2026.11.1+abcdef012345");
  ASSERT_EQ(j.at("rules").size(), 2u);
  EXPECT_EQ(j.at("rules")[0].at("rule"), "lg.transit");
  EXPECT_EQ(j.at("rules")[0].at("target"), "category:logistics");
  EXPECT_EQ(j.at("rules")[1].at("span"), nlohmann::json({15, 21}));
}

}  // namespace
