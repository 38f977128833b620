#pragma once
// Cases as staff read and change them: the staff API's store calls. Synchronous, on a
// connection (the API runs them on a DatabaseWorker's thread).
//
// Every change is one transaction that locks the case row, checks the change against
// the lifecycle (intake/case_status.hpp), writes it and one case_events row per kind of
// change with who, when, before and after. SLA arithmetic is the caller's (ClockRules),
// so that the store does not depend on the dialog module.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "intake/case_status.hpp"
#include "intake/compensation.hpp"
#include "intake/labels.hpp"
#include "intake/result.hpp"
#include "intake/sla.hpp"
#include "intake/staff.hpp"
#include "intake/store/pg.hpp"

namespace intake::store {

// Error codes of the calls below, besides db_errc.
namespace case_errc {
inline constexpr std::string_view not_found = "not_found";
inline constexpr std::string_view forbidden = "forbidden";                    // not this agent's case
inline constexpr std::string_view invalid_transition = "invalid_transition";  // the lifecycle forbids it
inline constexpr std::string_view unknown_assignee = "unknown_assignee";      // no live staff account
}  // namespace case_errc

// Which cases a staff member may see: agents their own and the unassigned ones (the
// shared queue); every other role all.
struct Viewer {
  StaffMember member;
  bool sees_all() const { return at_least(member.role, StaffRole::supervisor); }
};

struct CaseFilter {
  std::optional<CaseStatus> status;
  std::optional<Category> category;
  std::optional<Severity> severity;
  std::optional<std::int64_t> assignee;
  bool overdue = false;  // a clock has run out and the case is still open
  std::optional<std::string> text;  // in the case number or the customer's name (case-insensitive)
  int limit = 100;
};

// The cases the viewer may see that match, newest first: summaries without events. Each:
// {"number", "status", "category", "severity", "channel", "escalation_level",
//  "assignee": {"id", "name"} | null, "customer": the customer's name, "first_response_due",
//  "opened_at", "updated_at", "overdue"}.
Result<nlohmann::json> list_cases(Connection& conn, const Viewer& viewer, const CaseFilter& filter);

// One case with its clocks, customer, and events oldest first; errors not_found (also
// for a case the viewer may not see: it does not learn the number exists). A merged
// case comes back too, with "merged_into" naming the case it now lives in.
Result<nlohmann::json> read_case(Connection& conn, const Viewer& viewer, const std::string& number);

// A change staff asks for. Unset fields stay as they are; `assignee` set to nullopt
// inside means "unassign".
struct CasePatch {
  std::optional<CaseStatus> status;
  std::optional<Category> category;
  std::optional<Severity> severity;
  std::optional<std::optional<std::int64_t>> assignee;
  std::optional<std::string> note;
};

// The SLA arithmetic a change needs, from the running policy and calendar.
struct ClockRules {
  // Every clock of a case with these labels, started at `opened_at`.
  std::function<std::vector<Clock>(Category, Severity, Timestamp opened_at)> clocks;
  // A clock's due time after a pause (SlaPolicy::extend_for_pause).
  std::function<Timestamp(const SlaTerm&, Timestamp due, Timestamp paused_from, Timestamp resumed_at)> extend_for_pause;
  // A restarts_on_progress clock started again (SlaPolicy::restarted).
  std::function<Clock(const Clock&, Timestamp start)> restarted;
};

// Applies `patch` as `viewer` at `now` and returns the case as read_case does. Labels
// that change restart the clocks from the case's opening; leaving pending_customer moves
// every clock later by the pause; any change of status is progress, which starts the
// restarts_on_progress clocks ("72 hours without progress") again. Errors: not_found,
// forbidden (an agent changing a case assigned to someone else, or assigning it to a
// third person), invalid_transition, unknown_assignee.
struct CaseUpdate {
  nlohmann::json view;                 // as read_case answers
  std::optional<CaseStatus> moved_to;  // set when the status changed
};
Result<CaseUpdate> update_case(Connection& conn, const Viewer& viewer, const std::string& number,
                               const CasePatch& patch, Timestamp now, const ClockRules& rules);

// Merges the case `duplicate` into `into`: the duplicate's messages and events move to
// `into`, which gets a 'merged' event; the duplicate is closed, keeps its number and
// points to `into` (merged_into), so its number redirects. Both must be the same
// customer's, open or not, and neither merged already. Answers `into` as read_case does.
// Errors: not_found, invalid_transition.
Result<nlohmann::json> merge_cases(Connection& conn, const Viewer& viewer, const std::string& duplicate,
                                   const std::string& into);

// One step of the compensation path (intake/compensation.hpp), with the amount applied
// for or agreed and a note. Answers the case as read_case does. Errors: not_found,
// invalid_transition (a step out of order, or a merged case).
struct CompensationRecord {
  CompensationStep step = CompensationStep::applied;
  std::optional<double> amount;  // in yuan
  std::optional<std::string> note;
};
Result<nlohmann::json> record_compensation(Connection& conn, const Viewer& viewer, const std::string& number,
                                           const CompensationRecord& record);

// Records that `viewer` read `subject` (a case number, a conversation id, a list filter).
Status log_access(Connection& conn, const Viewer& viewer, std::string_view action, const std::string& subject);

}  // namespace intake::store
