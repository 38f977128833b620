#pragma once
// The SLA policy: which clocks a case gets (first_response, preliminary_solution, opinion,
// …), how long each runs and what happens when one runs out, chosen by the case's category
// and severity. Pure arithmetic on instants passed in, on the company's business calendar.
//
// Format (JSON, comments allowed), see config/sla.json:
//   {"policies": [
//     {"match": {"category": "inquiry"}, "clocks": {"first_response": {"hours": 24}}},
//     {"match": {"complaint": true, "severity": "major"}, "escalate_at_intake": "general_manager",
//      "clocks": {"first_response": {"hours": 1}, "group_opinion": {"working_hours": 8}}},
//     {"match": {"complaint": true}, "clocks": {"opinion": {"working_days": 3},
//      "no_progress": {"hours": 72, "restarts_on_progress": true, "escalate_to": "general_manager"}}},
//     {"match": {}, …}],
//    "warn_at_fraction": 0.75}
// The first policy whose match fits wins; an empty match fits every case. A clock has one
// unit:
//   hours          wall-clock hours (fractions allowed: 0.5 is 30 minutes);
//   working_hours  office hours of the business calendar only;
//   working_days   due at the close of office on the Nth working day after the day of receipt.
// A breached clock raises the case one level up the escalation ladder, or straight to
// the level its `escalate_to` names;
// Each clock warns the people responsible when `warn_at_fraction` (default 0.75) of its
// span has passed. `restarts_on_progress` makes the clock start again at every progress on the case (the
// "72 hours without progress" rule); `escalate_at_intake` escalates at once.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intake/dialog/business_calendar.hpp"
#include "intake/labels.hpp"
#include "intake/result.hpp"
#include "intake/sla.hpp"
#include "intake/time.hpp"

namespace intake::dialog {

using intake::Clock;
using intake::EscalationLevel;
using intake::SlaTerm;
using intake::SlaUnit;

class SlaPolicy {
 public:
  // Errors (code "invalid_sla_policy") name `source`, the JSON pointer and the problem.
  // `calendar` must not be null; working units are counted on it.
  static Result<std::shared_ptr<const SlaPolicy>> parse(std::string_view json_text, std::string_view source,
                                                        std::shared_ptr<const BusinessCalendar> calendar);

  // Every clock of the matching policy, started at `start`, in the policy file's order.
  std::vector<Clock> clocks(Category category, Severity severity, Timestamp start) const;
  // The first_response clock, if the matching policy has one.
  std::optional<Clock> first_response(Category category, Severity severity, Timestamp start) const;
  std::optional<Timestamp> first_response_due(Category category, Severity severity, Timestamp start) const;
  // The level a case is escalated to the moment it is filed, if its policy says so.
  std::optional<EscalationLevel> escalation_at_intake(Category category, Severity severity) const;

  // `clock` started again at `start` (a restarts_on_progress clock after progress).
  Clock restarted(const Clock& clock, Timestamp start) const;

  // When a clock of `term` started at `start` runs out.
  Timestamp due(const SlaTerm& term, Timestamp start) const;
  // A clock paused from `paused_from` to `resumed_at` (the case waited on the customer):
  // its due time moves later by the pause, measured in the clock's own unit (wall-clock
  // time for hours, office time for working units).
  Timestamp extend_for_pause(const SlaTerm& term, Timestamp due, Timestamp paused_from, Timestamp resumed_at) const;

  const BusinessCalendar& calendar() const { return *calendar_; }
  // The company's offset from UTC, for showing times to customers.
  UtcOffset offset() const { return calendar_->offset(); }

 private:
  struct ClockRule {
    std::string name;
    SlaTerm term;
    std::optional<EscalationLevel> escalate_to;
    bool restarts_on_progress = false;
  };
  struct Policy {
    std::optional<Category> category;
    std::optional<bool> complaint;
    std::optional<Severity> severity;
    std::optional<EscalationLevel> escalate_at_intake;
    std::vector<ClockRule> clocks;
  };
  const Policy* match(Category category, Severity severity) const;

  std::shared_ptr<const BusinessCalendar> calendar_;
  std::vector<Policy> policies_;
  double warn_at_fraction_ = 0.75;
};

}  // namespace intake::dialog
