#include "intake/store/history_reader.hpp"

#include "store_support.hpp"

#include "intake/store/database_worker.hpp"
#include "intake/store/pg.hpp"

namespace intake::store {
namespace {

// Through the identity's conversation; messages_conversation (conversation_id, id)
// serves the range.
constexpr std::string_view kRead = R"SQL(
SELECT m.id, m.author, m.text, (extract(epoch FROM m.received_at) * 1000)::bigint, coalesce(m.external_id, '')
  FROM channel_identities i
  JOIN conversations c ON c.identity_id = i.id
  JOIN messages m ON m.conversation_id = c.id
 WHERE i.channel = $1 AND i.provider = $2 AND i.external_id = $3 AND m.id > $4
 ORDER BY m.id
 LIMIT $5
)SQL";

class Reader final : public HistoryReader {
 public:
  explicit Reader(std::string conninfo) : worker_(DatabaseWorker::start(std::move(conninfo))) {}
  ~Reader() override { stop(); }

  void read(ConversationKey who, std::int64_t after, int limit, HistoryDone done) override {
    worker_->post([who = std::move(who), after, limit, done = std::move(done)](Result<Connection*> conn) {
      done(conn ? answer(**conn, who, after, limit) : Result<std::vector<HistoryEntry>>(conn.error()));
    });
  }

  void stop() override { worker_->stop(); }

 private:
  static Result<std::vector<HistoryEntry>> answer(Connection& conn, const ConversationKey& who, std::int64_t after,
                                                  int limit) {
    auto rows = conn.exec(kRead, {who.channel, who.provider, who.sender_id, std::to_string(after), std::to_string(limit)});
    if (!rows) return rows.error();
    std::vector<HistoryEntry> entries;
    entries.reserve(static_cast<std::size_t>(rows->rows()));
    for (int i = 0; i < rows->rows(); ++i) {
      HistoryEntry e;
      e.seq = to_int(rows->get(i, 0));
      e.author = std::string(rows->get(i, 1));
      e.text = std::string(rows->get(i, 2));
      e.at = Timestamp{std::chrono::milliseconds(to_int(rows->get(i, 3)))};
      e.external_id = std::string(rows->get(i, 4));
      entries.push_back(std::move(e));
    }
    return entries;
  }

  std::unique_ptr<DatabaseWorker> worker_;
};

}  // namespace

std::unique_ptr<HistoryReader> HistoryReader::start(std::string conninfo) {
  return std::make_unique<Reader>(std::move(conninfo));
}

}  // namespace intake::store
