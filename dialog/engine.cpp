#include "intake/dialog/engine.hpp"

#include <algorithm>

#include "intake/dialog/due_words.hpp"
#include "intake/dialog/quoted_history.hpp"

namespace intake::dialog {
namespace {

constexpr std::string_view kRatingSlot = "rating";
constexpr int kLowestContentRating = 3;    // 1 and 2 reopen the case

void replace_all(std::string& text, std::string_view token, std::string_view value) {
  for (std::size_t pos = text.find(token); pos != std::string::npos; pos = text.find(token, pos + value.size()))
    text.replace(pos, token.size(), value);
}

bool has_intent(const Classification& c, Intent intent) {
  return std::find(c.intents.begin(), c.intents.end(), intent) != c.intents.end();
}

// Low confidence (the pack's "handoff"): no category scored high enough, and no intent or
// raised severity says what the customer wants either.
bool low_confidence(const Classification& c, const RulePack::HandoffPolicy& policy) {
  return c.confidence < policy.low_confidence_below && c.intents.empty() && c.severity == Severity::normal;
}

std::optional<int> rating_in(const Classification& c) {
  auto it = c.slots.find(std::string(kRatingSlot));
  if (it == c.slots.end() || it->second.size() != 1 || it->second[0] < '1' || it->second[0] > '5') return std::nullopt;
  return it->second[0] - '0';
}

// ASCII or full-width capitals, or any two-byte UTF-8 sequence (Latin, Greek, Cyrillic
// letters): a cheap test that case folding could change the text. Chinese never does.
bool may_have_capitals(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 'A' && byte <= 'Z') return true;
    if (byte >= 0xC2 && byte <= 0xDF) return true;
    if (byte == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBC &&
        static_cast<unsigned char>(text[i + 2]) >= 0xA1 && static_cast<unsigned char>(text[i + 2]) <= 0xBA)
      return true;  // U+FF21..U+FF3A, full-width A..Z
  }
  return false;
}

// The case a status query is about: the one it names, else the open one, else the newest
// one unless the message brings a new grievance (which opens a case of its own).
const CaseSnapshot* status_subject(const ConversationState& state, const Classification& c) {
  if (!has_intent(c, Intent::status_query)) return nullptr;
  if (state.mentioned_case) return &*state.mentioned_case;
  if (state.open_case) return &*state.open_case;
  if (state.latest_case && !is_complaint(c.primary)) return &*state.latest_case;
  return nullptr;
}

// Which labels a case should carry after a follow-up message: severity only goes up; a
// case that so far held no grievance takes the complaint's category.
void merge_labels(const CaseSnapshot& open, const Classification& c, Category& category, Severity& severity) {
  severity = std::max(open.severity, c.severity);
  category = open.category;
  if (!is_complaint(open.category) && is_complaint(c.primary)) category = c.primary;
}

}  // namespace

// Everything a template's placeholders may need.
struct Engine::Reply {
  std::string_view name;
  Script script = Script::zh_Hans;
  std::optional<Category> category;
  std::optional<Severity> severity;
  std::optional<std::string> case_number;
  std::optional<Timestamp> due;
  // The term of a clock started by this very message: {within} says it in the clock's
  // own unit ("8个工作小时"), which a wall-clock difference would misstate.
  std::optional<SlaTerm> fresh_term;
  Timestamp now{};
  std::string missing;
  std::string status;
};

std::string rule_text(std::string_view text, const ChineseConverter* converter) {
  return normalize(strip_quoted_history(text), {.converter = converter});
}

Classification classify_message(const RulePack& rules, std::string_view text, const ChineseConverter* converter,
                                std::string_view channel) {
  const std::string_view fresh = strip_quoted_history(text);
  const std::string folded = normalize(fresh, {.converter = converter});
  Classification c = rules.classify(folded, channel);
  c.script = detect_script(fresh, converter);
  // Slot values keep the customer's case ("XJ-200B"); text without capitals folds to itself.
  c.slots = rules.slots().extract(may_have_capitals(fresh) ? normalize(fresh, {.converter = converter, .case_fold = false})
                                                            : folded);
  return c;
}

std::optional<std::string> case_number_named(const Classification& c) {
  auto it = c.slots.find("case_number");
  if (it == c.slots.end()) return std::nullopt;
  std::string number = it->second;  // numbers are issued in capitals; customers type either
  for (char& ch : number)
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  return number;
}

Classification Engine::classify(std::string_view text, std::string_view channel) const {
  return classify_message(*rules_, text, converter_.get(), channel);
}

Decision Engine::decide(const ConversationState& state, const Inbound& message,
                        const Classification& c) const {
  Decision d;
  d.classification = c;
  const Timestamp now = message.received_at;
  const Script script = c.script;
  const DialogMemory::Awaiting asked = state.memory.awaiting;

  // Memory: every question is asked once, so whatever comes next answers it or passes it by.
  d.memory = state.memory;
  d.memory.awaiting = DialogMemory::Awaiting::nothing;
  d.memory.awaiting_case.clear();
  d.memory.script = script;
  for (const auto& [slot, value] : c.slots)
    if (slot != kRatingSlot) d.memory.details[slot] = value;
  if (message.sender.phone && !d.memory.details.count("phone")) d.memory.details["phone"] = *message.sender.phone;
  if (message.sender.email && !d.memory.details.count("email")) d.memory.details["email"] = *message.sender.email;
  const RulePack::HandoffPolicy& handoff = rules_->handoff();
  d.memory.low_confidence_streak = low_confidence(c, handoff) ? state.memory.low_confidence_streak + 1 : 0;

  if (message.needs_person) d.flags.push_back(*message.needs_person);
  if (c.severity == Severity::major) d.flags.push_back("major_severity");
  if (has_intent(c, Intent::human_request)) d.flags.push_back("human_request");
  if (d.memory.low_confidence_streak >= handoff.low_confidence_in_a_row) d.flags.push_back("low_confidence");
  if (state.open_case && is_complaint(c.primary) && c.primary == state.open_case->category)
    d.flags.push_back("repeated_complaint");

  // The message joins the open case: labels only rise, raised labels start their clock
  // now, a promise already made is never pushed back, and becoming major escalates.
  auto attach_to = [&](const CaseSnapshot& open) {
    d.case_action = CaseAction::attach;
    d.target_case = open.number;
    merge_labels(open, c, d.category, d.severity);
    d.first_response_due = open.first_response_due;
    if (d.category != open.category || d.severity != open.severity) {
      d.clocks = sla_->clocks(d.category, d.severity, now);
      for (Clock& clock : d.clocks)
        if (clock.name == "first_response") {
          if (d.first_response_due && *d.first_response_due < clock.due) clock.due = *d.first_response_due;
          d.first_response_due = clock.due;
        }
    }
    if (d.severity == Severity::major && open.severity != Severity::major) d.escalate = escalation_for(d);
  };

  Reply reply;
  reply.script = script;
  reply.now = now;
  const auto rating = rating_in(c);
  const std::optional<CaseSnapshot>& latest = state.latest_case;
  if (asked == DialogMemory::Awaiting::rating && rating && latest && latest->number == state.memory.awaiting_case) {
    // The answer to 回访: recorded on the resolved case; a low rating reopens it.
    d.satisfaction = SatisfactionRating{*rating, message.text};
    d.target_case = latest->number;
    d.category = latest->category;
    d.severity = latest->severity;
    reply.case_number = latest->number;
    if (*rating < kLowestContentRating) {
      d.case_action = CaseAction::reopen;
      d.flags.push_back("low_satisfaction");
      start_first_response(d, reply);
      reply.name = "satisfaction_low";
    } else {
      d.case_action = CaseAction::none;
      reply.name = "satisfaction_thanks";
    }
  } else if (const CaseSnapshot* asked_about = status_subject(state, c)) {
    // "我的投诉处理到哪了": answered from the case's real state. A question about the open
    // case joins it (its labels may rise like any follow-up's); any other case is only reported.
    reply.name = "status";
    reply.case_number = asked_about->number;
    const std::string* words = rules_->templates().find("case_status." + asked_about->status, script);
    reply.status = words ? *words : asked_about->status;
    d.category = asked_about->category;
    d.severity = asked_about->severity;
    d.first_response_due = asked_about->first_response_due;
    if (state.open_case && state.open_case->number == asked_about->number) attach_to(*state.open_case);
    reply.due = d.first_response_due;
  } else if (has_intent(c, Intent::status_query) && !is_complaint(c.primary) && !state.open_case) {
    reply.name = "status_unknown";  // nothing to report, and nothing to file
  } else if (state.open_case) {
    const CaseSnapshot& open = *state.open_case;
    attach_to(open);
    const bool gave_details = asked == DialogMemory::Awaiting::details &&
                              std::any_of(c.slots.begin(), c.slots.end(), [](const auto& s) { return s.first != kRatingSlot; });
    reply.name = gave_details ? "details_received" : "ack_update";
    reply.case_number = open.number;
    reply.due = d.first_response_due;
  } else if (c.primary == Category::other && c.confidence > 0 && !message.needs_person) {
    // Positively recognised small talk (greetings, thanks): a polite answer, no case.
    reply.name = "greeting";
  } else {
    // Anything else, including text no rule recognised, is filed for a person to read.
    d.case_action = CaseAction::open;
    d.category = c.primary;
    d.severity = c.severity;
    start_first_response(d, reply);
    d.clocks = sla_->clocks(d.category, d.severity, now);
    if (d.severity == Severity::major) d.escalate = escalation_for(d);
    reply.name = "ack_new";
    reply.case_number = std::string(kCaseNumberToken);
    const auto missing = rules_->slots().missing(d.category, d.memory.details);
    for (const auto& group : missing) {
      if (!reply.missing.empty()) reply.missing += script == Script::en ? ", " : "、";
      reply.missing += rules_->slots().display_name(group.front(), script);
    }
    if (!missing.empty()) d.memory.awaiting = DialogMemory::Awaiting::details;
  }

  if (state.handled_by == "staff") {
    d.memory.awaiting = DialogMemory::Awaiting::nothing;  // the bot asked nothing
    return d;  // staff own the conversation: the bot stays silent
  }
  reply.category = d.category;
  reply.severity = d.severity;
  std::string text = render(reply);
  if (d.memory.awaiting == DialogMemory::Awaiting::details) {
    reply.name = "ask_details";
    text += render(reply);
  }
  if (has_intent(c, Intent::human_request) && d.case_action != CaseAction::none) {
    reply.name = "handoff";
    text += render(reply);
  }
  d.reply_text = std::move(text);
  return d;
}

EscalationLevel Engine::escalation_for(const Decision& d) const {
  return sla_->escalation_at_intake(d.category, d.severity).value_or(EscalationLevel::after_sales_department);
}

void Engine::start_first_response(Decision& d, Reply& reply) const {
  const auto clock = sla_->first_response(d.category, d.severity, reply.now);
  d.first_response_due = clock ? std::optional<Timestamp>(clock->due) : std::nullopt;
  reply.due = d.first_response_due;
  reply.fresh_term = clock ? std::optional<SlaTerm>(clock->term) : std::nullopt;
}

std::string Engine::satisfaction_request(const CaseSnapshot& resolved, Script script) const {
  Reply reply;
  reply.name = "satisfaction_request";
  reply.script = script;
  reply.category = resolved.category;
  reply.severity = resolved.severity;
  reply.case_number = resolved.number;
  return render(reply);
}

DialogMemory Engine::awaiting_rating(DialogMemory memory, const std::string& case_number) {
  memory.awaiting = DialogMemory::Awaiting::rating;
  memory.awaiting_case = case_number;
  return memory;
}

std::string Engine::render(const Reply& r) const {
  const std::string* tmpl = rules_->templates().find(r.name, r.script, r.category, r.severity);
  std::string text = tmpl ? *tmpl : std::string();
  replace_all(text, "{case_number}", r.case_number ? *r.case_number : std::string());
  if (r.due && *r.due > r.now) {
    replace_all(text, "{due}", describe_due(*r.due, r.now, sla_->offset(), r.script));
    replace_all(text, "{within}",
                r.fresh_term ? describe_term(*r.fresh_term, r.script) : describe_within(*r.due, r.now, r.script));
  } else {
    // An overdue promise is not repeated as if it were new.
    replace_all(text, "{due}", as_soon_as_possible(r.script));
    replace_all(text, "{within}", as_soon_as_possible(r.script));
  }
  replace_all(text, "{missing}", r.missing);
  replace_all(text, "{status}", r.status);
  return text;
}

}  // namespace intake::dialog
