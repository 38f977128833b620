// The dialog's state machine (dialog::Engine::decide) on a small hand-written pack, so
// that these tests say what the conversation does whatever the shipped rules become:
// asking once for details, status queries, handoff triggers, 回访 ratings, staff silence,
// and answering in the customer's script.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "intake/dialog/engine.hpp"
#include "unit_support.hpp"

namespace {

using intake::CaseAction;
using intake::CaseSnapshot;
using intake::Category;
using intake::ConversationState;
using intake::Decision;
using intake::DialogMemory;
using intake::Script;
using intake::Severity;
using intake::dialog::Engine;
using intake::dialog::RulePack;
using nlohmann::json;
using namespace std::chrono_literals;

const intake::Timestamp kNow = unit::beijing(2026, 11, 22, 9, 30);

json rule(const std::string& id, const std::string& target, const std::string& pattern) {
  return {{"id", id}, {"target", target}, {"pattern", pattern}};
}

json slot(const std::string& id, const std::string& pattern, json names = nullptr) {
  json s = {{"id", id}, {"pattern", pattern}};
  if (!names.is_null()) s["names"] = std::move(names);
  return s;
}

json fixed_slot(const std::string& id, const std::string& pattern, const std::string& value) {
  return {{"id", id}, {"pattern", pattern}, {"value", value}};
}

json names(const std::string& hans, const std::string& hant, const std::string& en) {
  return {{"zh-Hans", hans}, {"zh-Hant", hant}, {"en", en}};
}

std::shared_ptr<const RulePack> test_pack(json handoff = nullptr) {
  json pack = {
      {"version", "dialog-test"},
      {"rules", json::array({rule("pq", "category:product_quality", "坏了|broken"),
                             rule("lg", "category:logistics", "没收到"),
                             rule("iq", "category:inquiry", "请问"),
                             rule("hi", "category:other", "^(你好|您好|hello)$"),
                             rule("major", "severity:major", "起火"),
                             rule("human", "intent:human_request", "转人工"),
                             rule("status", "intent:status_query", "处理到哪|进度")})},
      {"slots", json::array({slot("case_number", "\\b([a-z]{2}-\\d{8}-\\d{4})\\b"),
                             slot("order_number", "订单\\s*([0-9]{6,})", names("订单号", "訂單號", "order number")),
                             slot("phone", "(1[3-9]\\d{9})", names("电话", "電話", "phone")),
                             slot("email", "([a-z]+@[a-z.]+)", names("邮箱", "郵箱", "email")),
                             slot("rating", "^([1-5])"),
                             fixed_slot("rating", "不满意", "2"),
                             fixed_slot("rating", "满意", "4")})},
      {"details_needed", {{"product_quality", json::array({json::array({"order_number"}),
                                                          json::array({"phone", "email"})})}}},
      {"templates", unit::complete_templates()}};
  if (!handoff.is_null()) pack["handoff"] = std::move(handoff);
  auto parsed = RulePack::parse(pack.dump(), "dialog-test.json");
  if (!parsed) throw std::runtime_error(parsed.error().message);
  return *parsed;
}

// The few traditional characters these tests use, so the engine's traditional path is
// exercised without OpenCC (tested on its own elsewhere).
std::shared_ptr<const unit::TableConverter> tiny_converter() {
  return std::make_shared<const unit::TableConverter>(
      U"壞處轉", std::vector<std::pair<std::string, std::string>>{{"壞", "坏"}, {"處", "处"}, {"轉", "转"}});
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

bool has_flag(const Decision& d, std::string_view flag) {
  return std::find(d.flags.begin(), d.flags.end(), flag) != d.flags.end();
}

class Dialog : public ::testing::Test {
 protected:
  Engine engine_{test_pack(), unit::default_sla_policy(), tiny_converter()};

  Decision say(const ConversationState& state, const std::string& text, std::optional<std::string> phone = {}) const {
    intake::Inbound in;
    in.channel = "chat";
    in.provider = "generic";
    in.external_id = "m-1";
    in.sender.id = "u-1";
    in.sender.phone = std::move(phone);
    in.text = text;
    in.received_at = kNow;
    return engine_.decide(state, in, engine_.classify(text));
  }

  // The state the store would load after `d` was applied to a conversation that had `before`.
  static ConversationState after(const ConversationState& before, const Decision& d,
                                 const std::string& new_case_number = "TS-20261122-0001") {
    ConversationState s = before;
    s.memory = d.memory;
    if (d.case_action == CaseAction::open) {
      s.open_case = CaseSnapshot{new_case_number, d.category, d.severity, "new", d.first_response_due};
      s.latest_case = s.open_case;
    }
    return s;
  }
};

TEST_F(Dialog, AClearComplaintIsFiledAtOnceAndAsksOnceForMissingDetails) {
  const Decision first = say({}, "机器坏了");
  EXPECT_EQ(first.case_action, CaseAction::open);
  EXPECT_EQ(first.memory.awaiting, DialogMemory::Awaiting::details);
  ASSERT_TRUE(first.reply_text);
  EXPECT_TRUE(contains(*first.reply_text, "ack_new/zh-Hans")) << *first.reply_text;
  // Both groups are missing; each is named once, by its first slot.
  EXPECT_TRUE(contains(*first.reply_text, "ask_details/zh-Hans")) << *first.reply_text;
  EXPECT_TRUE(contains(*first.reply_text, "订单号、电话")) << *first.reply_text;

  // The customer sends something else: the case stands, nobody asks again.
  const Decision second = say(after({}, first), "还是坏了");
  EXPECT_EQ(second.case_action, CaseAction::attach);
  EXPECT_EQ(second.target_case, "TS-20261122-0001");
  EXPECT_EQ(second.memory.awaiting, DialogMemory::Awaiting::nothing);
  EXPECT_FALSE(contains(*second.reply_text, "ask_details")) << *second.reply_text;
}

TEST_F(Dialog, DetailsGivenAfterTheQuestionAreThankedAndKept) {
  const Decision first = say({}, "机器坏了");
  const Decision second = say(after({}, first), "订单 20261122 电话 13812345678");
  EXPECT_EQ(second.case_action, CaseAction::attach);
  EXPECT_TRUE(contains(*second.reply_text, "details_received/zh-Hans")) << *second.reply_text;
  EXPECT_EQ(second.memory.details.at("order_number"), "20261122");
  EXPECT_EQ(second.memory.details.at("phone"), "13812345678");
}

TEST_F(Dialog, DetailsAlreadyKnownAreNotAskedFor) {
  // The phone comes from the channel (a hotline call), the order number from the text.
  const Decision d = say({}, "机器坏了，订单 88231234", "13800000000");
  EXPECT_EQ(d.case_action, CaseAction::open);
  EXPECT_EQ(d.memory.awaiting, DialogMemory::Awaiting::nothing);
  EXPECT_FALSE(contains(*d.reply_text, "ask_details")) << *d.reply_text;
  // A category that needs nothing asks for nothing.
  const Decision late = say({}, "货一直没收到");
  EXPECT_FALSE(contains(*late.reply_text, "ask_details")) << *late.reply_text;
}

TEST_F(Dialog, StatusQueryIsAnsweredFromTheOpenCase) {
  ConversationState s;
  s.open_case = CaseSnapshot{"TS-20261120-0003", Category::logistics, Severity::normal, "in_progress", kNow + 2h};
  s.latest_case = s.open_case;
  const Decision d = say(s, "我的投诉处理到哪了");
  EXPECT_EQ(d.case_action, CaseAction::attach);  // the question joins the case staff are working on
  EXPECT_EQ(d.target_case, "TS-20261120-0003");
  EXPECT_EQ(d.category, Category::logistics);
  ASSERT_TRUE(d.reply_text);
  EXPECT_TRUE(contains(*d.reply_text, "status/zh-Hans TS-20261120-0003")) << *d.reply_text;
  // {status} is the pack's words for the case's real status.
  EXPECT_TRUE(contains(*d.reply_text, "case_status.in_progress/zh-Hans")) << *d.reply_text;
}

TEST_F(Dialog, AStatusQueryThatRaisesTheOpenCaseIsHandledAsAnyFollowUp) {
  ConversationState s;
  s.open_case = CaseSnapshot{"TS-20261120-0004", Category::product_quality, Severity::normal, "new", kNow + 8h};
  s.latest_case = s.open_case;
  const Decision d = say(s, "处理到哪了？机器起火了");
  EXPECT_EQ(d.case_action, CaseAction::attach);
  EXPECT_EQ(d.severity, Severity::major);
  EXPECT_TRUE(d.escalate);
  ASSERT_TRUE(d.first_response_due);
  EXPECT_LT(*d.first_response_due, kNow + 8h);  // the major clock is shorter than the promise
  EXPECT_TRUE(contains(*d.reply_text, "status/zh-Hans TS-20261120-0004")) << *d.reply_text;
}

TEST_F(Dialog, StatusQueryNamingACaseIsAnsweredAboutThatCase) {
  ConversationState s;
  s.latest_case = CaseSnapshot{"TS-20261121-0009", Category::inquiry, Severity::normal, "new", kNow + 5h};
  s.mentioned_case = CaseSnapshot{"TS-20261101-0002", Category::product_quality, Severity::serious, "resolved", {}};
  const Decision d = say(s, "TS-20261101-0002 进度如何");
  EXPECT_EQ(d.classification.slots.at("case_number"), "TS-20261101-0002");  // case kept as written
  EXPECT_EQ(d.case_action, CaseAction::none);  // a resolved case is reported, not touched
  EXPECT_TRUE(contains(*d.reply_text, "status/zh-Hans TS-20261101-0002")) << *d.reply_text;
  EXPECT_TRUE(contains(*d.reply_text, "case_status.resolved/zh-Hans")) << *d.reply_text;
}

TEST_F(Dialog, StatusQueryWithoutAnyCaseSaysSoAndFilesNothing) {
  const Decision d = say({}, "处理到哪了");
  EXPECT_EQ(d.case_action, CaseAction::none);
  EXPECT_TRUE(contains(*d.reply_text, "status_unknown/zh-Hans")) << *d.reply_text;
}

TEST_F(Dialog, AHumanRequestIsFlaggedAndTold) {
  const Decision d = say({}, "机器坏了，转人工");
  EXPECT_TRUE(has_flag(d, "human_request"));
  EXPECT_TRUE(contains(*d.reply_text, "handoff/zh-Hans")) << *d.reply_text;
}

TEST_F(Dialog, MajorSeverityIsFlaggedAndEscalatedOnce) {
  const Decision d = say({}, "机器起火了");
  EXPECT_TRUE(has_flag(d, "major_severity"));
  EXPECT_TRUE(d.escalate);
  ConversationState s = after({}, d);
  const Decision again = say(s, "机器起火了");
  EXPECT_TRUE(has_flag(again, "major_severity"));
  EXPECT_FALSE(again.escalate);  // the case is already major: escalated when it became so
  // A normal case that turns major is escalated then.
  ConversationState normal;
  normal.open_case = CaseSnapshot{"TS-1", Category::product_quality, Severity::normal, "new", kNow + 8h};
  EXPECT_TRUE(say(normal, "现在起火了").escalate);
}

TEST_F(Dialog, TheSameComplaintRepeatedIsFlagged) {
  const Decision first = say({}, "机器坏了");
  EXPECT_FALSE(has_flag(first, "repeated_complaint"));
  const Decision second = say(after({}, first), "机器坏了");
  EXPECT_TRUE(has_flag(second, "repeated_complaint"));
  // Another kind of complaint on the same case is not a repetition.
  EXPECT_FALSE(has_flag(say(after({}, first), "货没收到"), "repeated_complaint"));
}

TEST_F(Dialog, TwoUnrecognisedMessagesInARowAreHandedOff) {
  const Decision first = say({}, "嗯嗯那个东西");
  EXPECT_EQ(first.memory.low_confidence_streak, 1);
  EXPECT_FALSE(has_flag(first, "low_confidence"));
  const Decision second = say(after({}, first), "就是那个");
  EXPECT_EQ(second.memory.low_confidence_streak, 2);
  EXPECT_TRUE(has_flag(second, "low_confidence"));
  // Anything recognised breaks the streak.
  const Decision third = say(after(after({}, first), second), "货没收到");
  EXPECT_EQ(third.memory.low_confidence_streak, 0);
  EXPECT_FALSE(has_flag(third, "low_confidence"));
}

TEST_F(Dialog, HowManyLowConfidenceMessagesHandOffIsThePacks) {
  const Engine eager(test_pack({{"low_confidence_in_a_row", 1}}), unit::default_sla_policy());
  intake::Inbound in;
  in.channel = "chat";
  in.text = "嗯嗯那个东西";
  in.received_at = kNow;
  const Decision d = eager.decide({}, in, eager.classify(in.text));
  EXPECT_TRUE(has_flag(d, "low_confidence"));
  // A higher bar makes a weakly recognised message count as low confidence too.
  const Engine strict(test_pack({{"low_confidence_below", 5}}), unit::default_sla_policy());
  in.text = "货没收到";
  const Decision first = strict.decide({}, in, strict.classify(in.text));
  EXPECT_EQ(first.memory.low_confidence_streak, 1);
  ConversationState s;
  s.memory = first.memory;
  EXPECT_TRUE(has_flag(strict.decide(s, in, strict.classify(in.text)), "low_confidence"));
}

ConversationState resolved_and_asked(const Engine& engine, Script script = Script::zh_Hans) {
  ConversationState s;
  s.latest_case = CaseSnapshot{"TS-20261120-0005", Category::product_quality, Severity::serious, "resolved", {}};
  s.memory = Engine::awaiting_rating(s.memory, "TS-20261120-0005");
  const std::string question = engine.satisfaction_request(*s.latest_case, script);
  EXPECT_TRUE(contains(question, "satisfaction_request/" + std::string(intake::to_string(script)) + " TS-20261120-0005"))
      << question;
  return s;
}

TEST_F(Dialog, AGoodRatingIsRecordedAndThanked) {
  const Decision d = say(resolved_and_asked(engine_), "5 很好");
  ASSERT_TRUE(d.satisfaction);
  EXPECT_EQ(d.satisfaction->rating, 5);
  EXPECT_EQ(d.satisfaction->comment, "5 很好");
  EXPECT_EQ(d.case_action, CaseAction::none);
  EXPECT_EQ(d.target_case, "TS-20261120-0005");
  EXPECT_TRUE(contains(*d.reply_text, "satisfaction_thanks/zh-Hans")) << *d.reply_text;
  EXPECT_EQ(d.memory.awaiting, DialogMemory::Awaiting::nothing);
  // Words count as a rating too.
  const Decision words = say(resolved_and_asked(engine_), "满意");
  ASSERT_TRUE(words.satisfaction);
  EXPECT_EQ(words.satisfaction->rating, 4);
}

TEST_F(Dialog, ALowRatingReopensTheCaseAndFlagsIt) {
  const Decision d = say(resolved_and_asked(engine_), "不满意，根本没解决");
  ASSERT_TRUE(d.satisfaction);
  EXPECT_EQ(d.satisfaction->rating, 2);
  EXPECT_EQ(d.case_action, CaseAction::reopen);
  EXPECT_EQ(d.target_case, "TS-20261120-0005");
  EXPECT_TRUE(has_flag(d, "low_satisfaction"));
  ASSERT_TRUE(d.first_response_due);  // a reopened case gets a new clock, from now
  EXPECT_GT(*d.first_response_due, kNow);
  EXPECT_TRUE(contains(*d.reply_text, "satisfaction_low/zh-Hans TS-20261120-0005")) << *d.reply_text;
}

TEST_F(Dialog, ARatingIsOnlyReadWhenOneWasAskedFor) {
  ConversationState s;
  s.latest_case = CaseSnapshot{"TS-20261120-0005", Category::product_quality, Severity::serious, "resolved", {}};
  const Decision d = say(s, "5");
  EXPECT_FALSE(d.satisfaction);
  // An answer that is no rating passes the question by: it is handled as any message.
  const Decision complaint = say(resolved_and_asked(engine_), "又坏了");
  EXPECT_FALSE(complaint.satisfaction);
  EXPECT_EQ(complaint.case_action, CaseAction::open);
  EXPECT_EQ(complaint.memory.awaiting, DialogMemory::Awaiting::details);
}

TEST_F(Dialog, StaffOwnedConversationsGetNoBotWordsAndNoQuestions) {
  ConversationState staff;
  staff.handled_by = "staff";
  const Decision d = say(staff, "机器坏了，转人工");
  EXPECT_EQ(d.case_action, CaseAction::open);  // still filed
  EXPECT_FALSE(d.reply_text);
  EXPECT_EQ(d.memory.awaiting, DialogMemory::Awaiting::nothing);
  ConversationState rating = resolved_and_asked(engine_);
  rating.handled_by = "staff";
  const Decision rated = say(rating, "1");
  EXPECT_EQ(rated.case_action, CaseAction::reopen);
  EXPECT_FALSE(rated.reply_text);
}

TEST_F(Dialog, AnswersInTheCustomersScript) {
  const Decision hant = say({}, "機器壞了，轉人工");
  EXPECT_EQ(hant.classification.script, Script::zh_Hant);
  EXPECT_EQ(hant.classification.primary, Category::product_quality);  // rules written once, in simplified
  EXPECT_TRUE(has_flag(hant, "human_request"));
  EXPECT_TRUE(contains(*hant.reply_text, "ack_new/zh-Hant")) << *hant.reply_text;
  EXPECT_TRUE(contains(*hant.reply_text, "訂單號、電話")) << *hant.reply_text;
  EXPECT_TRUE(contains(*hant.reply_text, "handoff/zh-Hant")) << *hant.reply_text;

  const Decision en = say({}, "The pump is BROKEN");
  EXPECT_EQ(en.classification.script, Script::en);
  EXPECT_TRUE(contains(*en.reply_text, "ack_new/en")) << *en.reply_text;
  EXPECT_TRUE(contains(*en.reply_text, "order number, phone")) << *en.reply_text;
  EXPECT_TRUE(contains(*en.reply_text, "hours")) << *en.reply_text;  // the due time in English words
  EXPECT_EQ(en.memory.script, Script::en);
}

TEST_F(Dialog, SmallTalkGetsAnAnswerAndNoCase) {
  const Decision d = say({}, "你好");
  EXPECT_EQ(d.case_action, CaseAction::none);
  ASSERT_TRUE(d.reply_text);
  EXPECT_TRUE(d.reply_text->starts_with("greeting/zh-Hans")) << *d.reply_text;
  // Placeholders with nothing to say are emptied, never shown to the customer.
  EXPECT_FALSE(contains(*d.reply_text, "{")) << *d.reply_text;
}

TEST_F(Dialog, QuotedEmailHistoryIsNotClassified) {
  const std::string reply = "谢谢，已收到\n\n在 2026年11月20日 10:00，客服 写道：\n> 机器坏了，起火了\n";
  const Decision d = say({}, reply);
  EXPECT_NE(d.severity, Severity::major) << "the quoted complaint must not count again";
  EXPECT_NE(d.classification.primary, Category::product_quality);
}

TEST_F(Dialog, MemoryRoundTripsThroughJson) {
  DialogMemory m;
  m.awaiting = DialogMemory::Awaiting::rating;
  m.awaiting_case = "TS-1";
  m.low_confidence_streak = 1;
  m.details = {{"phone", "13800000000"}};
  m.script = Script::zh_Hant;
  const DialogMemory back = intake::dialog_memory_from_json(intake::to_json(m));
  EXPECT_EQ(back.awaiting, m.awaiting);
  EXPECT_EQ(back.awaiting_case, m.awaiting_case);
  EXPECT_EQ(back.low_confidence_streak, 1);
  EXPECT_EQ(back.details, m.details);
  EXPECT_EQ(back.script, Script::zh_Hant);
  // Nothing stored, or something unreadable, is a fresh conversation.
  EXPECT_EQ(intake::dialog_memory_from_json(json()).awaiting, DialogMemory::Awaiting::nothing);
  EXPECT_EQ(intake::dialog_memory_from_json(json::parse(R"({"awaiting": 7, "details": [1]})")).details.size(), 0u);
}

}  // namespace
