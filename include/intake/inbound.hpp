#pragma once
// channels::Inbound: one customer message, whatever channel it came through.
// Every channel adapter produces this; the dialog and the store consume only this.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "intake/time.hpp"

namespace intake {

struct Sender {
  std::string id;                    // the provider's stable id for this customer (required)
  std::string name;                  // display name, may be empty
  std::optional<std::string> phone;  // as given by the customer or the provider
  std::optional<std::string> email;
};

// A file that came with a message: listed for the person handling the case, never parsed.
struct Attachment {
  std::string filename;
  std::string media_type;
  std::size_t size = 0;
};

// Who wrote a note that a provider passes on about its own handling of a customer (a
// call-centre agent's summary of a call).
struct AgentNote {
  std::string id;    // the provider's id of the agent (required)
  std::string name;  // may be empty
};

struct Inbound {
  std::string channel;      // "chat", "hotline", "email"
  std::string provider;     // "generic", "telegram", "twilio-voice", …
  std::string external_id;  // the provider's id for this delivery; (channel, provider, external_id) is unique
  Sender sender;
  std::string text;         // the original text, exactly as received (valid UTF-8)
  std::optional<Timestamp> sent_at;  // when the customer sent it, if the provider says
  Timestamp received_at;    // when the gateway received it
  std::string raw;          // the request body as received, kept for audit
  std::string reply_reference;  // the provider's id of this message, for a reply to quote
                                // or thread under (Telegram message_id, e-mail Message-ID);
                                // empty when the provider has none
  // E-mail and other threaded channels; empty elsewhere.
  std::string subject;                          // decoded
  std::vector<std::string> thread_references;   // ids this message answers, nearest first
                                                // (In-Reply-To, then References newest first)
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names; the ones
                                                // that tell an automatic sender (see dialog/reply_guard.hpp)
  std::vector<Attachment> attachments;
  std::vector<std::string> problems;            // what the adapter could not read as declared
  // Set when the adapter could not make sense of the message: it is filed as a case and
  // flagged with this reason, whatever the rules make of its text.
  std::optional<std::string> needs_person;
  // Set when `text` is not the customer's but a note by the provider's agent about them:
  // it is recorded on the customer's case (store/agent_notes.hpp), never classified,
  // never answered.
  std::optional<AgentNote> agent_note;
};

}  // namespace intake
