#include "intake/store/agent_notes.hpp"

#include <nlohmann/json.hpp>

#include "store_support.hpp"
#include "intake/store/case_records.hpp"

namespace intake::store {
namespace {

using nlohmann::json;

// The case of the call, else the customer's latest; followed to the case it was merged
// into. Locked, so that a note and a merge do not cross.
constexpr std::string_view kFindCase = R"SQL(
WITH RECURSIVE start AS (
  SELECT coalesce(
    (SELECT m.case_id FROM messages m
      WHERE m.channel = $1 AND m.provider = $2 AND m.reply_reference = $4 AND m.case_id IS NOT NULL
      ORDER BY m.id DESC LIMIT 1),
    (SELECT k.id FROM cases k JOIN conversations c ON c.id = k.conversation_id
                              JOIN channel_identities i ON i.id = c.identity_id
      WHERE i.channel = $1 AND i.provider = $2 AND i.external_id = $3
      ORDER BY k.opened_at DESC LIMIT 1)) AS id
), chain AS (
  SELECT k.id, k.merged_into, 0 AS depth FROM cases k JOIN start s ON k.id = s.id
  UNION ALL
  SELECT k.id, k.merged_into, chain.depth + 1 FROM cases k JOIN chain ON k.id = chain.merged_into WHERE chain.depth < 16
)
SELECT id FROM chain WHERE merged_into IS NULL LIMIT 1
)SQL";

constexpr std::string_view kCaseView = R"SQL(
SELECT k.number, k.category, k.severity, k.status,
       (extract(epoch FROM k.first_response_due) * 1000)::bigint, k.conversation_id, c.handled_by
  FROM cases k JOIN conversations c ON c.id = k.conversation_id WHERE k.id = $1 FOR UPDATE OF k
)SQL";

}  // namespace

Result<Acknowledgement> record_agent_note(Connection& conn, const Inbound& note) {
  if (!note.agent_note) return make_error("invalid_argument", "not an agent's note");
  return in_transaction(conn, [&]() -> Result<Acknowledgement> {
    auto found = conn.exec(kFindCase, {note.channel, note.provider, note.sender.id, note.reply_reference});
    if (!found) return found.error();
    if (found->rows() == 0)
      return make_error(std::string(case_errc::not_found),
                        "no case for caller " + note.sender.id + " yet: a note needs the call's transcript first");
    const std::string case_id(found->get(0, 0));
    auto view = conn.exec(kCaseView, {case_id});
    if (!view) return view.error();

    const AgentNote& agent = *note.agent_note;
    const std::string external_id = note.channel + "/" + note.provider + ":" + note.external_id;
    const json after = {{"text", note.text},
                        {"agent", {{"id", agent.id}, {"name", agent.name}}},
                        {"call_id", note.reply_reference}};
    auto inserted = conn.exec(
        "INSERT INTO case_events (case_id, actor, kind, after, external_id) VALUES ($1, $2, 'note', $3::jsonb, $4) "
        "ON CONFLICT (external_id) WHERE external_id IS NOT NULL DO NOTHING RETURNING id",
        {case_id, note.provider + ":" + agent.id, after.dump(), external_id});
    if (!inserted) return inserted.error();

    Acknowledgement ack;
    ack.duplicate = inserted->rows() == 0;
    CaseView c{std::string(view->get(0, 0)), std::string(view->get(0, 1)), std::string(view->get(0, 2)),
               std::string(view->get(0, 3)), std::nullopt};
    if (!view->is_null(0, 4)) c.first_response_due = Timestamp{std::chrono::milliseconds(to_int(view->get(0, 4)))};
    ack.case_view = std::move(c);
    ack.conversation_id = std::string(view->get(0, 5));
    ack.handled_by = std::string(view->get(0, 6));
    if (!ack.duplicate) {
      auto touched = conn.exec("UPDATE cases SET updated_at = now() WHERE id = $1", {case_id});
      if (!touched) return touched.error();
    }
    return ack;
  });
}

}  // namespace intake::store
