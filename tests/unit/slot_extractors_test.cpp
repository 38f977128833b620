// dialog::SlotExtractors: details found in messages, what a category still needs, and
// the pack's own errors for bad extractors. Also the shipped pack's extractors on the
// forms customers write.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "intake/dialog/engine.hpp"
#include "intake/dialog/slot_extractors.hpp"
#include "unit_support.hpp"

namespace {

using intake::Category;
using intake::Script;
using intake::Slots;
using intake::dialog::SlotExtractors;
using nlohmann::json;

Slots shipped(const std::string& text) {
  auto pack = unit::default_rule_pack();
  return intake::dialog::classify_message(*pack, text, nullptr).slots;
}

std::string parse_error(const json& pack) {
  auto r = SlotExtractors::parse(pack, "p.json");
  EXPECT_FALSE(r.ok());
  return r.ok() ? std::string() : r.error().message;
}

TEST(SlotExtractors, CaptureAGroupOrGiveAFixedValueFirstMatchWins) {
  const json pack = {{"slots", json::array({{{"id", "model"}, {"pattern", "型号\\s*([a-z0-9-]+)"}},
                                            {{"id", "mood"}, {"pattern", "不满意"}, {"value", "2"}},
                                            {{"id", "mood"}, {"pattern", "满意"}, {"value", "4"}}})}};
  auto slots = SlotExtractors::parse(pack, "p.json");
  ASSERT_TRUE(slots.ok()) << slots.error().message;
  // Case-insensitive patterns; values keep the customer's case.
  EXPECT_EQ(slots->extract("型号 XJ-200B 不满意"), (Slots{{"model", "XJ-200B"}, {"mood", "2"}}));
  EXPECT_EQ(slots->extract("很满意"), (Slots{{"mood", "4"}}));
  EXPECT_TRUE(slots->extract("没什么").empty());
}

TEST(SlotExtractors, MissingGroupsAreTheOnesNoKnownSlotSatisfies) {
  const json names = {{"zh-Hans", "订单号"}, {"zh-Hant", "訂單號"}, {"en", "order number"}};
  const json pack = {{"slots", json::array({{{"id", "order"}, {"pattern", "(\\d+)"}, {"names", names}},
                                            {{"id", "batch"}, {"pattern", "批号(\\w+)"}, {"names", names}},
                                            {{"id", "phone"}, {"pattern", "(1\\d{10})"}, {"names", names}}})},
                     {"details_needed", {{"product_quality", {{"order", "batch"}, {"phone"}}}}}};
  auto slots = SlotExtractors::parse(pack, "p.json");
  ASSERT_TRUE(slots.ok()) << slots.error().message;
  EXPECT_EQ(slots->missing(Category::product_quality, {}).size(), 2u);
  EXPECT_EQ(slots->missing(Category::product_quality, {{"batch", "A1"}}),
            (std::vector<std::vector<std::string>>{{"phone"}}));
  EXPECT_TRUE(slots->missing(Category::product_quality, {{"order", "1"}, {"phone", "2"}}).empty());
  EXPECT_TRUE(slots->missing(Category::logistics, {}).empty());
  EXPECT_EQ(slots->display_name("order", Script::zh_Hant), "訂單號");
  EXPECT_EQ(slots->display_name("unknown", Script::en), "unknown");
}

TEST(SlotExtractors, ErrorsNameTheFileAndPointer) {
  EXPECT_NE(parse_error({{"slots", json::object()}}).find("p.json: /slots"), std::string::npos);
  EXPECT_NE(parse_error({{"slots", json::array({{{"id", "x"}, {"pattern", "(unclosed"}}})}}).find("/slots/0/pattern: RE2:"),
            std::string::npos);
  EXPECT_NE(parse_error({{"slots", json::array({{{"id", "x"}, {"pattern", "no group"}}})}}).find("/slots/0/value"),
            std::string::npos);
  EXPECT_NE(parse_error({{"details_needed", {{"nonsense", json::array()}}}}).find("/details_needed/nonsense"),
            std::string::npos);
  // A slot the bot would have to ask for needs a name in every script.
  const json unnamed = {{"slots", json::array({{{"id", "x"}, {"pattern", "(a)"}}})},
                        {"details_needed", {{"logistics", {{"x"}}}}}};
  EXPECT_NE(parse_error(unnamed).find("/details_needed/logistics/0/0"), std::string::npos);
}

TEST(ShippedSlots, OrderBatchModelPhoneEmailAddress) {
  const Slots s = shipped("订单号：2026112300187，批号 B2403-17，型号ＸＪ－２００，电话 138-1234-5678 不对，是13812345678");
  EXPECT_EQ(s.at("order_number"), "2026112300187");
  EXPECT_EQ(s.at("batch_number"), "B2403-17");
  EXPECT_EQ(s.at("model"), "XJ-200");  // full-width forms arrive half-width, case kept
  EXPECT_EQ(s.at("phone"), "13812345678");
  EXPECT_EQ(shipped("my email is Li.Wei@example.com").at("email"), "Li.Wei@example.com");
  EXPECT_EQ(shipped("地址：江苏省苏州市工业园区星湖街328号，尽快上门").at("address"), "江苏省苏州市工业园区星湖街328号");
  EXPECT_EQ(shipped("Order No. A88231234 arrived broken").at("order_number"), "A88231234");
  EXPECT_EQ(shipped("座机 0512-66881234").at("phone"), "0512-66881234");
}

TEST(ShippedSlots, CaseNumbersAndRatings) {
  EXPECT_EQ(shipped("ts-20261123-0001 进度如何").at("case_number"), "ts-20261123-0001");
  EXPECT_EQ(shipped("TS-20261123-0001 进度如何").at("case_number"), "TS-20261123-0001");
  EXPECT_EQ(shipped("5").at("rating"), "5");
  EXPECT_EQ(shipped("4分，师傅很专业").at("rating"), "4");
  EXPECT_EQ(shipped("打2分").at("rating"), "2");
  EXPECT_EQ(shipped("非常不满意").at("rating"), "1");
  EXPECT_EQ(shipped("不满意").at("rating"), "2");
  EXPECT_EQ(shipped("非常满意").at("rating"), "5");
  EXPECT_EQ(shipped("满意").at("rating"), "4");
  EXPECT_EQ(shipped("12315").count("rating"), 0u);  // a number, not a rating
}

}  // namespace
