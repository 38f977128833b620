#pragma once
// The company's business calendar: which days are working days and when the office is
// open on them, so that SLA clocks can count "working hours" and "working days". Pure
// arithmetic on instants passed in.
//
// A calendar is read from one or more files, one per period (usually a year, because the
// State Council publishes each year's holidays and adjusted working weekend days (调休) in
// the November before). Format (JSON, comments allowed), see config/calendar/cn-2026.json:
//   {"time_zone": "Asia/Shanghai", "utc_offset": "+08:00",
//    "from": "2026-01-01", "to": "2026-12-31",
//    "working_weekdays": ["mon", "tue", "wed", "thu", "fri"],
//    "office_hours": [{"from": "08:30", "to": "12:00"}, {"from": "13:30", "to": "17:30"}],
//    "holidays": [{"from": "2026-10-01", "to": "2026-10-07", "name": "国庆节"}, …],
//    "working_weekend_days": [{"date": "2026-10-10", "name": "国庆节调休"}, …]}
// A day is a working day when it is a working weekday and not a holiday, or when it is a
// listed working weekend day. Every file must name the same zone and offset, and periods
// must not overlap. A fixed offset is exact for China (no daylight saving since 1991).
//
// Days no file covers are counted with the weekly pattern and office hours of the nearest
// period, without holidays: the best guess there is, and `first_uncovered_day` lets the
// operator be warned in time to add next year's file.
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "intake/result.hpp"
#include "intake/time.hpp"

namespace intake::dialog {

// One file's text and the name errors should give it (its path).
struct CalendarSource {
  std::string text;
  std::string name;
};

class BusinessCalendar {
 public:
  // Errors (code "invalid_calendar") name the file, the JSON pointer and the problem.
  static Result<std::shared_ptr<const BusinessCalendar>> parse(std::span<const CalendarSource> files);

  const std::string& time_zone() const { return time_zone_; }
  UtcOffset offset() const { return offset_; }

  bool is_working_day(std::chrono::sys_days local_date) const;

  // The instant at which `amount` of office time, counted from `start`, has passed. Time
  // outside office hours does not count; a start outside office hours counts from the
  // next opening. An amount that ends exactly at a closing time is due at that closing.
  Timestamp add_working_time(Timestamp start, std::chrono::minutes amount) const;

  // The close of office on the `n`-th working day after the local day of `start` (n ≥ 1):
  // received on Monday (any hour), n = 3 is due at Thursday's closing.
  Timestamp close_of_nth_working_day_after(Timestamp start, int n) const;

  // How much office time lies between `from` and `to` (zero when to ≤ from).
  std::chrono::minutes working_time_between(Timestamp from, Timestamp to) const;

  // The first local day in [from, from + days) no file covers, if any: what /readyz and
  // the hourly log warn about.
  std::optional<std::chrono::sys_days> first_uncovered_day(std::chrono::sys_days from, int days) const;

  // The local calendar day of an instant, in the calendar's offset.
  std::chrono::sys_days local_day(Timestamp t) const;

 private:
  struct OfficeSpan {
    std::chrono::minutes open;   // since local midnight
    std::chrono::minutes close;
  };
  struct Period {
    std::chrono::sys_days from, to;  // inclusive
    unsigned weekday_mask = 0;       // bit n set: std::chrono::weekday{n} is a working weekday
    std::vector<OfficeSpan> office_hours;
    std::vector<std::chrono::sys_days> holidays;              // sorted
    std::vector<std::chrono::sys_days> working_weekend_days;  // sorted
  };

  // The period covering `day`, else the nearest one (for its weekly pattern only).
  const Period& period_for(std::chrono::sys_days day, bool& covered) const;
  // The office spans of a local day, as local times (empty on a day off).
  std::span<const OfficeSpan> office_spans(std::chrono::sys_days day) const;

  std::string time_zone_;
  UtcOffset offset_;
  std::vector<Period> periods_;  // sorted by `from`, disjoint, at least one
};

}  // namespace intake::dialog
