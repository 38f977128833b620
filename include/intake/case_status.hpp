#pragma once
// A case's lifecycle (REQUIREMENTS.md, the handling flow):
//
//   new → acknowledged → in_progress → pending_customer → resolved → closed
//
// with `reopened` for a resolved or closed case that needs more work (a low satisfaction
// rating, or staff). The table below is the whole of what may follow what; staying in
// the same status is not a transition. While a case is pending_customer its SLA clocks
// are paused.
#include <array>
#include <optional>
#include <string_view>

#include "intake/enum_names.hpp"

namespace intake {

enum class CaseStatus { new_case, acknowledged, in_progress, pending_customer, resolved, closed, reopened };

inline constexpr std::array<CaseStatus, 7> kAllCaseStatuses = {
    CaseStatus::new_case, CaseStatus::acknowledged, CaseStatus::in_progress, CaseStatus::pending_customer,
    CaseStatus::resolved, CaseStatus::closed,       CaseStatus::reopened};

constexpr std::string_view to_string(CaseStatus s) {
  switch (s) {
    case CaseStatus::new_case: return "new";
    case CaseStatus::acknowledged: return "acknowledged";
    case CaseStatus::in_progress: return "in_progress";
    case CaseStatus::pending_customer: return "pending_customer";
    case CaseStatus::resolved: return "resolved";
    case CaseStatus::closed: return "closed";
    case CaseStatus::reopened: return "reopened";
  }
  return "new";
}

constexpr std::optional<CaseStatus> parse_case_status(std::string_view id) { return from_name(id, kAllCaseStatuses); }

// Whether a case in `from` may be moved to `to`.
constexpr bool may_move(CaseStatus from, CaseStatus to) {
  using S = CaseStatus;
  switch (from) {
    case S::new_case:
      return to == S::acknowledged || to == S::in_progress || to == S::pending_customer || to == S::resolved;
    case S::acknowledged:
    case S::reopened:
      return to == S::in_progress || to == S::pending_customer || to == S::resolved;
    case S::in_progress:
      return to == S::pending_customer || to == S::resolved;
    case S::pending_customer:
      return to == S::in_progress || to == S::resolved;
    case S::resolved:
      return to == S::closed || to == S::reopened;
    case S::closed:
      return to == S::reopened;
  }
  return false;
}

// Still being worked on (resolved and closed cases are done).
constexpr bool is_open(CaseStatus s) { return s != CaseStatus::resolved && s != CaseStatus::closed; }

}  // namespace intake
