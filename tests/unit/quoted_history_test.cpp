// dialog::strip_quoted_history: only the customer's new words are classified.
#include <gtest/gtest.h>

#include <string>

#include "intake/dialog/quoted_history.hpp"

namespace {

using intake::dialog::strip_quoted_history;

TEST(QuotedHistory, TextWithoutHistoryIsKept) {
  EXPECT_EQ(strip_quoted_history("机器坏了\n请尽快处理"), "机器坏了\n请尽快处理");
  EXPECT_EQ(strip_quoted_history(""), "");
  // A header word inside a sentence is not a header.
  EXPECT_EQ(strip_quoted_history("货是 From: 上海 发出的"), "货是 From: 上海 发出的");
}

TEST(QuotedHistory, QuotedLinesAndWhatFollowsAreCut) {
  EXPECT_EQ(strip_quoted_history("收到了，谢谢\n> 您的案件已处理\n> 客服中心"), "收到了，谢谢\n");
  EXPECT_EQ(strip_quoted_history("ok\n  ＞ full-width quote"), "ok\n");
}

TEST(QuotedHistory, ReplyHeadersInChineseAndEnglishAreCut) {
  EXPECT_EQ(strip_quoted_history("还是漏水\n在 2026年11月20日 10:00，客服 <kf@example.com> 写道：\n您好"), "还是漏水\n");
  EXPECT_EQ(strip_quoted_history("還是漏水\n於 2026年11月20日 寫道：\n您好"), "還是漏水\n");
  EXPECT_EQ(strip_quoted_history("Still leaking\nOn Fri, 20 Nov 2026 at 10:00, Service <s@example.com> wrote:\nHi"),
            "Still leaking\n");
  EXPECT_EQ(strip_quoted_history("好的\n-----原始邮件-----\n发件人: 客服"), "好的\n");
  EXPECT_EQ(strip_quoted_history("Fine\n-----Original Message-----\nFrom: x"), "Fine\n");
  EXPECT_EQ(strip_quoted_history("好的\n\n发件人： 售后服务中心\n发送时间： 2026年11月20日"), "好的\n\n");
  EXPECT_EQ(strip_quoted_history("thanks\n-- \nLi Wei, Plant Manager"), "thanks\n");
}

TEST(QuotedHistory, AllQuotationIsClassifiedAsItStands) {
  // Nothing new above the history: better to classify the quote than nothing at all.
  const std::string forwarded = "-----Original Message-----\nFrom: buyer\n机器坏了";
  EXPECT_EQ(strip_quoted_history(forwarded), forwarded);
  EXPECT_EQ(strip_quoted_history("> 机器坏了"), "> 机器坏了");
}

}  // namespace
