#include "intake/store/conversation_records.hpp"

#include "store_support.hpp"

namespace intake::store {
namespace {

using nlohmann::json;

// $1: the agent whose queue limits what is visible (NULL for roles that see all).
constexpr std::string_view kVisible = "($1::bigint IS NULL OR c.assignee_id IS NULL OR c.assignee_id = $1)";

// A conversation's summary as JSON; `c` is the conversation, `cu` its customer.
constexpr std::string_view kSummary = R"SQL(
jsonb_build_object(
  'id', c.id, 'channel', c.channel || '/' || c.provider, 'handled_by', c.handled_by,
  'assignee', CASE WHEN s.id IS NULL THEN NULL ELSE jsonb_build_object('id', s.id, 'name', s.name) END,
  'flagged', c.flagged, 'flag_reason', c.flag_reason, 'last_message_at', c.last_message_at,
  'customer', jsonb_build_object('id', cu.id, 'name', cu.display_name),
  'open_case', (SELECT jsonb_build_object('number', k.number, 'status', k.status, 'category', k.category,
                                          'severity', k.severity, 'first_response_due', k.first_response_due,
                                          'overdue', intake_case_overdue(k, now()))
                  FROM cases k
                 WHERE k.conversation_id = c.id AND k.status NOT IN ('resolved', 'closed') AND k.merged_into IS NULL
                 ORDER BY k.opened_at DESC LIMIT 1))
)SQL";

std::optional<std::string> queue_limit(const Viewer& viewer) {
  if (viewer.sees_all()) return std::nullopt;
  return std::to_string(viewer.member.id);
}

Error error(std::string_view code, std::string message) { return make_error(std::string(code), std::move(message)); }

std::string staff_actor(const Viewer& viewer) { return "staff:" + std::to_string(viewer.member.id); }

// The ownership of a conversation, locked for the rest of the transaction.
struct Ownership {
  std::string handled_by;
  std::optional<std::int64_t> assignee;
};

Result<std::optional<Ownership>> lock_ownership(Connection& conn, const std::string& id) {
  auto rows = conn.exec("SELECT handled_by, assignee_id FROM conversations WHERE id = $1::uuid FOR UPDATE", {id});
  if (!rows) return rows.error();
  if (rows->rows() == 0) return std::optional<Ownership>();
  Ownership o{std::string(rows->get(0, 0)), std::nullopt};
  if (!rows->is_null(0, 1)) o.assignee = to_int(rows->get(0, 1));
  return std::optional<Ownership>(std::move(o));
}

// The ownership, locked, of a conversation the viewer may see: not_found for one that
// does not exist or lies outside an agent's queue (owned by someone else).
Result<Ownership> lock_visible(Connection& conn, const Viewer& viewer, const std::string& id) {
  auto owner = lock_ownership(conn, id);
  if (!owner) return owner.error();
  if (!*owner || (!viewer.sees_all() && (*owner)->assignee && *(*owner)->assignee != viewer.member.id))
    return error(case_errc::not_found, "no conversation " + id);
  return std::move(**owner);
}

// An event on the conversation's open case, if it has one.
Status case_event(Connection& conn, const std::string& conversation, const Viewer& viewer, std::string_view kind,
                  const json& after, const std::optional<std::string>& message_id = std::nullopt) {
  auto done = conn.exec(R"SQL(
INSERT INTO case_events (case_id, actor, kind, after, message_id)
SELECT k.id, $2, $3, $4::jsonb, $5::bigint FROM cases k
 WHERE k.conversation_id = $1::uuid AND k.status NOT IN ('resolved', 'closed') AND k.merged_into IS NULL
 ORDER BY k.opened_at DESC LIMIT 1
)SQL",
                        {conversation, staff_actor(viewer), std::string(kind), after.dump(), message_id});
  if (!done) return done.error();
  return Ok{};
}

Result<json> summary(Connection& conn, const std::string& id) {
  auto rows = conn.exec("SELECT " + std::string(kSummary) +
                            "::text FROM conversations c JOIN customers cu ON cu.id = c.customer_id "
                            "LEFT JOIN staff s ON s.id = c.assignee_id WHERE c.id = $1::uuid",
                        {id});
  if (!rows) return rows.error();
  if (rows->rows() == 0) return error(case_errc::not_found, "no conversation " + id);
  return json::parse(rows->get(0, 0));
}

}  // namespace

Result<json> list_conversations(Connection& conn, const Viewer& viewer, const ConversationFilter& f) {
  const std::string sql = "SELECT coalesce(jsonb_agg(row ORDER BY at DESC, id), '[]'::jsonb)::text FROM ("
                          "SELECT c.last_message_at AS at, c.id, " + std::string(kSummary) + " AS row "
                          "FROM conversations c JOIN customers cu ON cu.id = c.customer_id "
                          "LEFT JOIN staff s ON s.id = c.assignee_id "
                          "WHERE " + std::string(kVisible) +
                          " AND ($2::boolean IS NULL OR c.flagged = $2) AND ($3::text IS NULL OR c.handled_by = $3)"
                          " ORDER BY c.last_message_at DESC LIMIT $4) listed";
  auto rows = conn.exec(sql, {queue_limit(viewer),
                              f.flagged ? std::optional<std::string>(*f.flagged ? "true" : "false") : std::nullopt,
                              f.handled_by, std::to_string(f.limit)});
  if (!rows) return rows.error();
  return json::parse(rows->get(0, 0));
}

Result<json> read_conversation(Connection& conn, const Viewer& viewer, const std::string& id) {
  const std::string sql =
      "SELECT (" + std::string(kSummary) + R"SQL( || jsonb_build_object(
  'customer', jsonb_build_object('id', cu.id, 'name', cu.display_name, 'phone', cu.phone, 'email', cu.email),
  'messages', coalesce((SELECT jsonb_agg(m ORDER BY m.id) FROM (
      SELECT m.id, m.conversation_id, m.channel || '/' || m.provider AS channel, m.direction, m.author, m.staff_id,
             m.text, m.received_at AS at, k.number AS case_number, m.classification
        FROM messages m
        JOIN conversations mc ON mc.id = m.conversation_id
        LEFT JOIN cases k ON k.id = m.case_id
       WHERE mc.customer_id = c.customer_id
       ORDER BY m.id DESC LIMIT $2) m), '[]'::jsonb)))::text
  FROM conversations c JOIN customers cu ON cu.id = c.customer_id LEFT JOIN staff s ON s.id = c.assignee_id
 WHERE c.id = $3::uuid AND )SQL" + std::string(kVisible);
  auto rows = conn.exec(sql, {queue_limit(viewer), std::to_string(kHistoryLimit), id});
  if (!rows) return rows.error();
  if (rows->rows() == 0) return error(case_errc::not_found, "no conversation " + id);
  return json::parse(rows->get(0, 0));
}

Result<json> take_over(Connection& conn, const Viewer& viewer, const std::string& id) {
  return in_transaction(conn, [&]() -> Result<json> {
    auto owner = lock_ownership(conn, id);
    if (!owner) return owner.error();
    if (!*owner) return error(case_errc::not_found, "no conversation " + id);
    const Ownership& o = **owner;
    // Before the queue check: the loser of a race learns that it lost (409), not that the
    // conversation it just saw in the queue does not exist.
    if (o.handled_by == "staff") {
      if (o.assignee == viewer.member.id) return summary(conn, id);  // a retry of one's own takeover
      return error(conversation_errc::taken, "another staff member has taken this conversation over");
    }
    if (!viewer.sees_all() && o.assignee && *o.assignee != viewer.member.id)
      return error(case_errc::not_found, "no conversation " + id);
    auto taken = conn.exec("UPDATE conversations SET handled_by = 'staff', assignee_id = $2 WHERE id = $1::uuid",
                           {id, std::to_string(viewer.member.id)});
    if (!taken) return taken.error();
    if (Status s = case_event(conn, id, viewer, "taken_over", {{"staff", viewer.member.id}}); !s) return s.error();
    return summary(conn, id);
  });
}

Result<json> release(Connection& conn, const Viewer& viewer, const std::string& id) {
  return in_transaction(conn, [&]() -> Result<json> {
    auto owner = lock_visible(conn, viewer, id);
    if (!owner) return owner.error();
    const Ownership& o = *owner;
    if (o.handled_by != "staff") return error(conversation_errc::not_taken, "the bot already handles this conversation");
    if (!viewer.sees_all() && o.assignee != viewer.member.id)
      return error(case_errc::forbidden, "only the owner or a supervisor may hand the conversation back");
    auto released = conn.exec(
        "UPDATE conversations SET handled_by = 'bot', assignee_id = NULL, flagged = false, flag_reason = NULL "
        "WHERE id = $1::uuid",
        {id});
    if (!released) return released.error();
    if (Status s = case_event(conn, id, viewer, "released", {{"handled_by", "bot"}}); !s) return s.error();
    return summary(conn, id);
  });
}

// A message of ours to the customer of conversation `id`, recorded and its delivery
// queued; the caller's transaction holds the conversation's row. Web chat pages are woken
// by the message itself (migration 0006); e-mail and the other channels go through the
// outbox.
struct Outbound {
  std::string author;                      // "staff" or "bot"
  std::optional<std::int64_t> staff_id;
  std::string text;
  std::optional<std::string> external_id;  // makes a retry find the first message
  std::optional<std::string> case_number;  // the case it belongs to; else the open one
  std::string actor;                       // of the case event
  std::string event_kind;
  // For a person's message: progress, which restarts the restarts_on_progress clocks.
  const ClockRules* progress = nullptr;
  Timestamp now{};
};

// A person answered: the case's first response, and progress on it.
Status record_progress(Connection& conn, const std::string& case_id, const ClockRules& rules, Timestamp now) {
  auto stored = conn.exec("SELECT sla_clocks::text FROM cases WHERE id = $1 FOR UPDATE", {case_id});
  if (!stored) return stored.error();
  json clocks = json::array();
  const json before = json::parse(stored->get(0, 0), nullptr, false);
  for (const json& j : before.is_array() ? before : json::array()) {
    auto clock = clock_from_json(j);
    if (!clock) {
      clocks.push_back(j);  // kept as it is: nothing here can read it
      continue;
    }
    clocks.push_back(to_json(clock->restarts_on_progress ? rules.restarted(*clock, now) : *clock));
  }
  auto answered = conn.exec("UPDATE cases SET first_responded_at = coalesce(first_responded_at, $3::timestamptz), "
                            "sla_clocks = $2::jsonb, updated_at = now() WHERE id = $1",
                            {case_id, clocks.dump(), format_rfc3339(now)});
  if (!answered) return answered.error();
  return Ok{};
}

Result<json> record_outbound(Connection& conn, const std::string& id, const Outbound& out, const MailSettings& mail) {
  // The customer's side: channel, their id there, their address; the open case; and
  // the last message they sent, which an e-mail answer threads to.
  auto context = conn.exec(R"SQL(
SELECT c.channel, c.provider, i.external_id, cu.email, cu.display_name,
     coalesce((SELECT k.id FROM cases k WHERE k.number = $2 AND k.conversation_id = c.id),
              (SELECT k.id FROM cases k WHERE k.conversation_id = c.id AND k.status NOT IN ('resolved', 'closed')
                  AND k.merged_into IS NULL ORDER BY k.opened_at DESC LIMIT 1)),
     (SELECT jsonb_build_object('subject', m.meta->>'subject', 'reply_reference', m.reply_reference,
                                'references', coalesce(m.meta->'thread_references', '[]'::jsonb))::text
        FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'inbound' ORDER BY m.id DESC LIMIT 1)
  FROM conversations c JOIN channel_identities i ON i.id = c.identity_id JOIN customers cu ON cu.id = c.customer_id
 WHERE c.id = $1::uuid
)SQL",
                           {id, out.case_number});
  if (!context) return context.error();
  const std::string channel(context->get(0, 0)), provider(context->get(0, 1)), sender(context->get(0, 2));
  const std::optional<std::string> case_id =
      context->is_null(0, 5) ? std::nullopt : std::optional<std::string>(std::string(context->get(0, 5)));

  // The writer's lock of this sender: message ids then grow in commit order (history_reader.hpp).
  if (auto locked = conn.exec("SELECT intake_sender_lock($1, $2, $3)", {channel, provider, sender}); !locked)
    return locked.error();
  const std::optional<std::string>& external_id = out.external_id;
  if (external_id) {
    auto earlier = conn.exec(
        "SELECT id, text FROM messages WHERE channel = $1 AND provider = $2 AND external_id = $3", {channel, provider, *external_id});
    if (!earlier) return earlier.error();
    if (earlier->rows() == 1)
      return json{{"message", {{"id", to_int(earlier->get(0, 0))}, {"text", earlier->get(0, 1)}}}, {"duplicate", true}};
  }
  const bool by_mail = channel == "email";
  std::optional<std::string> message_id;  // ours, for e-mail threading
  if (by_mail) message_id = "intake." + out.author + "-" + id.substr(0, 8) + "-" +
                            std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count()) +
                            "@" + mail.domain;
  auto inserted = conn.exec(R"SQL(
INSERT INTO messages (conversation_id, case_id, direction, author, staff_id, channel, provider, external_id, text,
                    reply_reference)
VALUES ($1::uuid, $2::bigint, 'outbound', $9, $3, $4, $5, $6, $7, $8)
RETURNING id, (extract(epoch FROM received_at) * 1000)::bigint
)SQL",
                            {id, case_id,
                             out.staff_id ? std::optional<std::string>(std::to_string(*out.staff_id)) : std::nullopt,
                             channel, provider, external_id, out.text, message_id, out.author});
  if (!inserted) return inserted.error();
  const std::string row(inserted->get(0, 0));

  std::string delivery = "live";  // web chat: the insert itself wakes the customer's pages
  if (!(channel == "chat" && provider == "web")) {
    json recipient = {{"id", sender}},
         payload = {{"kind", out.author + "_message"}, {"text", out.text}, {"automatic", out.author != "staff"}};
    if (by_mail) {
      if (context->is_null(0, 3)) return error(case_errc::invalid_transition, "the customer has no e-mail address");
      recipient = {{"email", context->get(0, 3)}, {"name", context->get(0, 4)}};
      const json last = context->is_null(0, 6) ? json::object() : json::parse(context->get(0, 6), nullptr, false);
      json references = last.value("references", json::array());
      if (last.contains("reply_reference") && last["reply_reference"].is_string())
        references.push_back(last["reply_reference"]);
      payload.update({{"kind", "email_reply"},
                      {"from", mail.from_address},
                      {"subject", last.value("subject", json(nullptr)).is_string() ? last["subject"] : json("")},
                      {"message_id", *message_id},
                      {"in_reply_to", last.value("reply_reference", json(nullptr))},
                      {"references", references}});
    }
    auto queued = conn.exec("INSERT INTO outbox (message_id, channel, provider, recipient, payload) "
                            "VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)",
                            {row, channel, provider, recipient.dump(), payload.dump()});
    if (!queued) return queued.error();
    delivery = "outbox";
  }
  if (case_id && out.progress) {
    if (Status s = record_progress(conn, *case_id, *out.progress, out.now); !s) return s.error();
  }
  if (case_id) {
    auto noted = conn.exec("INSERT INTO case_events (case_id, actor, kind, after, message_id) "
                           "VALUES ($1, $2, $3, $4::jsonb, $5)",
                           {*case_id, out.actor, out.event_kind, json{{"message_id", to_int(row)}}.dump(), row});
    if (!noted) return noted.error();
  }
  if (auto touched = conn.exec("UPDATE conversations SET last_message_at = now() WHERE id = $1::uuid", {id}); !touched)
    return touched.error();
  return json{{"message", {{"id", to_int(row)}, {"text", out.text}, {"author", out.author}, {"channel", channel + "/" + provider}}},
              {"delivery", delivery},
              {"duplicate", false}};
}

Result<json> send_staff_message(Connection& conn, const Viewer& viewer, const std::string& id, const std::string& text,
                                const std::optional<std::string>& client_id, const MailSettings& mail,
                                const ClockRules& rules, Timestamp now) {
  return in_transaction(conn, [&]() -> Result<json> {
    auto owner = lock_visible(conn, viewer, id);
    if (!owner) return owner.error();
    const Ownership& o = *owner;
    if (o.handled_by != "staff") return error(conversation_errc::not_taken, "take the conversation over first");
    if (o.assignee != viewer.member.id)
      return error(conversation_errc::taken, "only the staff member who took the conversation over writes in it");
    const Outbound out{"staff", viewer.member.id, text,
                       client_id ? std::optional<std::string>(staff_actor(viewer) + ":" + *client_id) : std::nullopt,
                       std::nullopt, staff_actor(viewer), "staff_message", &rules, now};
    return record_outbound(conn, id, out, mail);
  });
}

Result<json> send_satisfaction_request(Connection& conn, const std::string& case_number, const ComposeFollowUp& compose,
                                       const MailSettings& mail) {
  return in_transaction(conn, [&]() -> Result<json> {
    auto found = conn.exec("SELECT conversation_id FROM cases WHERE number = $1", {case_number});
    if (!found) return found.error();
    if (found->rows() == 0) return error(case_errc::not_found, "no case " + case_number);
    const std::string id(found->get(0, 0));
    auto owner = lock_ownership(conn, id);
    if (!owner) return owner.error();
    auto memory = conn.exec("SELECT dialog::text FROM conversations WHERE id = $1::uuid", {id});
    if (!memory) return memory.error();
    const auto [text, dialog] = compose(json::parse(memory->get(0, 0), nullptr, false));
    if (auto remembered = conn.exec("UPDATE conversations SET dialog = $2::jsonb WHERE id = $1::uuid", {id, dialog.dump()});
        !remembered)
      return remembered.error();
    const Outbound out{"bot", std::nullopt, text, std::nullopt, case_number, "bot", "satisfaction_requested", nullptr, {}};
    return record_outbound(conn, id, out, mail);
  });
}

}  // namespace intake::store
