#pragma once
// The store's read path for a conversation's messages, as a chat page shows them.
//
// A reader owns one database connection on its own thread (a DatabaseWorker), apart
// from the ingest connections, so that pages catching up after a reconnect never delay
// the filing of new messages. Requests are answered in the order they were made.
//
// Order and completeness: a message's sequence number is its row id. Every writer of a
// conversation holds the sender's advisory lock (intake_load) while it inserts and until
// it commits, so one conversation's rows become visible in id order; reading "after N"
// therefore never skips a row that commits later with a smaller id.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "intake/result.hpp"
#include "intake/time.hpp"

namespace intake::store {

struct HistoryEntry {
  std::int64_t seq = 0;
  std::string author;       // "customer", "bot" or "staff"
  std::string text;
  Timestamp at{};
  std::string external_id;  // the channel's id of a customer's message; empty for ours
};

// Whose conversation: the channel identity that wrote to us.
struct ConversationKey {
  std::string channel;
  std::string provider;
  std::string sender_id;
};

using HistoryDone = std::function<void(Result<std::vector<HistoryEntry>>)>;

class HistoryReader {
 public:
  // Starts the thread; the connection is made on first use and remade after a failure.
  static std::unique_ptr<HistoryReader> start(std::string conninfo);
  virtual ~HistoryReader() = default;

  // The conversation's messages with seq > after, oldest first, at most `limit`. `done`
  // runs on the reader's thread; an unknown conversation is an empty list. When the
  // database is unreachable, the error's code is db_errc::unavailable.
  virtual void read(ConversationKey who, std::int64_t after, int limit, HistoryDone done) = 0;

  // Answers what is queued, then closes the connection.
  virtual void stop() = 0;
};

}  // namespace intake::store
