#pragma once
// The KPIs the customer's regulations set (REQUIREMENTS.md: seed 001 3.2.1, seed 000
// 第十章, seed 004 九), over the cases opened in [from, to). Merged cases are left out
// (their messages live on in the case they were merged into).
//
//   cases                 cases opened in the period
//   timeliness_rate       of the first responses that are decided (given, or overdue
//                         now), the share given by their due time; null when none is
//   satisfaction_rate     of the cases rated at the 回访, the share rated 4 or 5; null when none is
//   resolution_rate       the share resolved or closed
//   complaint_rate        the share that are complaints (any complaint category)
//   service_complaint_rate  the share about staff attitude (the service's own fault)
//   overdue               open cases with a clock run out now
//   escalated             cases raised above service staff
//   by_category, by_severity, by_channel   counts
//   top_complaint_causes  complaint categories, most frequent first: {"category", "cases", "share"}
//   by_day                the cases opened each day (days of the company's zone, `offset`), oldest
//                         first, days without a case left out: {"day", "cases", "by_category"}
//
// Rates are fractions between 0 and 1, rounded to four places.
#include <nlohmann/json.hpp>

#include "intake/result.hpp"
#include "intake/store/pg.hpp"
#include "intake/time.hpp"

namespace intake::store {

Result<nlohmann::json> kpi_report(Connection& conn, Timestamp from, Timestamp to, UtcOffset offset);

}  // namespace intake::store
