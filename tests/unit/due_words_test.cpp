// Due times in the customer's words (dialog/due_words.hpp): days counted in the
// company's zone, amounts rounded up, and the same in traditional Chinese and English.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "intake/dialog/due_words.hpp"
#include "unit_support.hpp"

namespace {

using intake::Script;
using intake::Timestamp;
using intake::dialog::describe_due;
using intake::dialog::describe_within;
using unit::beijing;
using namespace std::chrono_literals;

// Sunday 22 November 2026, 09:30 in Beijing.
const Timestamp kNow = beijing(2026, 11, 22, 9, 30);

std::string due_zh(Timestamp due, Timestamp now, intake::UtcOffset offset) {
  return describe_due(due, now, offset, Script::zh_Hans);
}
std::string within_zh(Timestamp due, Timestamp now) { return describe_within(due, now, Script::zh_Hans); }

// ---- describe_due, simplified Chinese ----------------------------------------------

TEST(DescribeDue, Today) {
  EXPECT_EQ(due_zh(beijing(2026, 11, 22, 17, 30), kNow, intake::kChinaStandardTime), "今天 17:30");
  EXPECT_EQ(due_zh(beijing(2026, 11, 22, 23, 59), kNow, intake::kChinaStandardTime), "今天 23:59");
}

TEST(DescribeDue, TomorrowAndTheDayAfter) {
  EXPECT_EQ(due_zh(beijing(2026, 11, 23, 10, 0), kNow, intake::kChinaStandardTime), "明天 10:00");
  EXPECT_EQ(due_zh(beijing(2026, 11, 24, 8, 5), kNow, intake::kChinaStandardTime), "后天 08:05");
}

TEST(DescribeDue, DaysAreCountedInTheCompanysZone) {
  // 23:30 and 00:30 in Beijing are both on 22 November in UTC, yet a day apart for the customer.
  const auto now = beijing(2026, 11, 22, 23, 30);
  EXPECT_EQ(due_zh(beijing(2026, 11, 23, 0, 30), now, intake::kChinaStandardTime), "明天 00:30");
  // And 07:00 in Beijing is the previous day in UTC, yet the same day for the customer.
  const auto early = beijing(2026, 11, 22, 7, 0);
  EXPECT_EQ(due_zh(beijing(2026, 11, 22, 11, 0), early, intake::kChinaStandardTime), "今天 11:00");
}

TEST(DescribeDue, LaterDatesAreWrittenOut) {
  EXPECT_EQ(due_zh(beijing(2026, 11, 25, 10, 0), kNow, intake::kChinaStandardTime), "11月25日 10:00");
  EXPECT_EQ(due_zh(beijing(2026, 12, 3, 9, 0), kNow, intake::kChinaStandardTime), "12月3日 09:00");
}

TEST(DescribeDue, AnotherYearNamesTheYear) {
  const auto now = beijing(2026, 12, 30, 10, 0);
  EXPECT_EQ(due_zh(beijing(2027, 1, 5, 9, 5), now, intake::kChinaStandardTime), "2027年1月5日 09:05");
  // Relative words still win across the new year.
  EXPECT_EQ(due_zh(beijing(2026, 12, 31, 10, 0), now, intake::kChinaStandardTime), "明天 10:00");
  EXPECT_EQ(due_zh(beijing(2027, 1, 1, 10, 0), now, intake::kChinaStandardTime), "后天 10:00");
}

TEST(DescribeDue, UsesTheGivenOffset) {
  // 01:30 UTC on the 23rd is 09:30 on the 23rd in Beijing, but 20:00 on the 22nd at -05:30;
  // 06:00 UTC on the 22nd is the 22nd in both zones.
  const auto due = unit::utc(2026, 11, 23, 1, 30);
  const auto now = unit::utc(2026, 11, 22, 6, 0);
  EXPECT_EQ(due_zh(due, now, intake::kChinaStandardTime), "明天 09:30");
  EXPECT_EQ(due_zh(due, now, intake::UtcOffset{-330}), "今天 20:00");
}

// ---- describe_within, simplified Chinese -------------------------------------------

TEST(DescribeWithin, ExactAmounts) {
  EXPECT_EQ(within_zh(kNow + 30min, kNow), "30分钟");
  EXPECT_EQ(within_zh(kNow + 4h, kNow), "4小时");
  EXPECT_EQ(within_zh(kNow + 1h, kNow), "1小时");
  EXPECT_EQ(within_zh(kNow + 72h, kNow), "3天");
}

TEST(DescribeWithin, RoundsUp) {
  EXPECT_EQ(within_zh(kNow + 30min + 1ms, kNow), "31分钟");
  EXPECT_EQ(within_zh(kNow + 90s, kNow), "2分钟");
  EXPECT_EQ(within_zh(kNow + 59min + 1s, kNow), "1小时");
  EXPECT_EQ(within_zh(kNow + 4h + 1min, kNow), "5小时");
  EXPECT_EQ(within_zh(kNow + 72h + 1min, kNow), "4天");
}

TEST(DescribeWithin, AtLeastOneMinute) {
  EXPECT_EQ(within_zh(kNow + 1s, kNow), "1分钟");
  EXPECT_EQ(within_zh(kNow, kNow), "1分钟");
  EXPECT_EQ(within_zh(kNow - 1h, kNow), "1分钟");
}


// ---- traditional Chinese and English ------------------------------------------------

TEST(DescribeDue, TraditionalChineseUsesItsOwnCharacters) {
  const auto cst = intake::kChinaStandardTime;
  EXPECT_EQ(describe_due(beijing(2026, 11, 22, 17, 30), kNow, cst, Script::zh_Hant), "今天 17:30");
  EXPECT_EQ(describe_due(beijing(2026, 11, 24, 8, 5), kNow, cst, Script::zh_Hant), "後天 08:05");
  EXPECT_EQ(describe_within(kNow + 30min, kNow, Script::zh_Hant), "30分鐘");
  EXPECT_EQ(describe_within(kNow + 4h, kNow, Script::zh_Hant), "4小時");
}

TEST(DescribeDue, EnglishWordsAndPlurals) {
  const auto cst = intake::kChinaStandardTime;
  EXPECT_EQ(describe_due(beijing(2026, 11, 22, 17, 30), kNow, cst, Script::en), "today 17:30");
  EXPECT_EQ(describe_due(beijing(2026, 11, 23, 10, 0), kNow, cst, Script::en), "tomorrow 10:00");
  // English has no word for the day after tomorrow in this register: the date is written.
  EXPECT_EQ(describe_due(beijing(2026, 11, 24, 8, 5), kNow, cst, Script::en), "24 Nov 08:05");
  EXPECT_EQ(describe_due(beijing(2027, 1, 5, 9, 5), kNow, cst, Script::en), "5 Jan 2027 09:05");
  EXPECT_EQ(describe_within(kNow + 1h, kNow, Script::en), "1 hour");
  EXPECT_EQ(describe_within(kNow + 4h, kNow, Script::en), "4 hours");
  EXPECT_EQ(describe_within(kNow + 1min, kNow, Script::en), "1 minute");
  EXPECT_EQ(describe_within(kNow + 72h, kNow, Script::en), "3 days");
}

TEST(DescribeDue, AsSoonAsPossibleInEachScript) {
  EXPECT_EQ(intake::dialog::as_soon_as_possible(Script::zh_Hans), "尽快");
  EXPECT_EQ(intake::dialog::as_soon_as_possible(Script::zh_Hant), "盡快");
  EXPECT_EQ(intake::dialog::as_soon_as_possible(Script::en), "as soon as possible");
}

// ---- describe_term: a promise in the clock's own unit -------------------------------

TEST(DescribeTerm, WorkingUnitsAreSaidAsSuch) {
  using intake::dialog::describe_term;
  using intake::dialog::SlaTerm;
  using intake::dialog::SlaUnit;
  EXPECT_EQ(describe_term(SlaTerm{SlaUnit::working_hours, 8}, Script::zh_Hans), "8个工作小时");
  EXPECT_EQ(describe_term(SlaTerm{SlaUnit::working_hours, 8}, Script::zh_Hant), "8個工作小時");
  EXPECT_EQ(describe_term(SlaTerm{SlaUnit::working_hours, 8}, Script::en), "8 working hours");
  EXPECT_EQ(describe_term(SlaTerm{SlaUnit::working_hours, 1}, Script::en), "1 working hour");
  EXPECT_EQ(describe_term(SlaTerm{SlaUnit::working_hours, 1.5}, Script::zh_Hans), "90分钟（工作时间）");
  EXPECT_EQ(describe_term(SlaTerm{SlaUnit::working_days, 3}, Script::zh_Hans), "3个工作日");
  EXPECT_EQ(describe_term(SlaTerm{SlaUnit::working_days, 3}, Script::zh_Hant), "3個工作日");
  EXPECT_EQ(describe_term(SlaTerm{SlaUnit::working_days, 1}, Script::en), "1 working day");
  // Wall-clock terms read as describe_within would read them.
  EXPECT_EQ(describe_term(SlaTerm{SlaUnit::hours, 24}, Script::zh_Hans), "24小时");
  EXPECT_EQ(describe_term(SlaTerm{SlaUnit::hours, 0.5}, Script::en), "30 minutes");
  EXPECT_EQ(describe_term(SlaTerm{SlaUnit::hours, 72}, Script::zh_Hans), "3天");
}

}  // namespace
