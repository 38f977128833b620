#include "intake/store/rule_versions.hpp"

#include "intake/store/case_records.hpp"
#include "store_support.hpp"

namespace intake::store {
namespace {

using nlohmann::json;

// One version's summary, as list_rule_versions describes it ($1: its id).
constexpr std::string_view kSummary = R"SQL(
SELECT jsonb_build_object(
  'id', v.id, 'label', v.label, 'note', v.note, 'from_file', v.from_file,
  'created_by', CASE WHEN s.id IS NULL THEN NULL ELSE jsonb_build_object('id', s.id, 'name', s.name) END,
  'created_at', to_char(v.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'active', v.id = (SELECT version_id FROM rule_activations ORDER BY id DESC LIMIT 1),
  'activations', coalesce((SELECT jsonb_agg(jsonb_build_object(
        'at', to_char(a.activated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'by', CASE WHEN b.id IS NULL THEN NULL ELSE jsonb_build_object('id', b.id, 'name', b.name) END) ORDER BY a.id)
      FROM rule_activations a LEFT JOIN staff b ON b.id = a.activated_by WHERE a.version_id = v.id), '[]'::jsonb))::text
  FROM rule_versions v LEFT JOIN staff s ON s.id = v.created_by
)SQL";

Result<json> summary(Connection& conn, std::int64_t id) {
  auto row = conn.exec(std::string(kSummary) + " WHERE v.id = $1", {std::to_string(id)});
  if (!row) return row.error();
  if (row->rows() == 0) return make_error(std::string(case_errc::not_found), "no rule version " + std::to_string(id));
  return json::parse(row->get(0, 0));
}

std::optional<std::string> author_param(std::optional<std::int64_t> author) {
  return author ? std::optional<std::string>(std::to_string(*author)) : std::nullopt;
}

Result<std::optional<RuleVersion>> version_row(Result<QueryResult> row) {
  if (!row) return row.error();
  if (row->rows() == 0) return std::optional<RuleVersion>{};
  return std::optional<RuleVersion>(RuleVersion{to_int(row->get(0, 0)), std::string(row->get(0, 1)), std::string(row->get(0, 2))});
}

Result<std::int64_t> insert_version(Connection& conn, const std::string& pack, const std::string& label,
                                    const std::optional<std::string>& note, std::optional<std::int64_t> author,
                                    bool from_file) {
  auto inserted = conn.exec(
      "INSERT INTO rule_versions (pack, label, note, created_by, from_file) VALUES ($1, $2, $3, $4, $5) RETURNING id",
      {pack, label, note, author_param(author), from_file ? "true" : "false"});
  if (!inserted) return inserted.error();
  return to_int(inserted->get(0, 0));
}

}  // namespace

Result<json> add_rule_version(Connection& conn, const std::string& pack, const std::string& label,
                              const std::optional<std::string>& note, std::optional<std::int64_t> author) {
  auto id = insert_version(conn, pack, label, note, author, /*from_file=*/false);
  if (!id) return id.error();
  return summary(conn, *id);
}

Result<json> activate_rule_version(Connection& conn, std::int64_t id, std::optional<std::int64_t> author) {
  return in_transaction(conn, [&]() -> Result<json> {
    // One activation at a time, so "the latest" is well defined across instances.
    if (auto locked = conn.exec("LOCK TABLE rule_activations IN SHARE ROW EXCLUSIVE MODE"); !locked) return locked.error();
    auto exists = conn.exec("SELECT 1 FROM rule_versions WHERE id = $1", {std::to_string(id)});
    if (!exists) return exists.error();
    if (exists->rows() == 0) return make_error(std::string(case_errc::not_found), "no rule version " + std::to_string(id));
    auto current = conn.exec("SELECT version_id FROM rule_activations ORDER BY id DESC LIMIT 1");
    if (!current) return current.error();
    if (current->rows() == 0 || to_int(current->get(0, 0)) != id) {
      auto activated = conn.exec("INSERT INTO rule_activations (version_id, activated_by) VALUES ($1, $2)",
                                 {std::to_string(id), author_param(author)});
      if (!activated) return activated.error();
    }
    return summary(conn, id);
  });
}

Result<json> list_rule_versions(Connection& conn) {
  auto rows = conn.exec(std::string(kSummary) + " ORDER BY v.id DESC");
  if (!rows) return rows.error();
  json out = {{"active", nullptr}, {"versions", json::array()}};
  for (int i = 0; i < rows->rows(); ++i) {
    json v = json::parse(rows->get(i, 0));
    if (v["active"].get<bool>()) out["active"] = v["id"];
    out["versions"].push_back(std::move(v));
  }
  return out;
}

Result<json> read_rule_version(Connection& conn, std::int64_t id) {
  auto found = rule_version(conn, id);
  if (!found) return found.error();
  if (!*found) return make_error(std::string(case_errc::not_found), "no rule version " + std::to_string(id));
  auto out = summary(conn, id);
  if (!out) return out.error();
  (*out)["pack"] = (*found)->pack;
  return out;
}

Result<std::optional<RuleVersion>> active_rule_version(Connection& conn) {
  return version_row(conn.exec(
      "SELECT v.id, v.pack, v.label FROM rule_versions v "
      "WHERE v.id = (SELECT version_id FROM rule_activations ORDER BY id DESC LIMIT 1)"));
}

Result<std::optional<RuleVersion>> rule_version(Connection& conn, std::int64_t id) {
  return version_row(conn.exec("SELECT id, pack, label FROM rule_versions WHERE id = $1", {std::to_string(id)}));
}

Result<std::vector<RecentMessage>> recent_case_messages(Connection& conn, int days, int limit) {
  auto rows = conn.exec(
      "SELECT m.id, m.text, m.channel, k.category, k.severity FROM messages m JOIN cases k ON k.id = m.case_id "
      "WHERE m.direction = 'inbound' AND m.author = 'customer' AND m.received_at > now() - make_interval(days => $1) "
      "ORDER BY m.id DESC LIMIT $2",
      {std::to_string(days), std::to_string(limit)});
  if (!rows) return rows.error();
  std::vector<RecentMessage> out;
  for (int i = 0; i < rows->rows(); ++i)
    out.push_back({to_int(rows->get(i, 0)), std::string(rows->get(i, 1)), std::string(rows->get(i, 2)),
                   std::string(rows->get(i, 3)), std::string(rows->get(i, 4))});
  return out;
}

Result<RuleVersion> adopt_rule_file(Connection& conn, const std::string& pack, const std::string& label,
                                    const std::string& note) {
  return in_transaction(conn, [&]() -> Result<RuleVersion> {
    // Instances starting together take the file once.
    if (auto locked = conn.exec("SELECT pg_advisory_xact_lock(hashtext('intake_rule_file'))"); !locked) return locked.error();
    auto last = conn.exec("SELECT pack FROM rule_versions WHERE from_file ORDER BY id DESC LIMIT 1");
    if (!last) return last.error();
    if (last->rows() == 0 || last->get(0, 0) != pack) {
      auto id = insert_version(conn, pack, label, note, std::nullopt, /*from_file=*/true);
      if (!id) return id.error();
      auto activated = conn.exec("INSERT INTO rule_activations (version_id) VALUES ($1)", {std::to_string(*id)});
      if (!activated) return activated.error();
    }
    auto active = active_rule_version(conn);
    if (!active) return active.error();
    if (!*active) return make_error("internal", "no rule version in force after taking the rule file");
    return std::move(**active);
  });
}

}  // namespace intake::store
