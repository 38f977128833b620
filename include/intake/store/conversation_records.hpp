#pragma once
// Conversations as staff handle them: the queue, the history across channels, takeover,
// staff messages and the release back to the bot. Synchronous calls on a connection, like
// case_records.hpp, whose Viewer and error codes they share.
//
// Ownership: a conversation is the bot's until a staff member takes it over; from then
// on the bot records the customer's messages and says nothing (the dialog engine reads
// handled_by), and only the owner writes to the customer. Takeover is one conditional
// UPDATE, so of two staff racing exactly one wins; the other gets `taken`.
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "intake/store/case_records.hpp"

namespace intake::store {

namespace conversation_errc {
inline constexpr std::string_view taken = "taken";              // another staff member owns it
inline constexpr std::string_view not_taken = "not_taken";      // the bot has it: take it over first
}  // namespace conversation_errc

struct ConversationFilter {
  std::optional<bool> flagged;
  std::optional<std::string> handled_by;  // "bot" or "staff"
  int limit = 100;
};

// The conversations the viewer may see (an agent: the unowned ones and their own),
// newest activity first: {"id", "channel", "handled_by", "assignee", "flagged",
// "flag_reason", "last_message_at", "customer": {"id", "name"}, "open_case": {...} | null}.
Result<nlohmann::json> list_conversations(Connection& conn, const Viewer& viewer, const ConversationFilter& filter);

// One conversation with the customer's messages across all their channels (the newest
// `kHistoryLimit`, oldest first), its owner, flag and open case; not_found otherwise.
inline constexpr int kHistoryLimit = 500;
Result<nlohmann::json> read_conversation(Connection& conn, const Viewer& viewer, const std::string& id);

// Takes the conversation from the bot for the viewer. Taking one's own again is fine;
// another's is `taken`.
Result<nlohmann::json> take_over(Connection& conn, const Viewer& viewer, const std::string& id);

// Gives the conversation back to the bot and clears its flag: the owner, or a
// supervisor and up. `not_taken` when the bot has it, `forbidden` for another agent.
Result<nlohmann::json> release(Connection& conn, const Viewer& viewer, const std::string& id);

// How a staff message reaches an e-mail customer.
struct MailSettings {
  std::string from_address;
  std::string domain;  // for our Message-IDs
};

// Records a staff message in the conversation and queues its delivery in the same
// transaction: web chat pages are woken by the message itself (migration 0006); e-mail
// and the other channels go through the outbox. `client_id`, when given, makes a retry
// of the same request return the first message instead of sending a second. A staff
// message is the open case's first response and progress on it: its
// restarts_on_progress clocks start again at `now` (`rules`).
// Errors: not_found, not_taken, taken (someone else owns it).
Result<nlohmann::json> send_staff_message(Connection& conn, const Viewer& viewer, const std::string& id,
                                          const std::string& text, const std::optional<std::string>& client_id,
                                          const MailSettings& mail, const ClockRules& rules, Timestamp now);

// The 回访 question after a case is resolved, sent by the bot through the case's
// conversation like any message of ours. `compose` gets the conversation's dialog memory
// (read under the conversation's lock) and returns the question's text and the memory
// from now on (awaiting the rating). Errors: not_found.
using ComposeFollowUp = std::function<std::pair<std::string, nlohmann::json>(const nlohmann::json& dialog)>;
Result<nlohmann::json> send_satisfaction_request(Connection& conn, const std::string& case_number,
                                                 const ComposeFollowUp& compose, const MailSettings& mail);

}  // namespace intake::store
