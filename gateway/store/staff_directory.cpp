#include "intake/store/staff_directory.hpp"

#include "store_support.hpp"

namespace intake::store {
namespace {

Timestamp to_time(std::string_view epoch_millis) { return Timestamp{std::chrono::milliseconds(to_int(epoch_millis))}; }

StaffMember member_of(const QueryResult& rows, int row) {
  return StaffMember{to_int(rows.get(row, 0)), std::string(rows.get(row, 1)),
                     parse_staff_role(rows.get(row, 2)).value_or(StaffRole::agent)};
}

}  // namespace

Result<StaffMember> add_staff(Connection& conn, const std::string& name, StaffRole role, const std::string& token_digest) {
  auto rows = conn.exec("INSERT INTO staff (name, role, token_hash) VALUES ($1, $2, decode($3, 'hex')) "
                        "RETURNING id, name, role",
                        {name, std::string(to_string(role)), token_digest});
  if (!rows) return rows.error();
  return member_of(*rows, 0);
}

Result<bool> revoke_staff(Connection& conn, std::int64_t id) {
  auto rows = conn.exec("UPDATE staff SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id",
                        {std::to_string(id)});
  if (!rows) return rows.error();
  return rows->rows() == 1;
}

Result<std::vector<StaffAccount>> list_staff(Connection& conn) {
  auto rows = conn.exec(
      "SELECT id, name, role, (extract(epoch FROM created_at) * 1000)::bigint, "
      "(extract(epoch FROM revoked_at) * 1000)::bigint FROM staff ORDER BY id");
  if (!rows) return rows.error();
  std::vector<StaffAccount> out;
  for (int i = 0; i < rows->rows(); ++i) {
    StaffAccount a{member_of(*rows, i), to_time(rows->get(i, 3)), std::nullopt};
    if (!rows->is_null(i, 4)) a.revoked_at = to_time(rows->get(i, 4));
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::optional<StaffMember>> staff_by_token(Connection& conn, const std::string& token_digest) {
  auto rows = conn.exec("SELECT id, name, role FROM staff WHERE token_hash = decode($1, 'hex') AND revoked_at IS NULL",
                        {token_digest});
  if (!rows) return rows.error();
  if (rows->rows() == 0) return std::optional<StaffMember>();
  return std::optional<StaffMember>(member_of(*rows, 0));
}

}  // namespace intake::store
