#pragma once
// The store's write path for customer messages.
//
// ingest() queues one message; a pool of database connections, each on its own thread,
// takes queued messages in batches and handles each batch in ONE transaction of two
// round trips: load the senders' state (with duplicate check), let the caller's decide
// function turn state into a Decision, then write everything and commit. Concurrent
// messages thus share a commit (one WAL flush) instead of paying one each.
//
// Guarantees:
// - `done` is called exactly once per ingest(), after the transaction that recorded
//   the message has committed (or with an error, in which case nothing was written).
// - A message whose (channel, provider, external_id) was already recorded is answered
//   with the stored acknowledgement (duplicate = true) and writes nothing, also when two
//   copies race on different connections or instances.
// - Messages of one sender are processed in order of arrival at the store, never in the
//   same batch, so each one sees the state the previous one left.
// - When the database is unreachable, messages fail fast with db_errc::unavailable and
//   the store reconnects by itself.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "intake/acknowledgement.hpp"
#include "intake/decision.hpp"
#include "intake/inbound.hpp"
#include "intake/result.hpp"

namespace intake::store {

struct IngestOptions {
  std::string conninfo;
  int connections = 4;
  int max_batch = 64;
  std::string case_prefix = "TS";
  UtcOffset offset = kChinaStandardTime;  // the company's zone: case numbers use its day
};

struct IngestOutcome {
  Acknowledgement ack;
  bool case_opened = false;
};

// How a reply leaves when it cannot ride in the HTTP response (e-mail): queued in the
// outbox in the same transaction that records the message, so it is sent once or not at all.
struct OutboxRequest {
  nlohmann::json recipient;     // {"email", "name"}
  nlohmann::json payload;       // channel-specific; the store adds the reply as "text"
  std::string reply_reference;  // our id of the reply (its Message-ID), for threading
};

// What the store should know besides the message itself (whose thread_references it
// follows to the case a reply belongs to).
struct IngestContext {
  std::optional<std::string> mentioned_case;  // a case number the message names
  bool count_recent_replies = false;          // load ConversationState::recent_bot_replies
  std::optional<OutboxRequest> outbox;        // used only if the decision has a reply
};

using DecideFn = std::function<Decision(const ConversationState&, const Inbound&)>;
using IngestDone = std::function<void(Result<IngestOutcome>)>;

class IngestStore {
 public:
  // Starts the connection threads; connections are made lazily and retried.
  static std::unique_ptr<IngestStore> start(IngestOptions options);
  virtual ~IngestStore() = default;

  // Thread-safe; never blocks on the database. `decide` runs on a store thread.
  virtual void ingest(Inbound message, IngestContext context, DecideFn decide, IngestDone done) = 0;

  // True when at least one connection is up (or none has been tried and failed yet).
  virtual bool available() const = 0;
  // Counters for /metrics.
  virtual std::uint64_t batches_committed() const = 0;
  virtual std::uint64_t db_errors() const = 0;

  // Finishes what is queued, then closes the connections.
  virtual void stop() = 0;
};

}  // namespace intake::store
