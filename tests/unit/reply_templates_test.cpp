// dialog::ReplyTemplates: the most specific variant for a case's labels, in the
// customer's script.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "intake/dialog/reply_templates.hpp"
#include "unit_support.hpp"

namespace {

using intake::Category;
using intake::Script;
using intake::Severity;
using intake::dialog::ReplyTemplates;

nlohmann::json variant(const std::string& tag) { return {{"zh-Hans", tag + "-简"}, {"zh-Hant", tag + "-繁"}, {"en", tag + "-en"}}; }

TEST(ReplyTemplates, TheMostSpecificVariantWins) {
  auto json = unit::complete_templates();
  json["ack_new.product_quality.major"] = variant("pq-major");
  json["ack_new.product_quality"] = variant("pq");
  json["ack_new.major"] = variant("major");
  auto templates = ReplyTemplates::parse(json, "p.json");
  ASSERT_TRUE(templates.ok()) << templates.error().message;
  auto find = [&](std::optional<Category> c, std::optional<Severity> s, Script script = Script::zh_Hans) {
    const std::string* t = templates->find("ack_new", script, c, s);
    return t ? *t : std::string("(none)");
  };
  EXPECT_EQ(find(Category::product_quality, Severity::major), "pq-major-简");
  EXPECT_EQ(find(Category::product_quality, Severity::normal), "pq-简");
  EXPECT_EQ(find(Category::logistics, Severity::major), "major-简");
  EXPECT_EQ(find(Category::logistics, Severity::major, Script::en), "major-en");
  EXPECT_EQ(find(Category::logistics, Severity::normal, Script::zh_Hant).rfind("ack_new/zh-Hant", 0), 0u);
  EXPECT_EQ(find(std::nullopt, std::nullopt).rfind("ack_new/zh-Hans", 0), 0u);
  EXPECT_EQ(templates->find("no_such_template", Script::en), nullptr);
}

TEST(ReplyTemplates, ErrorsNameTheFileAndPointer) {
  auto missing = unit::complete_templates();
  missing["ack_new.major"] = {{"zh-Hans", "x"}};
  auto r = ReplyTemplates::parse(missing, "p.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("p.json: /templates/ack_new.major/"), std::string::npos) << r.error().message;
  auto empty = unit::complete_templates();
  empty["greeting"]["en"] = "";
  r = ReplyTemplates::parse(empty, "p.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/templates/greeting/en"), std::string::npos) << r.error().message;
}

}  // namespace
