#include "intake/store/staff_sessions.hpp"

#include "store_support.hpp"

namespace intake::store {

Status start_session(Connection& conn, std::int64_t staff_id, const std::string& digest, const std::string& csrf) {
  auto inserted = conn.exec("INSERT INTO staff_sessions (digest, staff_id, csrf) VALUES (decode($1, 'hex'), $2, $3)",
                            {digest, std::to_string(staff_id), csrf});
  if (!inserted) return inserted.error();
  return Ok{};
}

Result<std::optional<SessionMember>> use_session(Connection& conn, const std::string& digest, const SessionLimits& limits) {
  // One statement: the checks and the touch, so an idle session cannot be revived by a
  // request that raced its expiry.
  auto rows = conn.exec(R"SQL(
UPDATE staff_sessions s SET last_seen_at = now()
  FROM staff m
 WHERE s.digest = decode($1, 'hex') AND m.id = s.staff_id AND m.revoked_at IS NULL AND s.ended_at IS NULL
   AND s.last_seen_at > now() - make_interval(secs => $2) AND s.created_at > now() - make_interval(secs => $3)
RETURNING m.id, m.name, m.role, s.csrf
)SQL",
                        {digest, std::to_string(limits.idle.count()), std::to_string(limits.lifetime.count())});
  if (!rows) return rows.error();
  if (rows->rows() == 0) return std::optional<SessionMember>();
  return std::optional<SessionMember>(SessionMember{
      StaffMember{to_int(rows->get(0, 0)), std::string(rows->get(0, 1)), parse_staff_role(rows->get(0, 2)).value_or(StaffRole::agent)},
      std::string(rows->get(0, 3))});
}

Result<bool> end_session(Connection& conn, const std::string& digest) {
  auto rows = conn.exec(
      "UPDATE staff_sessions SET ended_at = now() WHERE digest = decode($1, 'hex') AND ended_at IS NULL RETURNING 1", {digest});
  if (!rows) return rows.error();
  return rows->rows() > 0;
}

}  // namespace intake::store
