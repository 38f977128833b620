// intake/time.hpp: RFC 3339 parsing and formatting, and local wall time at an offset.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "intake/time.hpp"
#include "unit_support.hpp"

namespace {

using intake::format_rfc3339;
using intake::parse_rfc3339;
using intake::to_local;
using intake::UtcOffset;
using unit::utc;
using namespace std::chrono_literals;

TEST(ParseRfc3339, ReadsUtcWithZ) {
  auto t = parse_rfc3339("2026-11-22T01:30:00Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, utc(2026, 11, 22, 1, 30));
}

TEST(ParseRfc3339, AppliesPositiveAndNegativeOffsets) {
  // All three spell the same instant, 01:30 UTC.
  EXPECT_EQ(parse_rfc3339("2026-11-22T09:30:00+08:00"), utc(2026, 11, 22, 1, 30));
  EXPECT_EQ(parse_rfc3339("2026-11-21T20:00:00-05:30"), utc(2026, 11, 22, 1, 30));
  EXPECT_EQ(parse_rfc3339("2026-11-22T01:30:00+00:00"), utc(2026, 11, 22, 1, 30));
  EXPECT_EQ(parse_rfc3339("2026-11-22T01:30:00-00:00"), utc(2026, 11, 22, 1, 30));
}

TEST(ParseRfc3339, OffsetCanMoveTheInstantToAnotherDayAndYear) {
  // Just after midnight on New Year's Day in Beijing is still the old year in UTC.
  EXPECT_EQ(parse_rfc3339("2027-01-01T00:15:00+08:00"), utc(2026, 12, 31, 16, 15));
}

TEST(ParseRfc3339, AcceptsLowerCaseAndSpaceSeparators) {
  const auto expected = utc(2026, 11, 22, 1, 30);
  EXPECT_EQ(parse_rfc3339("2026-11-22t01:30:00z"), expected);
  EXPECT_EQ(parse_rfc3339("2026-11-22 01:30:00Z"), expected);
  EXPECT_EQ(parse_rfc3339("2026-11-22 09:30:00+08:00"), expected);
}

TEST(ParseRfc3339, ReadsFractionalSecondsAsMilliseconds) {
  const auto base = utc(2026, 11, 22, 1, 30);
  EXPECT_EQ(parse_rfc3339("2026-11-22T01:30:00.5Z"), base + 500ms);
  EXPECT_EQ(parse_rfc3339("2026-11-22T01:30:00.05Z"), base + 50ms);
  EXPECT_EQ(parse_rfc3339("2026-11-22T01:30:00.123Z"), base + 123ms);
  EXPECT_EQ(parse_rfc3339("2026-11-22T09:30:00.007+08:00"), base + 7ms);
  // Digits past the millisecond cannot be kept; they must not break the parse nor move
  // the instant by more than the millisecond they fall in.
  auto fine = parse_rfc3339("2026-11-22T01:30:00.123456789Z");
  ASSERT_TRUE(fine.has_value());
  EXPECT_GE(*fine, base + 123ms);
  EXPECT_LE(*fine, base + 124ms);
}

TEST(ParseRfc3339, RejectsImpossibleDatesAndTimes) {
  for (const char* text : {
           "2026-02-30T10:00:00+08:00",  // February never has 30 days
           "2026-02-29T10:00:00+08:00",  // 2026 is not a leap year
           "2026-04-31T10:00:00Z",       // April has 30 days
           "2026-13-01T10:00:00Z",       // no 13th month
           "2026-00-10T10:00:00Z",       // no month 0
           "2026-11-00T10:00:00Z",       // no day 0
           "2026-11-22T24:00:00Z",       // hours run 00-23
           "2026-11-22T10:60:00Z",       // minutes run 00-59
           "2026-11-22T10:00:61Z",       // not even a leap second
       })
    EXPECT_FALSE(parse_rfc3339(text).has_value()) << text;
}

TEST(ParseRfc3339, AcceptsFebruary29InALeapYear) {
  EXPECT_EQ(parse_rfc3339("2028-02-29T00:00:00Z"), utc(2028, 2, 29));
}

TEST(ParseRfc3339, RejectsGarbage) {
  for (const char* text : {
           "",
           "now",
           "yesterday at noon",
           "2026-11-22",
           "2026/11/22T09:30:00+08:00",
           "2026-11-22T09.30.00+08:00",
           "2026-11-22X09:30:00+08:00",
           "20261122T093000Z",
           "26-11-22T09:30:00+08:00",
           "2026-1-22T09:30:00+08:00",
           "2026-11-22T9:30:00+08:00",
           "２０２６-11-22T09:30:00+08:00",  // full-width digits are not RFC 3339
           "2026-11-22T09:30:00.Z",          // a dot needs digits
           "2026-11-22T09:30:00+08:00 ",     // trailing space
           "2026-11-22T09:30:00Zjunk",
           " 2026-11-22T09:30:00Z",
       })
    EXPECT_FALSE(parse_rfc3339(text).has_value()) << '"' << text << '"';
}

TEST(ParseRfc3339, RejectsAMissingOrMalformedOffset) {
  for (const char* text : {
           "2026-11-22T09:30:00",        // local time without offset is ambiguous
           "2026-11-22T09:30:00.250",
           "2026-11-22T09:30:00+0800",
           "2026-11-22T09:30:00+08",
           "2026-11-22T09:30:00+8:00",
           "2026-11-22T09:30:00+08:0",
           "2026-11-22T09:30:00+24:00",
           "2026-11-22T09:30:00+08:60",
           "2026-11-22T09:30:00 +08:00",
           "2026-11-22T09:30:00UTC",
       })
    EXPECT_FALSE(parse_rfc3339(text).has_value()) << text;
}

TEST(FormatRfc3339, WritesTheDocumentedSpelling) {
  const auto t = utc(2026, 11, 22, 1, 30);
  EXPECT_EQ(format_rfc3339(t, intake::kChinaStandardTime), "2026-11-22T09:30:00+08:00");
  EXPECT_EQ(format_rfc3339(t), "2026-11-22T01:30:00Z");
  EXPECT_EQ(format_rfc3339(t, UtcOffset{-(5 * 60 + 30)}), "2026-11-21T20:00:00-05:30");
}

TEST(FormatRfc3339, ShowsMillisecondsOnlyWhenNotZero) {
  const auto t = utc(2026, 11, 22, 1, 30, 5);
  EXPECT_EQ(format_rfc3339(t), "2026-11-22T01:30:05Z");
  EXPECT_EQ(format_rfc3339(t + 7ms), "2026-11-22T01:30:05.007Z");
  EXPECT_EQ(format_rfc3339(t + 250ms), "2026-11-22T01:30:05.250Z");
}

TEST(FormatRfc3339, CrossesMidnightAndTheYearAtTheOffset) {
  EXPECT_EQ(format_rfc3339(utc(2026, 12, 31, 16, 0), intake::kChinaStandardTime), "2027-01-01T00:00:00+08:00");
  EXPECT_EQ(format_rfc3339(utc(2026, 12, 31, 15, 59, 59), intake::kChinaStandardTime),
            "2026-12-31T23:59:59+08:00");
}

TEST(FormatRfc3339, RoundTripsThroughParse) {
  const std::vector<intake::Timestamp> instants = {
      utc(2026, 11, 22, 1, 30),          utc(2026, 11, 22, 15, 59, 59, 999), utc(2026, 12, 31, 16, 0),
      utc(2028, 2, 28, 16, 0, 0, 1),     utc(1999, 1, 1, 0, 0, 0, 120),      utc(2038, 1, 19, 3, 14, 8),
  };
  const std::vector<UtcOffset> offsets = {UtcOffset{0}, intake::kChinaStandardTime, UtcOffset{-330},
                                          UtcOffset{345}, UtcOffset{-12 * 60}, UtcOffset{14 * 60}};
  for (auto t : instants)
    for (auto offset : offsets) {
      const std::string text = format_rfc3339(t, offset);
      auto back = parse_rfc3339(text);
      ASSERT_TRUE(back.has_value()) << text;
      EXPECT_EQ(*back, t) << text;
    }
}

TEST(ToLocal, CrossesMidnightAtPlusEight) {
  // 16:30 UTC on the 22nd is half past midnight on the 23rd in Beijing.
  const auto l = to_local(utc(2026, 11, 22, 16, 30), intake::kChinaStandardTime);
  EXPECT_EQ(l.date, std::chrono::year{2026} / 11 / 23);
  EXPECT_EQ(l.hour, 0);
  EXPECT_EQ(l.minute, 30);
  EXPECT_EQ(l.second, 0);
  EXPECT_EQ(l.millisecond, 0);
}

TEST(ToLocal, LastMillisecondBeforeMidnightStaysOnTheDay) {
  const auto l = to_local(utc(2026, 11, 22, 15, 59, 59, 999), intake::kChinaStandardTime);
  EXPECT_EQ(l.date, std::chrono::year{2026} / 11 / 22);
  EXPECT_EQ(l.hour, 23);
  EXPECT_EQ(l.minute, 59);
  EXPECT_EQ(l.second, 59);
  EXPECT_EQ(l.millisecond, 999);
}

TEST(ToLocal, CrossesIntoALeapDayAndANewYear) {
  EXPECT_EQ(to_local(utc(2028, 2, 28, 16, 0), intake::kChinaStandardTime).date, std::chrono::year{2028} / 2 / 29);
  EXPECT_EQ(to_local(utc(2026, 12, 31, 16, 0), intake::kChinaStandardTime).date, std::chrono::year{2027} / 1 / 1);
}

TEST(ToLocal, NegativeOffsetGoesBackADay) {
  const auto l = to_local(utc(2026, 11, 22, 3, 0), UtcOffset{-5 * 60});
  EXPECT_EQ(l.date, std::chrono::year{2026} / 11 / 21);
  EXPECT_EQ(l.hour, 22);
}

}  // namespace
