#include "intake/dialog/engine.hpp"

#include <algorithm>
#include <cstdio>

#include "intake/dialog/normalizer.hpp"

namespace intake::dialog {
namespace {

void replace_all(std::string& text, std::string_view token, std::string_view value) {
  for (std::size_t pos = text.find(token); pos != std::string::npos; pos = text.find(token, pos + value.size()))
    text.replace(pos, token.size(), value);
}

// Which labels a case should carry after a follow-up message: severity only goes up; a
// case that so far held no grievance takes the complaint's category.
void merge_labels(const CaseSnapshot& open, const Classification& c, Category& category, Severity& severity) {
  severity = std::max(open.severity, c.severity);
  category = open.category;
  if (!is_complaint(open.category) && is_complaint(c.primary)) category = c.primary;
}

}  // namespace

Classification Engine::classify(std::string_view text) const { return rules_->classify(normalize(text)); }

Decision Engine::decide(const ConversationState& state, const Inbound& message,
                        const Classification& classification) const {
  Decision d;
  d.classification = classification;
  const Timestamp now = message.received_at;

  if (classification.severity == Severity::major) d.flags.push_back("major_severity");
  if (std::find(classification.intents.begin(), classification.intents.end(), Intent::human_request) !=
      classification.intents.end())
    d.flags.push_back("human_request");

  if (state.open_case) {
    const CaseSnapshot& open = *state.open_case;
    d.case_action = CaseAction::attach;
    merge_labels(open, classification, d.category, d.severity);
    d.first_response_due = open.first_response_due;
    if (d.category != open.category || d.severity != open.severity) {
      // Raised labels start their clock now; a promise already made is never pushed back.
      auto raised = sla_->first_response_due(d.category, d.severity, now);
      if (raised && (!d.first_response_due || *raised < *d.first_response_due)) d.first_response_due = raised;
    }
  } else if (classification.primary == Category::other && classification.confidence > 0) {
    // Positively recognised small talk (greetings, thanks): a polite answer, no case.
    d.case_action = CaseAction::none;
  } else {
    // Anything else, including text no rule recognised, is filed for a person to read.
    d.case_action = CaseAction::open;
    d.category = classification.primary;
    d.severity = classification.severity;
    d.first_response_due = sla_->first_response_due(d.category, d.severity, now);
  }

  if (state.handled_by == "staff") return d;  // staff own the conversation: the bot stays silent

  switch (d.case_action) {
    case CaseAction::none: d.reply_text = render_reply("greeting", d, now, std::nullopt); break;
    case CaseAction::open: d.reply_text = render_reply("ack_new", d, now, std::string(kCaseNumberToken)); break;
    case CaseAction::attach: d.reply_text = render_reply("ack_update", d, now, state.open_case->number); break;
  }
  return d;
}

std::string Engine::render_reply(std::string_view template_name, const Decision& decision, Timestamp now,
                                 const std::optional<std::string>& case_number) const {
  const std::string* tmpl = rules_->template_for(template_name);
  std::string text = tmpl ? *tmpl : std::string();
  if (case_number) replace_all(text, "{case_number}", *case_number);
  if (decision.first_response_due && *decision.first_response_due > now) {
    replace_all(text, "{due}", describe_due_zh(*decision.first_response_due, now, sla_->offset()));
    replace_all(text, "{within}", describe_within_zh(*decision.first_response_due, now));
  } else {
    // An overdue promise is not repeated as if it were new.
    replace_all(text, "{due}", "尽快");
    replace_all(text, "{within}", "尽快");
  }
  return text;
}

std::string describe_due_zh(Timestamp due, Timestamp now, UtcOffset offset) {
  using namespace std::chrono;
  const LocalTime d = to_local(due, offset), n = to_local(now, offset);
  const auto day_diff = (sys_days(d.date) - sys_days(n.date)).count();
  char clock[8];
  std::snprintf(clock, sizeof clock, "%02d:%02d", d.hour, d.minute);
  std::string prefix;
  if (day_diff == 0) prefix = "今天";
  else if (day_diff == 1) prefix = "明天";
  else if (day_diff == 2) prefix = "后天";
  else {
    char date[32];
    if (d.date.year() == n.date.year())
      std::snprintf(date, sizeof date, "%u月%u日", static_cast<unsigned>(d.date.month()), static_cast<unsigned>(d.date.day()));
    else
      std::snprintf(date, sizeof date, "%d年%u月%u日", static_cast<int>(d.date.year()),
                    static_cast<unsigned>(d.date.month()), static_cast<unsigned>(d.date.day()));
    prefix = date;
  }
  return prefix + " " + clock;
}

std::string describe_within_zh(Timestamp due, Timestamp now) {
  using namespace std::chrono;
  const auto left = std::max<milliseconds::rep>(duration_cast<milliseconds>(due - now).count(), 60'000);
  const auto minutes_left = (left + 59'999) / 60'000;
  if (minutes_left < 60) return std::to_string(minutes_left) + "分钟";
  const auto hours_left = (minutes_left + 59) / 60;
  if (hours_left <= 48) return std::to_string(hours_left) + "小时";
  return std::to_string((hours_left + 23) / 24) + "天";
}

}  // namespace intake::dialog
