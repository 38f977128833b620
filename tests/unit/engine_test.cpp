// dialog::Engine::decide with the shipped rule pack and SLA policy: the labels, clocks
// and replies real messages get. The dialog's state machine on a hand-written pack is
// in dialog_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "intake/dialog/due_words.hpp"
#include "intake/dialog/engine.hpp"
#include "unit_support.hpp"

namespace {

using intake::CaseAction;
using intake::CaseSnapshot;
using intake::Category;
using intake::ConversationState;
using intake::Decision;
using intake::Severity;
using intake::dialog::describe_within;
using intake::dialog::Engine;
using unit::beijing;
using namespace std::chrono_literals;

// Sunday 22 November 2026, 09:30 in Beijing.
const intake::Timestamp kNow = beijing(2026, 11, 22, 9, 30);
const std::string kCaseNumber = "TS-20261122-0007";

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

class EngineDecide : public ::testing::Test {
 protected:
  void SetUp() override {
    auto rules = unit::default_rule_pack();
    auto sla = unit::default_sla_policy();
    ASSERT_NE(rules, nullptr);
    ASSERT_NE(sla, nullptr);
    engine_ = std::make_unique<Engine>(rules, sla);
  }

  static intake::Inbound message(const std::string& text, intake::Timestamp at = kNow) {
    intake::Inbound in;
    in.channel = "chat";
    in.provider = "generic";
    in.external_id = "m-1";
    in.sender.id = "u-42";
    in.text = text;
    in.received_at = at;
    return in;
  }

  Decision decide(const ConversationState& state, const std::string& text, intake::Timestamp at = kNow) const {
    const intake::Inbound in = message(text, at);
    return engine_->decide(state, in, engine_->classify(in.text));
  }

  static ConversationState with_open_case(Category category, Severity severity,
                                          std::optional<intake::Timestamp> due) {
    ConversationState s;
    s.open_case = CaseSnapshot{kCaseNumber, category, severity, "open", due};
    return s;
  }

  static bool has_flag_about(const Decision& d, std::string_view word) {
    return std::any_of(d.flags.begin(), d.flags.end(), [&](const std::string& f) { return contains(f, word); });
  }

  // No placeholder but the case number token may be left for the store.
  static void expect_no_placeholders(const std::string& text) {
    EXPECT_FALSE(contains(text, "{due}")) << text;
    EXPECT_FALSE(contains(text, "{within}")) << text;
  }

  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineDecide, NewComplaintOpensACase) {
  const Decision d = decide(ConversationState{}, "冰箱买回来第三天就坏了");
  EXPECT_EQ(d.case_action, CaseAction::open);
  EXPECT_EQ(d.category, Category::product_quality);
  EXPECT_EQ(d.severity, Severity::normal);
  EXPECT_EQ(d.classification.primary, Category::product_quality);
  // config/sla.json: a normal complaint gets a first response within 8 working hours.
  ASSERT_TRUE(d.first_response_due.has_value());
  EXPECT_EQ(*d.first_response_due, unit::default_calendar()->add_working_time(kNow, 8h));
  ASSERT_TRUE(d.reply_text.has_value());
  const std::string& reply = *d.reply_text;
  // The number of a new case is the store's to fill in.
  EXPECT_TRUE(contains(reply, intake::kCaseNumberToken)) << reply;
  // Sunday 09:30: Monday's 7.5 office hours, then half an hour on Tuesday; the promise
  // is said in working hours, not as the 47.5 wall-clock hours it spans.
  EXPECT_EQ(*d.first_response_due, beijing(2026, 11, 24, 9, 0));
  EXPECT_TRUE(contains(reply, "后天 09:00")) << reply;
  EXPECT_TRUE(contains(reply, "8个工作小时")) << reply;
  expect_no_placeholders(reply);
  EXPECT_TRUE(d.flags.empty());
}

TEST_F(EngineDecide, MajorComplaintIsFlaggedAndDueInAnHour) {
  const Decision d = decide(ConversationState{}, "热水器漏电了，再不处理我就打12315");
  EXPECT_EQ(d.case_action, CaseAction::open);
  EXPECT_EQ(d.severity, Severity::major);
  ASSERT_TRUE(d.first_response_due.has_value());
  EXPECT_EQ(*d.first_response_due, kNow + 1h);
  EXPECT_TRUE(has_flag_about(d, "major"));
  EXPECT_FALSE(has_flag_about(d, "human"));
  ASSERT_TRUE(d.reply_text.has_value());
  EXPECT_TRUE(contains(*d.reply_text, "今天 10:30")) << *d.reply_text;
  EXPECT_TRUE(contains(*d.reply_text, "1小时")) << *d.reply_text;
}

TEST_F(EngineDecide, MajorSeverityGetsTheMajorClockEvenWithoutACategory) {
  // A safety incident or a media threat is a major complaint (LABELS.md) even when no
  // category rule names its cause; seed 003 7.6.8: register and report at once.
  for (const char* text : {"充电器冒烟了", "孩子被烫伤了", "我要找记者曝光你们"}) {
    const Decision d = decide(ConversationState{}, text);
    ASSERT_EQ(d.severity, Severity::major) << text;
    EXPECT_TRUE(has_flag_about(d, "major")) << text;
    ASSERT_TRUE(d.first_response_due.has_value()) << text;
    EXPECT_TRUE(is_complaint(d.category)) << text;
    EXPECT_LE(*d.first_response_due, kNow + 1h) << text << " is due in " << describe_within(*d.first_response_due, kNow, intake::Script::zh_Hans);
  }
}

TEST_F(EngineDecide, HumanRequestIsFlagged) {
  const Decision d = decide(ConversationState{}, "冰箱坏了，转人工");
  EXPECT_TRUE(has_flag_about(d, "human"));
  EXPECT_FALSE(has_flag_about(d, "major"));
  const Decision both = decide(ConversationState{}, "冰箱起火了，我要找人工客服");
  EXPECT_TRUE(has_flag_about(both, "human"));
  EXPECT_TRUE(has_flag_about(both, "major"));
  EXPECT_EQ(both.flags.size(), 2u);
}

TEST_F(EngineDecide, SeriousComplaintGetsFourHours) {
  const Decision d = decide(ConversationState{}, "东西坏了，我要退货");
  EXPECT_EQ(d.case_action, CaseAction::open);
  EXPECT_EQ(d.severity, Severity::serious);
  EXPECT_EQ(d.first_response_due, kNow + 4h);
}

TEST_F(EngineDecide, InquiryOpensACaseWithA24HourClock) {
  const Decision d = decide(ConversationState{}, "请问这款肥料怎么使用？");
  EXPECT_EQ(d.case_action, CaseAction::open);
  EXPECT_EQ(d.category, Category::inquiry);
  EXPECT_EQ(d.first_response_due, kNow + 24h);
  ASSERT_TRUE(d.reply_text.has_value());
  EXPECT_TRUE(contains(*d.reply_text, "明天 09:30")) << *d.reply_text;
  EXPECT_TRUE(contains(*d.reply_text, "24小时")) << *d.reply_text;
}

TEST_F(EngineDecide, GreetingWithoutOpenCaseGetsTheGreetingAndNoCase) {
  const Decision d = decide(ConversationState{}, "你好");
  EXPECT_EQ(d.case_action, CaseAction::none);
  EXPECT_FALSE(d.first_response_due.has_value());
  ASSERT_TRUE(d.reply_text.has_value());
  const std::string* greeting = engine_->rules().templates().find("greeting", intake::Script::zh_Hans);
  ASSERT_NE(greeting, nullptr);
  EXPECT_EQ(*d.reply_text, *greeting);
  EXPECT_FALSE(contains(*d.reply_text, intake::kCaseNumberToken));
  EXPECT_TRUE(d.flags.empty());
}

TEST_F(EngineDecide, UnrecognisedTextIsFiledForAPerson) {
  const Decision d = decide(ConversationState{}, "型号 X-200，订单 88231");
  EXPECT_EQ(d.classification.confidence, 0);
  EXPECT_EQ(d.case_action, CaseAction::open);
  EXPECT_EQ(d.category, Category::other);
  // config/sla.json: the catch-all policy, 24 hours.
  EXPECT_EQ(d.first_response_due, kNow + 24h);
  ASSERT_TRUE(d.reply_text.has_value());
  EXPECT_TRUE(contains(*d.reply_text, intake::kCaseNumberToken));
}

TEST_F(EngineDecide, StaffHandledConversationGetsNoBotReply) {
  ConversationState staff;
  staff.handled_by = "staff";
  const Decision d = decide(staff, "冰箱坏了");
  EXPECT_EQ(d.case_action, CaseAction::open);  // the case is still filed
  EXPECT_FALSE(d.reply_text.has_value());
  const Decision greeting = decide(staff, "你好");
  EXPECT_FALSE(greeting.reply_text.has_value());

  ConversationState staff_with_case = with_open_case(Category::logistics, Severity::normal, kNow + 2h);
  staff_with_case.handled_by = "staff";
  const Decision follow_up = decide(staff_with_case, "还是没收到");
  EXPECT_EQ(follow_up.case_action, CaseAction::attach);
  EXPECT_FALSE(follow_up.reply_text.has_value());
}

TEST_F(EngineDecide, FollowUpAttachesToTheOpenCase) {
  const auto opened = kNow - 2h;
  const Decision d = decide(with_open_case(Category::product_quality, Severity::normal, opened + 8h),
                            "还有，门也关不上，一直有异响");
  EXPECT_EQ(d.case_action, CaseAction::attach);
  EXPECT_EQ(d.category, Category::product_quality);
  EXPECT_EQ(d.severity, Severity::normal);
  EXPECT_EQ(d.first_response_due, opened + 8h);  // nothing changed, nor does the promise
  ASSERT_TRUE(d.reply_text.has_value());
  // The existing case's number is known and written in; no token is left.
  EXPECT_TRUE(contains(*d.reply_text, kCaseNumber)) << *d.reply_text;
  EXPECT_FALSE(contains(*d.reply_text, intake::kCaseNumberToken)) << *d.reply_text;
  EXPECT_TRUE(contains(*d.reply_text, "今天 15:30")) << *d.reply_text;  // 07:30 + 8 h
  expect_no_placeholders(*d.reply_text);
}

TEST_F(EngineDecide, GreetingWithAnOpenCaseAttaches) {
  const Decision d = decide(with_open_case(Category::logistics, Severity::serious, kNow + 3h), "你好");
  EXPECT_EQ(d.case_action, CaseAction::attach);
  EXPECT_EQ(d.category, Category::logistics);
  EXPECT_EQ(d.severity, Severity::serious);
  EXPECT_EQ(d.first_response_due, kNow + 3h);
}

TEST_F(EngineDecide, RaisedSeverityBringsTheDueTimeForward) {
  const auto opened = kNow - 2h;
  // A normal quality case promised at opened + 8 h; the customer now demands a refund.
  const Decision d = decide(with_open_case(Category::product_quality, Severity::normal, opened + 8h),
                            "我要退款");
  EXPECT_EQ(d.case_action, CaseAction::attach);
  EXPECT_EQ(d.category, Category::product_quality);
  EXPECT_EQ(d.severity, Severity::serious);
  // The serious clock (4 h) starts now and ends before the old promise.
  EXPECT_EQ(d.first_response_due, kNow + 4h);
}

TEST_F(EngineDecide, SeverityOnlyGoesUp) {
  const Decision d = decide(with_open_case(Category::product_quality, Severity::major, kNow + 30min),
                            "冰箱坏了");
  EXPECT_EQ(d.severity, Severity::major);
  const Decision serious = decide(with_open_case(Category::logistics, Severity::serious, kNow + 1h),
                                  "快递太慢了");
  EXPECT_EQ(serious.severity, Severity::serious);
}

TEST_F(EngineDecide, InquiryCaseBecomesTheComplaintsCategory) {
  const auto opened = kNow - 1h;
  const Decision d = decide(with_open_case(Category::inquiry, Severity::normal, opened + 24h),
                            "快递太慢了，一直没收到");
  EXPECT_EQ(d.case_action, CaseAction::attach);
  EXPECT_EQ(d.category, Category::logistics);
  // On a Sunday the complaint's clock (8 working hours: Tuesday 09:00) ends later than
  // the inquiry's promise (Monday 08:30): a promise already made is never pushed back.
  EXPECT_EQ(d.first_response_due, opened + 24h);
}

TEST_F(EngineDecide, OtherCaseBecomesTheComplaintsCategory) {
  const Decision d = decide(with_open_case(Category::other, Severity::normal, kNow + 20h), "冰箱坏了");
  EXPECT_EQ(d.category, Category::product_quality);
}

TEST_F(EngineDecide, DueTimeIsNeverPushedBack) {
  // Promised 30 minutes from now; a refund demand raises the severity, whose own clock
  // (4 h) would end later: the earlier promise stands.
  const Decision d = decide(with_open_case(Category::product_quality, Severity::normal, kNow + 30min),
                            "我要退款");
  EXPECT_EQ(d.severity, Severity::serious);
  EXPECT_EQ(d.first_response_due, kNow + 30min);
  // Likewise when an inquiry case turns into a complaint late in its 24 hours.
  const Decision late = decide(with_open_case(Category::inquiry, Severity::normal, kNow + 2h), "冰箱坏了");
  EXPECT_EQ(late.category, Category::product_quality);
  EXPECT_EQ(late.first_response_due, kNow + 2h);
}

TEST_F(EngineDecide, OverduePromiseIsNotRepeatedAsATime) {
  const Decision d = decide(with_open_case(Category::product_quality, Severity::normal, kNow - 1h),
                            "怎么还没人联系我");
  ASSERT_TRUE(d.reply_text.has_value());
  EXPECT_FALSE(contains(*d.reply_text, "今天 08:30")) << *d.reply_text;  // a time already past
  expect_no_placeholders(*d.reply_text);
}

TEST_F(EngineDecide, IsDeterministic) {
  const auto state = with_open_case(Category::inquiry, Severity::normal, kNow + 5h);
  const Decision a = decide(state, "冰箱漏水，我要赔偿，转人工");
  const Decision b = decide(state, "冰箱漏水，我要赔偿，转人工");
  EXPECT_EQ(a.case_action, b.case_action);
  EXPECT_EQ(a.category, b.category);
  EXPECT_EQ(a.severity, b.severity);
  EXPECT_EQ(a.first_response_due, b.first_response_due);
  EXPECT_EQ(a.reply_text, b.reply_text);
  EXPECT_EQ(a.flags, b.flags);
}

}  // namespace
