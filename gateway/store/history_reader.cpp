#include "intake/store/history_reader.hpp"

#include <charconv>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

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

std::int64_t to_int(std::string_view s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

struct Request {
  ConversationKey who;
  std::int64_t after;
  int limit;
  HistoryDone done;
};

class Reader final : public HistoryReader {
 public:
  explicit Reader(std::string conninfo) : conninfo_(std::move(conninfo)), thread_([this] { run(); }) {}
  ~Reader() override { stop(); }

  void read(ConversationKey who, std::int64_t after, int limit, HistoryDone done) override {
    {
      std::lock_guard lock(mutex_);
      if (!stopping_) {
        queue_.push_back({std::move(who), after, limit, std::move(done)});
        cv_.notify_one();
        return;
      }
    }
    done(make_error(std::string(db_errc::unavailable), "the history reader has stopped"));
  }

  void stop() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    std::optional<Connection> conn;
    for (;;) {
      Request request;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and everything asked for is answered
        request = std::move(queue_.front());
        queue_.pop_front();
      }
      request.done(answer(conn, request));
    }
  }

  Result<std::vector<HistoryEntry>> answer(std::optional<Connection>& conn, const Request& r) {
    if (!conn || !conn->ok()) {
      conn.reset();
      auto opened = Connection::open(conninfo_);
      if (!opened) return opened.error();
      conn.emplace(std::move(*opened));
    }
    auto rows = conn->exec(kRead, {r.who.channel, r.who.provider, r.who.sender_id, std::to_string(r.after),
                                   std::to_string(r.limit)});
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

  std::string conninfo_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Request> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace

std::unique_ptr<HistoryReader> HistoryReader::start(std::string conninfo) {
  return std::make_unique<Reader>(std::move(conninfo));
}

}  // namespace intake::store
