#pragma once
// Instants and their RFC 3339 spelling.
//
// Time is always passed in (dialog never reads a clock). An instant is UTC with
// millisecond precision; a UtcOffset says how to show it to people. The product's
// customers are in China, whose zone (Asia/Shanghai) has had a fixed +08:00 offset
// since 1991, so a fixed offset is exact there; GCC 12 has no tz database in <chrono>.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace intake {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

struct UtcOffset {
  int minutes = 0;
};

inline constexpr UtcOffset kChinaStandardTime{8 * 60};

// Broken-down local time: what a person reads on a calendar and a clock.
struct LocalTime {
  std::chrono::year_month_day date;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millisecond = 0;
};

inline LocalTime to_local(Timestamp t, UtcOffset offset) {
  using namespace std::chrono;
  const auto local = t + minutes(offset.minutes);
  const auto day = floor<days>(local);
  const auto in_day = local - day;
  LocalTime out;
  out.date = year_month_day(day);
  out.hour = static_cast<int>(duration_cast<hours>(in_day).count());
  out.minute = static_cast<int>(duration_cast<minutes>(in_day).count() % 60);
  out.second = static_cast<int>(duration_cast<seconds>(in_day).count() % 60);
  out.millisecond = static_cast<int>(in_day.count() % 1000);
  return out;
}

// "2026-11-22T09:30:00+08:00" (milliseconds shown only when non-zero).
inline std::string format_rfc3339(Timestamp t, UtcOffset offset = {}) {
  const LocalTime l = to_local(t, offset);
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d",
                        static_cast<int>(l.date.year()), static_cast<unsigned>(l.date.month()),
                        static_cast<unsigned>(l.date.day()), l.hour, l.minute, l.second);
  if (l.millisecond != 0)
    n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), ".%03d", l.millisecond);
  if (offset.minutes == 0) {
    std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "Z");
  } else {
    const int m = offset.minutes < 0 ? -offset.minutes : offset.minutes;
    std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "%c%02d:%02d",
                  offset.minutes < 0 ? '-' : '+', m / 60, m % 60);
  }
  return buf;
}

// "+08:00" / "-05:30" / "Z" → the offset; nullopt for anything else (the hour must have
// two digits, the offset at most ±14:00).
inline std::optional<UtcOffset> parse_utc_offset(std::string_view s) {
  if (s == "Z") return UtcOffset{0};
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') return std::nullopt;
  auto digit = [&](std::size_t i) { return s[i] >= '0' && s[i] <= '9'; };
  if (!digit(1) || !digit(2) || !digit(4) || !digit(5)) return std::nullopt;
  const int h = (s[1] - '0') * 10 + (s[2] - '0'), m = (s[4] - '0') * 10 + (s[5] - '0');
  if (h > 14 || m > 59 || h * 60 + m > 14 * 60) return std::nullopt;
  return UtcOffset{(s[0] == '-' ? -1 : 1) * (h * 60 + m)};
}

// "2026-10-01" → that calendar day; nullopt for anything else, including impossible dates.
inline std::optional<std::chrono::sys_days> parse_iso_date(std::string_view s) {
  using namespace std::chrono;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int v[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k)
    for (std::size_t i = starts[k]; i < starts[k] + lengths[k]; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v[k] = v[k] * 10 + (s[i] - '0');
    }
  const year_month_day ymd{year(v[0]), month(static_cast<unsigned>(v[1])), day(static_cast<unsigned>(v[2]))};
  if (!ymd.ok()) return std::nullopt;
  return sys_days(ymd);
}

// "2026-10-01".
inline std::string format_iso_date(std::chrono::sys_days d) {
  const std::chrono::year_month_day ymd(d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

// Parses RFC 3339 date-times ("2026-11-22T09:30:00+08:00", "…Z", fractional seconds,
// 't'/'z'/space separators). Returns nullopt for anything else, including impossible dates.
inline std::optional<Timestamp> parse_rfc3339(std::string_view s) {
  using namespace std::chrono;
  auto num = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    if (pos + len > s.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':') return std::nullopt;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), se = num(17, 2);
  if (!y || !mo || !d || !h || !mi || !se) return std::nullopt;
  const year_month_day ymd{year(*y), month(static_cast<unsigned>(*mo)), day(static_cast<unsigned>(*d))};
  if (!ymd.ok() || *h > 23 || *mi > 59 || *se > 60) return std::nullopt;
  std::size_t pos = 19;
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 3; ++i) millis *= 10;
  }
  if (pos >= s.size()) return std::nullopt;
  int offset_minutes = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    auto oh = num(pos + 1, 2), om = num(pos + 4, 2);
    if (!oh || !om || pos + 3 >= s.size() || s[pos + 3] != ':' || *oh > 23 || *om > 59) return std::nullopt;
    offset_minutes = (*oh * 60 + *om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const auto local = sys_days(ymd) + hours(*h) + minutes(*mi) + seconds(std::min(*se, 59)) + milliseconds(millis);
  return time_point_cast<milliseconds>(local - minutes(offset_minutes));
}

}  // namespace intake
