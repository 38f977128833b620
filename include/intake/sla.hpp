#pragma once
// SLA vocabulary shared by the policy (dialog), the store and the staff API: the
// escalation ladder, a clock's term and a running clock. The arithmetic lives in
// dialog/sla_policy.hpp; this header only names things and spells them in JSON, as
// cases.sla_clocks stores them.
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "intake/enum_names.hpp"
#include "intake/time.hpp"

namespace intake {

// The escalation ladder of the regulations, lowest first: service staff → after-sales
// department → sales vice-president → general manager (the company head, 公司负责人).
// cases.escalation_level stores the position (0–3).
enum class EscalationLevel { service_staff, after_sales_department, sales_vice_president, general_manager };

inline constexpr std::array<EscalationLevel, 4> kEscalationLadder = {
    EscalationLevel::service_staff, EscalationLevel::after_sales_department, EscalationLevel::sales_vice_president,
    EscalationLevel::general_manager};

constexpr std::string_view to_string(EscalationLevel level) {
  switch (level) {
    case EscalationLevel::service_staff: return "service_staff";
    case EscalationLevel::after_sales_department: return "after_sales_department";
    case EscalationLevel::sales_vice_president: return "sales_vice_president";
    case EscalationLevel::general_manager: return "general_manager";
  }
  return "service_staff";
}

constexpr std::optional<EscalationLevel> parse_escalation_level(std::string_view id) {
  return from_name(id, kEscalationLadder);
}

enum class SlaUnit { hours, working_hours, working_days };

inline constexpr std::array<SlaUnit, 3> kAllSlaUnits = {SlaUnit::hours, SlaUnit::working_hours, SlaUnit::working_days};

constexpr std::string_view to_string(SlaUnit unit) {
  switch (unit) {
    case SlaUnit::hours: return "hours";
    case SlaUnit::working_hours: return "working_hours";
    case SlaUnit::working_days: return "working_days";
  }
  return "hours";
}

constexpr std::optional<SlaUnit> parse_sla_unit(std::string_view id) { return from_name(id, kAllSlaUnits); }

// How long a clock runs: `amount` hours (hours, working_hours) or days (working_days).
struct SlaTerm {
  SlaUnit unit = SlaUnit::hours;
  double amount = 0;
};

// One running clock of a case.
struct Clock {
  std::string name;
  Timestamp due;
  SlaTerm term;
  std::optional<EscalationLevel> escalate_to;  // a breach goes straight to this level
  bool restarts_on_progress = false;
  std::optional<Timestamp> warn_at;  // when the people responsible are warned, before `due`
};

// {"name", "due" (RFC 3339, UTC), "warn_at" (or null), "unit", "amount", "escalate_to" (or
// null), "restarts_on_progress"}
inline nlohmann::json to_json(const Clock& c) {
  return {{"name", c.name},
          {"due", format_rfc3339(c.due)},
          {"warn_at", c.warn_at ? nlohmann::json(format_rfc3339(*c.warn_at)) : nlohmann::json(nullptr)},
          {"unit", to_string(c.term.unit)},
          {"amount", c.term.amount},
          {"escalate_to", c.escalate_to ? nlohmann::json(to_string(*c.escalate_to)) : nlohmann::json(nullptr)},
          {"restarts_on_progress", c.restarts_on_progress}};
}

// The inverse of to_json; nullopt when `j` is not such an object.
inline std::optional<Clock> clock_from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("name") || !j["name"].is_string() || !j.contains("due") || !j["due"].is_string() ||
      !j.contains("unit") || !j["unit"].is_string() || !j.contains("amount") || !j["amount"].is_number())
    return std::nullopt;
  auto due = parse_rfc3339(j["due"].get<std::string>());
  auto unit = parse_sla_unit(j["unit"].get<std::string>());
  if (!due || !unit) return std::nullopt;
  Clock c{j["name"].get<std::string>(), *due, SlaTerm{*unit, j["amount"].get<double>()}, std::nullopt, false,
          std::nullopt};
  if (j.contains("warn_at") && j["warn_at"].is_string()) c.warn_at = parse_rfc3339(j["warn_at"].get<std::string>());
  if (j.contains("escalate_to") && j["escalate_to"].is_string())
    c.escalate_to = parse_escalation_level(j["escalate_to"].get<std::string>());
  if (j.contains("restarts_on_progress") && j["restarts_on_progress"].is_boolean())
    c.restarts_on_progress = j["restarts_on_progress"].get<bool>();
  return c;
}

}  // namespace intake
