#include "intake/store/case_records.hpp"

#include "store_support.hpp"

namespace intake::store {
namespace {

using nlohmann::json;

// One case as JSON, built by PostgreSQL. $1: the number; $2: the agent whose queue limits
// what is visible (NULL for roles that see all).
constexpr std::string_view kReadCase = R"SQL(
SELECT jsonb_build_object(
  'number', c.number, 'status', c.status, 'category', c.category, 'severity', c.severity,
  'channel', c.channel, 'escalation_level', c.escalation_level,
  'assignee', CASE WHEN s.id IS NULL THEN NULL ELSE jsonb_build_object('id', s.id, 'name', s.name) END,
  'first_response_due', c.first_response_due, 'first_responded_at', c.first_responded_at,
  'clocks', c.sla_clocks, 'paused_at', c.paused_at, 'overdue', intake_case_overdue(c, now()),
  'opened_at', c.opened_at, 'updated_at', c.updated_at, 'resolved_at', c.resolved_at, 'closed_at', c.closed_at,
  'satisfaction', CASE WHEN c.satisfaction IS NULL THEN NULL
                       ELSE jsonb_build_object('rating', c.satisfaction, 'comment', c.satisfaction_comment) END,
  'details', c.details, 'conversation_id', c.conversation_id, 'merged_into', m.number,
  'compensation', c.compensation,
  'customer', jsonb_build_object('id', cu.id, 'name', cu.display_name, 'phone', cu.phone, 'email', cu.email),
  'events', coalesce((SELECT jsonb_agg(jsonb_build_object('id', e.id, 'at', e.at, 'actor', e.actor, 'kind', e.kind,
                                                          'before', e.before, 'after', e.after,
                                                          'message_id', e.message_id) ORDER BY e.id)
                        FROM case_events e WHERE e.case_id = c.id), '[]'::jsonb))::text
  FROM cases c
  JOIN customers cu ON cu.id = c.customer_id
  LEFT JOIN staff s ON s.id = c.assignee_id
  LEFT JOIN cases m ON m.id = c.merged_into
 WHERE c.number = $1 AND ($2::bigint IS NULL OR c.assignee_id IS NULL OR c.assignee_id = $2)
)SQL";

constexpr std::string_view kListCases = R"SQL(
SELECT coalesce(jsonb_agg(row ORDER BY opened DESC, id DESC), '[]'::jsonb)::text FROM (
  SELECT c.opened_at AS opened, c.id, jsonb_build_object(
    'number', c.number, 'status', c.status, 'category', c.category, 'severity', c.severity, 'channel', c.channel,
    'escalation_level', c.escalation_level,
    'assignee', CASE WHEN s.id IS NULL THEN NULL ELSE jsonb_build_object('id', s.id, 'name', s.name) END,
    'customer', cu.display_name,
    'first_response_due', c.first_response_due, 'opened_at', c.opened_at, 'updated_at', c.updated_at,
    'overdue', intake_case_overdue(c, now())) AS row
    FROM cases c LEFT JOIN staff s ON s.id = c.assignee_id JOIN customers cu ON cu.id = c.customer_id
   WHERE c.merged_into IS NULL
     AND ($8::text IS NULL OR c.number ILIKE $8 OR cu.display_name ILIKE $8)
     AND ($1::text IS NULL OR c.status = $1)
     AND ($2::text IS NULL OR c.category = $2)
     AND ($3::text IS NULL OR c.severity = $3)
     AND ($4::bigint IS NULL OR c.assignee_id = $4)
     AND ($5::bigint IS NULL OR c.assignee_id IS NULL OR c.assignee_id = $5)
     AND (NOT $6::boolean OR intake_case_overdue(c, now()))
   ORDER BY c.opened_at DESC, c.id DESC
   LIMIT $7) listed
)SQL";

std::optional<std::string> queue_limit(const Viewer& viewer) {
  if (viewer.sees_all()) return std::nullopt;
  return std::to_string(viewer.member.id);
}

// An ILIKE pattern matching `text` anywhere, its own % _ and \ taken literally.
std::string contains_pattern(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + "%";
}

Timestamp millis(std::string_view s) { return Timestamp{std::chrono::milliseconds(to_int(s))}; }

std::optional<Timestamp> first_response_of(const std::vector<Clock>& clocks) {
  for (const Clock& c : clocks)
    if (c.name == "first_response") return c.due;
  return std::nullopt;
}

Error case_error(std::string_view code, std::string message) { return make_error(std::string(code), std::move(message)); }

// The row update_case works on, locked.
struct LockedCase {
  std::int64_t id = 0;
  CaseStatus status = CaseStatus::new_case;
  Category category = Category::other;
  Severity severity = Severity::normal;
  std::optional<std::int64_t> assignee;
  std::vector<Clock> clocks;
  std::optional<Timestamp> first_response_due;
  bool first_responded = false;
  Timestamp opened_at{};
  std::optional<Timestamp> paused_at;
  bool merged = false;
};

constexpr std::string_view kLockCase = R"SQL(
SELECT id, status, category, severity, assignee_id, sla_clocks::text,
       (extract(epoch FROM first_response_due) * 1000)::bigint, first_responded_at IS NOT NULL,
       (extract(epoch FROM opened_at) * 1000)::bigint, (extract(epoch FROM paused_at) * 1000)::bigint,
       merged_into IS NOT NULL
  FROM cases WHERE number = $1 FOR UPDATE
)SQL";

Result<std::optional<LockedCase>> lock_case(Connection& conn, const std::string& number) {
  auto rows = conn.exec(kLockCase, {number});
  if (!rows) return rows.error();
  if (rows->rows() == 0) return std::optional<LockedCase>();
  LockedCase c;
  c.id = to_int(rows->get(0, 0));
  c.status = parse_case_status(rows->get(0, 1)).value_or(CaseStatus::new_case);
  c.category = parse_category(rows->get(0, 2)).value_or(Category::other);
  c.severity = parse_severity(rows->get(0, 3)).value_or(Severity::normal);
  if (!rows->is_null(0, 4)) c.assignee = to_int(rows->get(0, 4));
  const json stored = json::parse(rows->get(0, 5), nullptr, false);
  if (stored.is_array())
    for (const json& j : stored)
      if (auto clock = clock_from_json(j)) c.clocks.push_back(std::move(*clock));
  if (!rows->is_null(0, 6)) c.first_response_due = millis(rows->get(0, 6));
  c.first_responded = rows->get(0, 7) == "t";
  c.opened_at = millis(rows->get(0, 8));
  if (!rows->is_null(0, 9)) c.paused_at = millis(rows->get(0, 9));
  c.merged = rows->get(0, 10) == "t";
  return std::optional<LockedCase>(std::move(c));
}

json assignee_json(const std::optional<std::int64_t>& id) { return id ? json(*id) : json(nullptr); }

// Checks the patch against the case and the viewer; the error to answer, if any.
std::optional<Error> refusal(const LockedCase& c, const Viewer& viewer, const std::string& number, const CasePatch& p) {
  if (!viewer.sees_all() && c.assignee && *c.assignee != viewer.member.id)
    return case_error(case_errc::not_found, "no case " + number);
  if (c.merged) return case_error(case_errc::invalid_transition, "case " + number + " was merged into another case");
  if (p.status && *p.status != c.status && !may_move(c.status, *p.status))
    return case_error(case_errc::invalid_transition, "a case that is " + std::string(to_string(c.status)) +
                                                         " cannot become " + std::string(to_string(*p.status)));
  if (p.assignee && !viewer.sees_all() && *p.assignee && **p.assignee != viewer.member.id)
    return case_error(case_errc::forbidden, "an agent may take a case or give it back, not assign it to someone else");
  return std::nullopt;
}

Status insert_event(Connection& conn, std::int64_t case_id, const Viewer& viewer, std::string_view kind,
                    const json& before, const json& after) {
  auto done = conn.exec("INSERT INTO case_events (case_id, actor, kind, before, after) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)",
                        {std::to_string(case_id), "staff:" + std::to_string(viewer.member.id), std::string(kind),
                         before.is_null() ? std::nullopt : std::optional<std::string>(before.dump()),
                         after.is_null() ? std::nullopt : std::optional<std::string>(after.dump())});
  if (!done) return done.error();
  return Ok{};
}

Result<json> apply_patch(Connection& conn, const Viewer& viewer, const std::string& number, const CasePatch& patch,
                         Timestamp now, const ClockRules& rules) {
  auto locked = lock_case(conn, number);
  if (!locked) return locked.error();
  if (!*locked) return case_error(case_errc::not_found, "no case " + number);
  const LockedCase before = **locked;
  if (auto refused = refusal(before, viewer, number, patch)) return *refused;
  if (patch.assignee && *patch.assignee) {
    auto live = conn.exec("SELECT 1 FROM staff WHERE id = $1 AND revoked_at IS NULL", {std::to_string(**patch.assignee)});
    if (!live) return live.error();
    if (live->rows() == 0)
      return case_error(case_errc::unknown_assignee, "no live staff account with id " + std::to_string(**patch.assignee));
  }

  LockedCase after = before;
  if (patch.category) after.category = *patch.category;
  if (patch.severity) after.severity = *patch.severity;
  if (patch.assignee) after.assignee = *patch.assignee;
  const bool relabelled = after.category != before.category || after.severity != before.severity;
  if (relabelled) {
    after.clocks = rules.clocks(after.category, after.severity, before.opened_at);
    after.first_response_due = first_response_of(after.clocks);
  }
  std::optional<CaseStatus> moved;
  if (patch.status && *patch.status != before.status) {
    moved = *patch.status;
    after.status = *patch.status;
    if (before.status == CaseStatus::pending_customer && before.paused_at) {
      // The customer answered (or staff moved on): the clocks lose the paused time.
      for (Clock& c : after.clocks) {
        c.due = rules.extend_for_pause(c.term, c.due, *before.paused_at, now);
        if (c.warn_at) c.warn_at = rules.extend_for_pause(c.term, *c.warn_at, *before.paused_at, now);
      }
      if (after.first_response_due)
        after.first_response_due = first_response_of(after.clocks).value_or(*after.first_response_due);
      after.paused_at.reset();
    }
    if (after.status == CaseStatus::pending_customer) after.paused_at = now;
    for (Clock& c : after.clocks)
      if (c.restarts_on_progress) c = rules.restarted(c, now);
  }

  const std::string status(to_string(after.status));
  auto updated = conn.exec(
      R"SQL(
UPDATE cases SET status = $2, category = $3, severity = $4, assignee_id = $5::bigint, sla_clocks = $6::jsonb,
       first_response_due = $7::timestamptz, paused_at = $8::timestamptz,
       first_responded_at = CASE WHEN $9::boolean THEN coalesce(first_responded_at, $10::timestamptz)
                                 ELSE first_responded_at END,
       resolved_at = CASE WHEN $2 = 'resolved' THEN $10::timestamptz WHEN $2 = 'reopened' THEN NULL ELSE resolved_at END,
       closed_at = CASE WHEN $2 = 'closed' THEN $10::timestamptz WHEN $2 = 'reopened' THEN NULL ELSE closed_at END,
       updated_at = now()
 WHERE id = $1
)SQL",
      {std::to_string(before.id), status, std::string(to_string(after.category)), std::string(to_string(after.severity)),
       after.assignee ? std::optional<std::string>(std::to_string(*after.assignee)) : std::nullopt,
       clocks_json(after.clocks).dump(),
       after.first_response_due ? std::optional<std::string>(format_rfc3339(*after.first_response_due)) : std::nullopt,
       after.paused_at ? std::optional<std::string>(format_rfc3339(*after.paused_at)) : std::nullopt,
       // Staff taking up a new case is its first response.
       moved && before.status == CaseStatus::new_case ? "true" : "false", format_rfc3339(now)});
  if (!updated) return updated.error();

  if (moved) {
    Status s = insert_event(conn, before.id, viewer, "status_changed",
                            {{"status", to_string(before.status)}, {"first_response_due", optional_time(before.first_response_due)}},
                            {{"status", status}, {"first_response_due", optional_time(after.first_response_due)}});
    if (!s) return s.error();
  }
  if (relabelled) {
    Status s = insert_event(conn, before.id, viewer, "labels_changed",
                            {{"category", to_string(before.category)}, {"severity", to_string(before.severity)},
                             {"clocks", clocks_json(before.clocks)}},
                            {{"category", to_string(after.category)}, {"severity", to_string(after.severity)},
                             {"clocks", clocks_json(after.clocks)}});
    if (!s) return s.error();
  }
  if (after.assignee != before.assignee) {
    Status s = insert_event(conn, before.id, viewer, "assigned", {{"assignee", assignee_json(before.assignee)}},
                            {{"assignee", assignee_json(after.assignee)}});
    if (!s) return s.error();
  }
  if (patch.note) {
    Status s = insert_event(conn, before.id, viewer, "note", nullptr, {{"text", *patch.note}});
    if (!s) return s.error();
  }
  return json{{"moved_to", moved ? json(to_string(*moved)) : json(nullptr)}};
}

}  // namespace

Result<json> read_case(Connection& conn, const Viewer& viewer, const std::string& number) {
  auto rows = conn.exec(kReadCase, {number, queue_limit(viewer)});
  if (!rows) return rows.error();
  if (rows->rows() == 0) return case_error(case_errc::not_found, "no case " + number);
  return json::parse(rows->get(0, 0));
}

Result<json> list_cases(Connection& conn, const Viewer& viewer, const CaseFilter& f) {
  auto text = [](auto v) { return v ? std::optional<std::string>(std::string(to_string(*v))) : std::nullopt; };
  auto rows = conn.exec(kListCases, {text(f.status), text(f.category), text(f.severity),
                                     f.assignee ? std::optional<std::string>(std::to_string(*f.assignee)) : std::nullopt,
                                     queue_limit(viewer), f.overdue ? "true" : "false", std::to_string(f.limit),
                                     f.text ? std::optional<std::string>(contains_pattern(*f.text)) : std::nullopt});
  if (!rows) return rows.error();
  return json::parse(rows->get(0, 0));
}

Result<CaseUpdate> update_case(Connection& conn, const Viewer& viewer, const std::string& number, const CasePatch& patch,
                               Timestamp now, const ClockRules& rules) {
  auto applied = in_transaction(conn, [&] { return apply_patch(conn, viewer, number, patch, now, rules); });
  if (!applied) return applied.error();
  auto view = read_case(conn, viewer, number);
  if (!view) return view.error();
  const json& moved = (*applied)["moved_to"];
  return CaseUpdate{std::move(*view), moved.is_string() ? parse_case_status(moved.get<std::string>()) : std::nullopt};
}

Result<json> merge_cases(Connection& conn, const Viewer& viewer, const std::string& duplicate, const std::string& into) {
  if (duplicate == into) return case_error(case_errc::invalid_transition, "a case cannot be merged into itself");
  auto merged = in_transaction(conn, [&]() -> Result<json> {
    // Both rows locked, in number order so that two opposite merges cannot deadlock.
    auto rows = conn.exec("SELECT id, number, customer_id, merged_into IS NOT NULL FROM cases "
                          "WHERE number IN ($1, $2) ORDER BY number FOR UPDATE",
                          {duplicate, into});
    if (!rows) return rows.error();
    std::optional<std::string> from_id, to_id, from_customer, to_customer;
    bool any_merged = false;
    for (int i = 0; i < rows->rows(); ++i) {
      const bool is_from = rows->get(i, 1) == duplicate;
      (is_from ? from_id : to_id) = std::string(rows->get(i, 0));
      (is_from ? from_customer : to_customer) = std::string(rows->get(i, 2));
      any_merged = any_merged || rows->get(i, 3) == "t";
    }
    if (!from_id) return case_error(case_errc::not_found, "no case " + duplicate);
    if (!to_id) return case_error(case_errc::not_found, "no case " + into);
    if (any_merged) return case_error(case_errc::invalid_transition, "one of the cases was merged already");
    if (from_customer != to_customer)
      return case_error(case_errc::invalid_transition, "the cases belong to different customers: not duplicates");
    const std::string actor = "staff:" + std::to_string(viewer.member.id);
    for (std::string_view sql : {"UPDATE messages SET case_id = $2 WHERE case_id = $1",
                                 "UPDATE case_events SET case_id = $2 WHERE case_id = $1"})
      if (auto moved = conn.exec(sql, {*from_id, *to_id}); !moved) return moved.error();
    auto closed = conn.exec("UPDATE cases SET merged_into = $2, status = 'closed', closed_at = coalesce(closed_at, now()), "
                            "updated_at = now() WHERE id = $1",
                            {*from_id, *to_id});
    if (!closed) return closed.error();
    auto noted = conn.exec("INSERT INTO case_events (case_id, actor, kind, after) VALUES ($1, $2, 'merged', $3::jsonb)",
                           {*to_id, actor, json{{"merged", duplicate}}.dump()});
    if (!noted) return noted.error();
    return json::object();
  });
  if (!merged) return merged.error();
  return read_case(conn, viewer, into);
}

Result<json> record_compensation(Connection& conn, const Viewer& viewer, const std::string& number,
                                 const CompensationRecord& record) {
  auto recorded = in_transaction(conn, [&]() -> Result<json> {
    auto rows = conn.exec("SELECT id, compensation::text, merged_into IS NOT NULL, assignee_id FROM cases "
                          "WHERE number = $1 FOR UPDATE",
                          {number});
    if (!rows) return rows.error();
    if (rows->rows() == 0) return case_error(case_errc::not_found, "no case " + number);
    if (!viewer.sees_all() && !rows->is_null(0, 3) && to_int(rows->get(0, 3)) != viewer.member.id)
      return case_error(case_errc::not_found, "no case " + number);
    if (rows->get(0, 2) == "t") return case_error(case_errc::invalid_transition, "case " + number + " was merged");
    const json before = rows->is_null(0, 1) ? json(nullptr) : json::parse(rows->get(0, 1), nullptr, false);
    std::optional<CompensationStep> last;
    if (before.is_object() && before.contains("step")) last = parse_compensation_step(before["step"].get<std::string>());
    if (!may_follow(last, record.step))
      return case_error(case_errc::invalid_transition,
                        "compensation cannot go from " + std::string(last ? to_string(*last) : "nothing") + " to " +
                            std::string(to_string(record.step)));
    json after = before.is_object() ? before : json::object();
    after["step"] = to_string(record.step);
    if (record.amount) after["amount"] = *record.amount;
    after["currency"] = "CNY";
    json event = {{"step", to_string(record.step)}};
    if (record.amount) event["amount"] = *record.amount;
    if (record.note) event["note"] = *record.note;
    const std::string id(rows->get(0, 0));
    auto updated = conn.exec("UPDATE cases SET compensation = $2::jsonb, updated_at = now() WHERE id = $1", {id, after.dump()});
    if (!updated) return updated.error();
    Status s = insert_event(conn, to_int(id), viewer, "compensation_step", before, event);
    if (!s) return s.error();
    return json::object();
  });
  if (!recorded) return recorded.error();
  return read_case(conn, viewer, number);
}

Status log_access(Connection& conn, const Viewer& viewer, std::string_view action, const std::string& subject) {
  auto done = conn.exec("INSERT INTO access_log (staff_id, action, subject) VALUES ($1, $2, $3)",
                        {std::to_string(viewer.member.id), std::string(action), subject});
  if (!done) return done.error();
  return Ok{};
}

}  // namespace intake::store
