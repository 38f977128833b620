#include "intake/dialog/sla_policy.hpp"

#include <nlohmann/json.hpp>

namespace intake::dialog {
namespace {

// Ordered, so that a policy's clocks keep the order the file gives them.
using json = nlohmann::ordered_json;

Error sla_error(std::string_view source, const std::string& pointer, const std::string& what) {
  return make_error("invalid_sla_policy", std::string(source) + ": " + pointer + ": " + what);
}

}  // namespace

namespace {

constexpr const char* kLevels = "service_staff, after_sales_department, sales_vice_president or general_manager";

// The largest amount each unit accepts: a year, in its own terms. Larger is a typo, and
// the calendar's arithmetic is bounded by it.
double unit_limit(SlaUnit unit) {
  switch (unit) {
    case SlaUnit::hours: return 366 * 24;
    case SlaUnit::working_hours: return 250 * 8;
    case SlaUnit::working_days: return 250;
  }
  return 0;
}

}  // namespace

Result<std::shared_ptr<const SlaPolicy>> SlaPolicy::parse(std::string_view json_text, std::string_view source,
                                                          std::shared_ptr<const BusinessCalendar> calendar) {
  if (!calendar) return sla_error(source, "", "no business calendar was given");
  json doc;
  try {
    doc = json::parse(json_text, nullptr, true, /*ignore_comments=*/true);
  } catch (const json::exception& e) {  // syntax, and numbers out of range ("1e99999")
    return sla_error(source, "", std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) return sla_error(source, "", "the policy must be a JSON object");
  auto policy = std::make_shared<SlaPolicy>();
  policy->calendar_ = std::move(calendar);
  for (const auto& [key, value] : doc.items())
    if (key == "utc_offset")
      return sla_error(source, "/utc_offset", "the company's zone now belongs to the business calendar; remove it here");
    else if (key != "policies" && key != "warn_at_fraction")
      return sla_error(source, "/" + key, "unknown key (expected policies, warn_at_fraction)");
  if (doc.contains("warn_at_fraction")) {
    const json& f = doc["warn_at_fraction"];
    if (!f.is_number() || f.get<double>() <= 0 || f.get<double>() >= 1)
      return sla_error(source, "/warn_at_fraction", "must be a number between 0 and 1, e.g. 0.75");
    policy->warn_at_fraction_ = f.get<double>();
  }
  if (!doc.contains("policies") || !doc["policies"].is_array() || doc["policies"].empty())
    return sla_error(source, "/policies", "a non-empty array is required");
  for (std::size_t i = 0; i < doc["policies"].size(); ++i) {
    const std::string at = "/policies/" + std::to_string(i);
    const json& p = doc["policies"][i];
    if (!p.is_object() || !p.contains("match") || !p["match"].is_object())
      return sla_error(source, at + "/match", "an object is required");
    Policy out;
    for (const auto& [key, value] : p.items())
      if (key != "match" && key != "clocks" && key != "escalate_at_intake")
        return sla_error(source, at + "/" + key, "unknown key (expected match, clocks, escalate_at_intake)");
    const json& m = p["match"];
    for (const auto& [key, value] : m.items()) {
      if (key == "category") {
        auto c = value.is_string() ? parse_category(value.get<std::string>()) : std::nullopt;
        if (!c) return sla_error(source, at + "/match/category", "unknown category");
        out.category = c;
      } else if (key == "severity") {
        auto s = value.is_string() ? parse_severity(value.get<std::string>()) : std::nullopt;
        if (!s) return sla_error(source, at + "/match/severity", "must be normal, serious or major");
        out.severity = s;
      } else if (key == "complaint") {
        if (!value.is_boolean()) return sla_error(source, at + "/match/complaint", "must be true or false");
        out.complaint = value.get<bool>();
      } else {
        return sla_error(source, at + "/match/" + key, "unknown key (expected category, complaint, severity)");
      }
    }
    if (p.contains("escalate_at_intake")) {
      const json& level = p["escalate_at_intake"];
      out.escalate_at_intake = level.is_string() ? parse_escalation_level(level.get<std::string>()) : std::nullopt;
      if (!out.escalate_at_intake) return sla_error(source, at + "/escalate_at_intake", std::string("must be ") + kLevels);
    }
    if (!p.contains("clocks") || !p["clocks"].is_object() || p["clocks"].empty())
      return sla_error(source, at + "/clocks", "a non-empty object of clock → duration is required");
    for (const auto& [name, spec] : p["clocks"].items()) {
      const std::string clock_at = at + "/clocks/" + name;
      if (!spec.is_object())
        return sla_error(source, clock_at, "must be an object with one unit, e.g. {\"working_hours\": 8}");
      ClockRule rule;
      rule.name = name;
      int units = 0;
      for (const auto& [key, value] : spec.items()) {
        const std::string key_at = clock_at + "/" + key;
        if (key == "escalate_to") {
          rule.escalate_to = value.is_string() ? parse_escalation_level(value.get<std::string>()) : std::nullopt;
          if (!rule.escalate_to) return sla_error(source, key_at, std::string("must be ") + kLevels);
          continue;
        }
        if (key == "restarts_on_progress") {
          if (!value.is_boolean()) return sla_error(source, key_at, "must be true or false");
          rule.restarts_on_progress = value.get<bool>();
          continue;
        }
        if (key == "hours") rule.term.unit = SlaUnit::hours;
        else if (key == "working_hours") rule.term.unit = SlaUnit::working_hours;
        else if (key == "working_days") rule.term.unit = SlaUnit::working_days;
        else
          return sla_error(source, key_at,
                           "unknown key (units: hours, working_hours, working_days; also escalate_to, "
                           "restarts_on_progress)");
        if (++units > 1) return sla_error(source, key_at, "a clock has exactly one unit");
        const double limit = unit_limit(rule.term.unit);
        if (!value.is_number() || value.get<double>() <= 0 || value.get<double>() > limit)
          return sla_error(source, key_at, "must be a positive number, at most " + std::to_string(static_cast<int>(limit)));
        if (rule.term.unit == SlaUnit::working_days && !value.is_number_integer())
          return sla_error(source, key_at, "must be a whole number of days");
        rule.term.amount = value.get<double>();
      }
      if (units == 0)
        return sla_error(source, clock_at, "a unit is required: hours, working_hours or working_days");
      out.clocks.push_back(std::move(rule));
    }
    policy->policies_.push_back(std::move(out));
  }
  return std::shared_ptr<const SlaPolicy>(std::move(policy));
}

const SlaPolicy::Policy* SlaPolicy::match(Category category, Severity severity) const {
  for (const Policy& p : policies_) {
    if (p.category && *p.category != category) continue;
    if (p.complaint && *p.complaint != is_complaint(category)) continue;
    if (p.severity && *p.severity != severity) continue;
    return &p;
  }
  return nullptr;
}

namespace {

std::chrono::minutes hours_as_minutes(double hours) {
  return std::chrono::minutes(static_cast<long>(hours * 60 + 0.5));
}

}  // namespace

Timestamp SlaPolicy::due(const SlaTerm& term, Timestamp start) const {
  switch (term.unit) {
    case SlaUnit::hours: return start + hours_as_minutes(term.amount);
    case SlaUnit::working_hours: return calendar_->add_working_time(start, hours_as_minutes(term.amount));
    case SlaUnit::working_days: return calendar_->close_of_nth_working_day_after(start, static_cast<int>(term.amount));
  }
  return start;
}

Timestamp SlaPolicy::extend_for_pause(const SlaTerm& term, Timestamp due_at, Timestamp paused_from,
                                      Timestamp resumed_at) const {
  if (resumed_at <= paused_from) return due_at;
  if (term.unit == SlaUnit::hours) return due_at + (resumed_at - paused_from);
  const auto lost = calendar_->working_time_between(paused_from, resumed_at);
  // Nothing lost, nothing moved: a due time at a closing would otherwise slide to the next opening.
  if (lost.count() == 0) return due_at;
  return calendar_->add_working_time(due_at, lost);
}

std::vector<Clock> SlaPolicy::clocks(Category category, Severity severity, Timestamp start) const {
  std::vector<Clock> out;
  if (const Policy* p = match(category, severity))
    for (const ClockRule& rule : p->clocks)
      out.push_back(restarted(Clock{rule.name, start, rule.term, rule.escalate_to, rule.restarts_on_progress, std::nullopt},
                              start));
  return out;
}

Clock SlaPolicy::restarted(const Clock& clock, Timestamp start) const {
  Clock out = clock;
  out.due = due(clock.term, start);
  out.warn_at = start + std::chrono::duration_cast<std::chrono::milliseconds>((out.due - start) * warn_at_fraction_);
  return out;
}

std::optional<Clock> SlaPolicy::first_response(Category category, Severity severity, Timestamp start) const {
  for (Clock& c : clocks(category, severity, start))
    if (c.name == "first_response") return std::move(c);
  return std::nullopt;
}

std::optional<Timestamp> SlaPolicy::first_response_due(Category category, Severity severity, Timestamp start) const {
  if (auto clock = first_response(category, severity, start)) return clock->due;
  return std::nullopt;
}

std::optional<EscalationLevel> SlaPolicy::escalation_at_intake(Category category, Severity severity) const {
  const Policy* p = match(category, severity);
  return p ? p->escalate_at_intake : std::nullopt;
}

}  // namespace intake::dialog
