#include "intake/dialog/business_calendar.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

namespace intake::dialog {
namespace {

using json = nlohmann::json;
using std::chrono::days;
using std::chrono::minutes;
using std::chrono::sys_days;

// Long enough for any SLA a policy accepts (see sla_policy.cpp's limits), short enough
// that a calendar without a single working day cannot loop for long.
constexpr int kSearchDays = 5 * 366;

Error calendar_error(std::string_view source, const std::string& pointer, const std::string& what) {
  return make_error("invalid_calendar", std::string(source) + ": " + pointer + ": " + what);
}

constexpr minutes kNoTime(-1);

// "08:30" → minutes since midnight, kNoTime when it is not a time; "24:00" is allowed as
// a closing time. (Not an optional: GCC 12 warns falsely about reading one here.)
minutes parse_clock_time(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return kNoTime;
  const std::string s = object[key].get<std::string>();
  if (s.size() != 5 || s[2] != ':') return kNoTime;
  for (std::size_t i : {0u, 1u, 3u, 4u})
    if (s[i] < '0' || s[i] > '9') return kNoTime;
  const int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return kNoTime;
  return minutes(h * 60 + m);
}

std::optional<sys_days> date_at(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return std::nullopt;
  return parse_iso_date(object[key].get<std::string>());
}

std::optional<unsigned> weekday_number(const json& value) {
  static constexpr std::array<const char*, 7> kNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  if (!value.is_string()) return std::nullopt;
  for (unsigned i = 0; i < kNames.size(); ++i)
    if (value.get<std::string>() == kNames[i]) return i;
  return std::nullopt;
}

bool contains_day(const std::vector<sys_days>& sorted, sys_days day) {
  return std::binary_search(sorted.begin(), sorted.end(), day);
}

}  // namespace

Result<std::shared_ptr<const BusinessCalendar>> BusinessCalendar::parse(std::span<const CalendarSource> files) {
  if (files.empty()) return make_error("invalid_calendar", "no calendar file: at least one is required");
  auto calendar = std::make_shared<BusinessCalendar>();
  bool first = true;
  for (const CalendarSource& file : files) {
    const std::string_view src = file.name;
    json doc;
    try {
      doc = json::parse(file.text, nullptr, true, /*ignore_comments=*/true);
    } catch (const json::exception& e) {  // syntax, and numbers out of range ("1e99999")
      return calendar_error(src, "", std::string("not valid JSON: ") + e.what());
    }
    if (!doc.is_object()) return calendar_error(src, "", "the calendar must be a JSON object");
    static constexpr std::array<const char*, 8> kKeys = {
        "time_zone", "utc_offset", "from", "to", "working_weekdays", "office_hours", "holidays", "working_weekend_days"};
    for (const auto& [key, value] : doc.items())
      if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end())
        return calendar_error(src, "/" + key, "unknown key");

    if (!doc.contains("time_zone") || !doc["time_zone"].is_string() || doc["time_zone"].get<std::string>().empty())
      return calendar_error(src, "/time_zone", "a zone name such as \"Asia/Shanghai\" is required");
    auto offset = doc.contains("utc_offset") && doc["utc_offset"].is_string()
                      ? parse_utc_offset(doc["utc_offset"].get<std::string>())
                      : std::nullopt;
    if (!offset) return calendar_error(src, "/utc_offset", "an offset such as \"+08:00\" is required");
    const std::string zone = doc["time_zone"].get<std::string>();
    if (first) {
      calendar->time_zone_ = zone;
      calendar->offset_ = *offset;
    } else if (zone != calendar->time_zone_ || offset->minutes != calendar->offset_.minutes) {
      return calendar_error(src, "/time_zone", "every calendar file must name the same zone and offset as " +
                                                   files.front().name);
    }
    first = false;

    Period period;
    auto from = date_at(doc, "from"), to = date_at(doc, "to");
    if (!from) return calendar_error(src, "/from", "a date such as \"2026-01-01\" is required");
    if (!to) return calendar_error(src, "/to", "a date such as \"2026-12-31\" is required");
    if (*to < *from) return calendar_error(src, "/to", "ends before /from");
    period.from = *from;
    period.to = *to;

    if (!doc.contains("working_weekdays") || !doc["working_weekdays"].is_array() || doc["working_weekdays"].empty())
      return calendar_error(src, "/working_weekdays", "a non-empty array such as [\"mon\", …, \"fri\"] is required");
    for (std::size_t i = 0; i < doc["working_weekdays"].size(); ++i) {
      auto n = weekday_number(doc["working_weekdays"][i]);
      if (!n) return calendar_error(src, "/working_weekdays/" + std::to_string(i), "must be one of sun, mon, … sat");
      period.weekday_mask |= 1u << *n;
    }

    if (!doc.contains("office_hours") || !doc["office_hours"].is_array() || doc["office_hours"].empty())
      return calendar_error(src, "/office_hours", "a non-empty array of {\"from\": \"08:30\", \"to\": \"12:00\"} is required");
    for (std::size_t i = 0; i < doc["office_hours"].size(); ++i) {
      const std::string at = "/office_hours/" + std::to_string(i);
      const json& span = doc["office_hours"][i];
      const minutes open = parse_clock_time(span, "from"), close = parse_clock_time(span, "to");
      if (open == kNoTime) return calendar_error(src, at + "/from", "a time such as \"08:30\" is required");
      if (close == kNoTime) return calendar_error(src, at + "/to", "a time such as \"17:30\" is required");
      if (close <= open) return calendar_error(src, at + "/to", "must be later than /from");
      if (!period.office_hours.empty() && open < period.office_hours.back().close)
        return calendar_error(src, at + "/from", "spans must be in order and must not overlap");
      period.office_hours.push_back(OfficeSpan{open, close});
    }

    auto in_period = [&](sys_days d) { return d >= period.from && d <= period.to; };
    if (doc.contains("holidays")) {
      if (!doc["holidays"].is_array()) return calendar_error(src, "/holidays", "must be an array");
      for (std::size_t i = 0; i < doc["holidays"].size(); ++i) {
        const std::string at = "/holidays/" + std::to_string(i);
        const json& h = doc["holidays"][i];
        auto first_day = date_at(h, "from"), last_day = date_at(h, "to");
        if (!first_day) return calendar_error(src, at + "/from", "a date such as \"2026-10-01\" is required");
        if (!last_day) return calendar_error(src, at + "/to", "a date such as \"2026-10-07\" is required");
        if (*last_day < *first_day) return calendar_error(src, at + "/to", "ends before /from");
        if (!in_period(*first_day) || !in_period(*last_day))
          return calendar_error(src, at, "lies outside the file's /from … /to");
        for (sys_days d = *first_day; d <= *last_day; d += days(1)) period.holidays.push_back(d);
      }
    }
    if (doc.contains("working_weekend_days")) {
      if (!doc["working_weekend_days"].is_array()) return calendar_error(src, "/working_weekend_days", "must be an array");
      for (std::size_t i = 0; i < doc["working_weekend_days"].size(); ++i) {
        const std::string at = "/working_weekend_days/" + std::to_string(i);
        auto d = date_at(doc["working_weekend_days"][i], "date");
        if (!d) return calendar_error(src, at + "/date", "a date such as \"2026-10-10\" is required");
        if (!in_period(*d)) return calendar_error(src, at + "/date", "lies outside the file's /from … /to");
        if (period.weekday_mask & (1u << std::chrono::weekday(*d).c_encoding()))
          return calendar_error(src, at + "/date", format_iso_date(*d) + " is already a working weekday");
        period.working_weekend_days.push_back(*d);
      }
    }
    std::sort(period.holidays.begin(), period.holidays.end());
    std::sort(period.working_weekend_days.begin(), period.working_weekend_days.end());
    for (sys_days d : period.working_weekend_days)
      if (contains_day(period.holidays, d))
        return calendar_error(src, "/working_weekend_days", format_iso_date(d) + " is also listed as a holiday");
    for (const Period& other : calendar->periods_)
      if (period.from <= other.to && other.from <= period.to)
        return calendar_error(src, "/from", "the period overlaps another calendar file's (" + format_iso_date(other.from) +
                                                " … " + format_iso_date(other.to) + ")");
    calendar->periods_.push_back(std::move(period));
  }
  std::sort(calendar->periods_.begin(), calendar->periods_.end(),
            [](const Period& a, const Period& b) { return a.from < b.from; });
  return std::shared_ptr<const BusinessCalendar>(std::move(calendar));
}

sys_days BusinessCalendar::local_day(Timestamp t) const {
  return std::chrono::floor<days>(t + minutes(offset_.minutes));
}

const BusinessCalendar::Period& BusinessCalendar::period_for(sys_days day, bool& covered) const {
  // periods_ is sorted and disjoint: the last one starting on or before `day` is the
  // candidate; if it ends before `day`, the day is uncovered.
  auto after = std::upper_bound(periods_.begin(), periods_.end(), day,
                                [](sys_days d, const Period& p) { return d < p.from; });
  if (after == periods_.begin()) {
    covered = false;
    return periods_.front();
  }
  const Period& before = *std::prev(after);
  covered = day <= before.to;
  if (covered || after == periods_.end()) return before;
  // Between two periods: the nearer one's weekly pattern.
  return (day - before.to) <= (after->from - day) ? before : *after;
}

bool BusinessCalendar::is_working_day(sys_days day) const {
  bool covered = false;
  const Period& p = period_for(day, covered);
  if (covered) {
    if (contains_day(p.working_weekend_days, day)) return true;
    if (contains_day(p.holidays, day)) return false;
  }
  return (p.weekday_mask & (1u << std::chrono::weekday(day).c_encoding())) != 0;
}

std::span<const BusinessCalendar::OfficeSpan> BusinessCalendar::office_spans(sys_days day) const {
  if (!is_working_day(day)) return {};
  bool covered = false;
  return period_for(day, covered).office_hours;
}

Timestamp BusinessCalendar::add_working_time(Timestamp start, minutes amount) const {
  const auto offset = minutes(offset_.minutes);
  const Timestamp local_start = start + offset;
  sys_days day = std::chrono::floor<days>(local_start);
  std::chrono::milliseconds left = amount;
  for (int i = 0; i < kSearchDays; ++i, day += days(1)) {
    for (const OfficeSpan& span : office_spans(day)) {
      const Timestamp open = std::max<Timestamp>(day + span.open, local_start);
      const Timestamp close = day + span.close;
      if (open >= close) continue;
      if (left <= close - open) return open + left - offset;
      left -= close - open;
    }
  }
  return local_start + left - offset;  // no office time at all: wall-clock is the only honest answer
}

Timestamp BusinessCalendar::close_of_nth_working_day_after(Timestamp start, int n) const {
  const auto offset = minutes(offset_.minutes);
  sys_days day = local_day(start);
  for (int i = 0, found = 0; i < kSearchDays; ++i) {
    day += days(1);
    const auto spans = office_spans(day);
    if (!spans.empty() && ++found >= n) return Timestamp(day + spans.back().close) - offset;
  }
  return start + days(n);  // no working day at all: see add_working_time
}

minutes BusinessCalendar::working_time_between(Timestamp from, Timestamp to) const {
  if (to <= from) return minutes(0);
  const auto offset = minutes(offset_.minutes);
  const Timestamp local_from = from + offset, local_to = to + offset;
  std::chrono::milliseconds total(0);
  for (sys_days day = std::chrono::floor<days>(local_from); Timestamp(day) < local_to; day += days(1))
    for (const OfficeSpan& span : office_spans(day)) {
      const Timestamp open = std::max<Timestamp>(day + span.open, local_from);
      const Timestamp close = std::min<Timestamp>(day + span.close, local_to);
      if (open < close) total += close - open;
    }
  return std::chrono::duration_cast<minutes>(total);
}

std::optional<sys_days> BusinessCalendar::first_uncovered_day(sys_days from, int count) const {
  for (sys_days day = from; day < from + days(count); day += days(1)) {
    bool covered = false;
    period_for(day, covered);
    if (!covered) return day;
  }
  return std::nullopt;
}

}  // namespace intake::dialog
