#include "intake/store/kpi_report.hpp"

namespace intake::store {
namespace {

constexpr std::string_view kReport = R"SQL(
WITH period AS (
  SELECT * FROM cases WHERE opened_at >= $1::timestamptz AND opened_at < $2::timestamptz AND merged_into IS NULL
), counted AS (
  SELECT count(*) AS cases,
         count(*) FILTER (WHERE first_response_due IS NOT NULL
                            AND (first_responded_at IS NOT NULL OR first_response_due < now())) AS decided,
         count(*) FILTER (WHERE first_responded_at IS NOT NULL AND first_responded_at <= first_response_due) AS timely,
         count(*) FILTER (WHERE satisfaction IS NOT NULL) AS rated,
         count(*) FILTER (WHERE satisfaction >= 4) AS satisfied,
         count(*) FILTER (WHERE status IN ('resolved', 'closed')) AS resolved,
         count(*) FILTER (WHERE category NOT IN ('inquiry', 'other')) AS complaints,
         count(*) FILTER (WHERE category = 'staff_attitude') AS service_complaints,
         count(*) FILTER (WHERE intake_case_overdue(period, now())) AS overdue,
         count(*) FILTER (WHERE escalation_level > 0) AS escalated
    FROM period
)
SELECT jsonb_build_object(
  'from', $1::timestamptz, 'to', $2::timestamptz, 'cases', cases,
  'timeliness_rate', CASE WHEN decided > 0 THEN round(timely::numeric / decided, 4) END,
  'satisfaction_rate', CASE WHEN rated > 0 THEN round(satisfied::numeric / rated, 4) END,
  'resolution_rate', CASE WHEN cases > 0 THEN round(resolved::numeric / cases, 4) END,
  'complaint_rate', CASE WHEN cases > 0 THEN round(complaints::numeric / cases, 4) END,
  'service_complaint_rate', CASE WHEN cases > 0 THEN round(service_complaints::numeric / cases, 4) END,
  'overdue', overdue, 'escalated', escalated,
  'first_responses', jsonb_build_object('decided', decided, 'in_time', timely),
  'satisfaction', jsonb_build_object('rated', rated, 'satisfied', satisfied),
  'by_category', coalesce((SELECT jsonb_object_agg(category, n) FROM
                             (SELECT category, count(*) AS n FROM period GROUP BY category) g), '{}'::jsonb),
  'by_severity', coalesce((SELECT jsonb_object_agg(severity, n) FROM
                             (SELECT severity, count(*) AS n FROM period GROUP BY severity) g), '{}'::jsonb),
  'by_channel', coalesce((SELECT jsonb_object_agg(channel, n) FROM
                            (SELECT channel, count(*) AS n FROM period GROUP BY channel) g), '{}'::jsonb),
  'top_complaint_causes', coalesce((SELECT jsonb_agg(jsonb_build_object('category', category, 'cases', n,
                                                                        'share', round(n::numeric / complaints, 4))
                                                     ORDER BY n DESC, category)
                                      FROM (SELECT category, count(*) AS n FROM period
                                             WHERE category NOT IN ('inquiry', 'other') GROUP BY category) g),
                                   '[]'::jsonb),
  'by_day', coalesce((SELECT jsonb_agg(jsonb_build_object('day', day, 'cases', n, 'by_category', per_category) ORDER BY day)
                        FROM (SELECT day, sum(k) AS n, jsonb_object_agg(category, k) AS per_category
                                FROM (SELECT to_char((opened_at AT TIME ZONE 'UTC') + make_interval(mins => $3), 'YYYY-MM-DD')
                                               AS day, category, count(*) AS k
                                        FROM period GROUP BY 1, 2) per_day_category
                               GROUP BY day) d),
                     '[]'::jsonb))::text
  FROM counted
)SQL";

}  // namespace

Result<nlohmann::json> kpi_report(Connection& conn, Timestamp from, Timestamp to, UtcOffset offset) {
  auto rows = conn.exec(kReport, {format_rfc3339(from), format_rfc3339(to), std::to_string(offset.minutes)});
  if (!rows) return rows.error();
  return nlohmann::json::parse(rows->get(0, 0));
}

}  // namespace intake::store
