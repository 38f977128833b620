#include "intake/dialog/due_words.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace intake::dialog {
namespace {

constexpr std::array<const char*, 12> kEnglishMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string day_words(const LocalTime& due, const LocalTime& now, Script script) {
  using namespace std::chrono;
  const auto days_ahead = (sys_days(due.date) - sys_days(now.date)).count();
  const bool chinese = script != Script::en;
  if (days_ahead == 0) return chinese ? "今天" : "today";
  if (days_ahead == 1) return chinese ? "明天" : "tomorrow";
  if (days_ahead == 2 && chinese) return script == Script::zh_Hant ? "後天" : "后天";
  const auto month = static_cast<unsigned>(due.date.month());
  const auto day = static_cast<unsigned>(due.date.day());
  const bool same_year = due.date.year() == now.date.year();
  char text[48];
  if (chinese && same_year) std::snprintf(text, sizeof text, "%u月%u日", month, day);
  else if (chinese) std::snprintf(text, sizeof text, "%d年%u月%u日", static_cast<int>(due.date.year()), month, day);
  else if (same_year) std::snprintf(text, sizeof text, "%u %s", day, kEnglishMonths[month - 1]);
  else std::snprintf(text, sizeof text, "%u %s %d", day, kEnglishMonths[month - 1], static_cast<int>(due.date.year()));
  return text;
}

std::string amount(long long n, const char* hans, const char* hant, const char* en_singular, Script script) {
  const std::string number = std::to_string(n);
  switch (script) {
    case Script::zh_Hans: return number + hans;
    case Script::zh_Hant: return number + hant;
    case Script::en: return number + " " + en_singular + (n == 1 ? "" : "s");
  }
  return number;
}

}  // namespace

std::string describe_due(Timestamp due, Timestamp now, UtcOffset offset, Script script) {
  const LocalTime d = to_local(due, offset), n = to_local(now, offset);
  char clock[8];
  std::snprintf(clock, sizeof clock, "%02d:%02d", d.hour, d.minute);
  return day_words(d, n, script) + " " + clock;
}

std::string describe_within(Timestamp due, Timestamp now, Script script) {
  using namespace std::chrono;
  const auto left = std::max<milliseconds::rep>(duration_cast<milliseconds>(due - now).count(), 60'000);
  const auto minutes_left = (left + 59'999) / 60'000;
  if (minutes_left < 60) return amount(minutes_left, "分钟", "分鐘", "minute", script);
  const auto hours_left = (minutes_left + 59) / 60;
  if (hours_left <= 48) return amount(hours_left, "小时", "小時", "hour", script);
  return amount((hours_left + 23) / 24, "天", "天", "day", script);
}

std::string describe_term(const SlaTerm& term, Script script) {
  switch (term.unit) {
    case SlaUnit::hours: {
      const auto span = std::chrono::minutes(static_cast<long>(term.amount * 60 + 0.5));
      return describe_within(Timestamp{} + span, Timestamp{}, script);
    }
    case SlaUnit::working_hours: {
      const long minutes = static_cast<long>(term.amount * 60 + 0.5);
      if (minutes % 60 == 0) return amount(minutes / 60, "个工作小时", "個工作小時", "working hour", script);
      return amount(minutes, "分钟（工作时间）", "分鐘（工作時間）", "working minute", script);
    }
    case SlaUnit::working_days:
      return amount(static_cast<long long>(term.amount), "个工作日", "個工作日", "working day", script);
  }
  return {};
}

std::string as_soon_as_possible(Script script) {
  switch (script) {
    case Script::zh_Hans: return "尽快";
    case Script::zh_Hant: return "盡快";
    case Script::en: return "as soon as possible";
  }
  return "尽快";
}

}  // namespace intake::dialog
