// intake/acknowledgement.hpp: the JSON spelling of an acknowledgement and reading it back.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "intake/acknowledgement.hpp"
#include "unit_support.hpp"

namespace {

using intake::Acknowledgement;
using intake::acknowledgement_from_json;
using nlohmann::json;

Acknowledgement full_ack() {
  Acknowledgement a;
  a.reply_text = "您好，您补充的信息已记入案件 TS-20261122-0007。";
  a.case_view = intake::CaseView{"TS-20261122-0007", "logistics", "serious", "open",
                                 unit::beijing(2026, 11, 22, 13, 30, 0, 250)};
  a.conversation_id = "6f1c2d0e-0000-4000-8000-000000000001";
  a.handled_by = "staff";
  a.duplicate = true;
  return a;
}

TEST(AcknowledgementJson, WritesTimesWithTheGivenOffset) {
  const json j = intake::to_json(full_ack(), intake::kChinaStandardTime);
  EXPECT_EQ(j.at("case").at("first_response_due"), "2026-11-22T13:30:00.250+08:00");
  const json z = intake::to_json(full_ack(), intake::UtcOffset{0});
  EXPECT_EQ(z.at("case").at("first_response_due"), "2026-11-22T05:30:00.250Z");
}

TEST(AcknowledgementJson, RoundTrips) {
  const Acknowledgement a = full_ack();
  auto back = acknowledgement_from_json(intake::to_json(a, intake::kChinaStandardTime));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->reply_text, a.reply_text);
  ASSERT_TRUE(back->case_view.has_value());
  EXPECT_EQ(back->case_view->number, a.case_view->number);
  EXPECT_EQ(back->case_view->category, a.case_view->category);
  EXPECT_EQ(back->case_view->severity, a.case_view->severity);
  EXPECT_EQ(back->case_view->status, a.case_view->status);
  EXPECT_EQ(back->case_view->first_response_due, a.case_view->first_response_due);
  EXPECT_EQ(back->conversation_id, a.conversation_id);
  EXPECT_EQ(back->handled_by, a.handled_by);
  EXPECT_EQ(back->duplicate, a.duplicate);
}

TEST(AcknowledgementJson, RoundTripsWithoutReplyOrCase) {
  Acknowledgement a;
  a.conversation_id = "c-1";
  auto back = acknowledgement_from_json(intake::to_json(a, intake::kChinaStandardTime));
  ASSERT_TRUE(back.has_value());
  EXPECT_FALSE(back->reply_text.has_value());
  EXPECT_FALSE(back->case_view.has_value());
  EXPECT_EQ(back->handled_by, "bot");
  EXPECT_FALSE(back->duplicate);
}

TEST(AcknowledgementJson, ReadsADueTimeWrittenByPostgres) {
  // jsonb renders timestamptz with microseconds and a "+00:00" offset.
  const json j = {{"reply", nullptr},
                  {"case", {{"number", "TS-1"}, {"category", "logistics"}, {"severity", "normal"},
                            {"status", "new"}, {"first_response_due", "2026-11-22T09:30:00.123456+00:00"}}},
                  {"conversation", {{"id", "c"}, {"handled_by", "bot"}}},
                  {"duplicate", false}};
  auto a = acknowledgement_from_json(j);
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(a->case_view.has_value());
  ASSERT_TRUE(a->case_view->first_response_due.has_value());
  EXPECT_EQ(*a->case_view->first_response_due, unit::utc(2026, 11, 22, 9, 30, 0, 123));
}

TEST(AcknowledgementJson, OtherShapesAreNotAcknowledgements) {
  EXPECT_FALSE(acknowledgement_from_json(json(nullptr)).has_value());
  EXPECT_FALSE(acknowledgement_from_json(json::array()).has_value());
  EXPECT_FALSE(acknowledgement_from_json(json("ack")).has_value());
  EXPECT_FALSE(acknowledgement_from_json(json::object()).has_value());
  EXPECT_FALSE(acknowledgement_from_json(json{{"conversation", "c-1"}}).has_value());
}

TEST(AcknowledgementJson, WrongMemberTypesGiveNulloptRatherThanThrow) {
  // "returns nullopt when the document is not of that shape"; the store relies on it
  // (no exceptions on the data path).
  const json bad = {{"conversation", {{"id", 5}, {"handled_by", "bot"}}}};
  std::optional<Acknowledgement> result;
  EXPECT_NO_THROW(result = acknowledgement_from_json(bad));
  EXPECT_FALSE(result.has_value());
  json wrong_duplicate = {{"conversation", {{"id", "c"}, {"handled_by", "bot"}}}, {"duplicate", "yes"}};
  EXPECT_NO_THROW(result = acknowledgement_from_json(wrong_duplicate));
  EXPECT_FALSE(result.has_value());
}

}  // namespace
