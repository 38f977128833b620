#include "intake/store/ingest_store.hpp"

#include "store_support.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_set>
#include <utility>

#include "intake/store/pg.hpp"
#include "intake/hex.hpp"
#include "intake/utf8.hpp"

namespace intake::store {
namespace {

using nlohmann::json;

constexpr int kRetriesOnConflict = 3;

struct Pending {
  Inbound message;
  IngestContext context;
  DecideFn decide;
  IngestDone done;
  std::string sender_key;
};

std::string sender_key(const Inbound& m) { return m.channel + '\x1f' + m.provider + '\x1f' + m.sender.id; }

json optional_string(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }


std::string local_day(Timestamp t, UtcOffset offset) {
  const LocalTime l = to_local(t, offset);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(l.date.year()),
                static_cast<unsigned>(l.date.month()), static_cast<unsigned>(l.date.day()));
  return buf;
}

std::optional<Timestamp> time_field(const json& j, const char* name) {
  if (!j.contains(name) || !j[name].is_string()) return std::nullopt;
  return parse_rfc3339(j[name].get<std::string>());
}

std::optional<CaseSnapshot> case_from(const json& j, const char* name) {
  if (!j.contains(name) || !j[name].is_object()) return std::nullopt;
  const json& c = j[name];
  CaseSnapshot snap;
  snap.number = c.value("number", "");
  snap.category = parse_category(c.value("category", "")).value_or(Category::other);
  snap.severity = parse_severity(c.value("severity", "")).value_or(Severity::normal);
  snap.status = c.value("status", "");
  snap.first_response_due = time_field(c, "first_response_due");
  return snap;
}

ConversationState state_from(const json& j) {
  ConversationState s;
  if (j.contains("conversation") && j["conversation"].is_object()) {
    s.handled_by = j["conversation"].value("handled_by", "bot");
    if (j["conversation"].contains("dialog")) s.memory = dialog_memory_from_json(j["conversation"]["dialog"]);
  }
  s.open_case = case_from(j, "open_case");
  s.latest_case = case_from(j, "latest_case");
  s.mentioned_case = case_from(j, "mentioned_case");
  if (j.contains("recent_bot_replies") && j["recent_bot_replies"].is_number_integer())
    s.recent_bot_replies = j["recent_bot_replies"].get<int>();
  return s;
}

// A text column holds valid UTF-8 without NUL; a body that is not (an e-mail in GBK,
// binary bytes) is kept exactly, in raw_bytes.
bool fits_text_column(std::string_view s) {
  if (s.find('\0') != std::string_view::npos) return false;
  return is_utf8(s);
}

json attachments_json(const std::vector<Attachment>& attachments) {
  json out = json::array();
  for (const Attachment& a : attachments)
    out.push_back({{"filename", a.filename}, {"media_type", a.media_type}, {"size", a.size}});
  return out;
}

// What a person reading the message needs besides its text (e-mail subject, attachments,
// what could not be read); null when there is nothing.
json message_meta(const Inbound& m) {
  json meta = json::object();
  if (!m.subject.empty()) meta["subject"] = m.subject;
  if (!m.attachments.empty()) meta["attachments"] = attachments_json(m.attachments);
  if (!m.problems.empty()) meta["problems"] = m.problems;
  if (!m.thread_references.empty()) meta["thread_references"] = m.thread_references;
  return meta.empty() ? json(nullptr) : meta;
}

json outbox_json(const std::optional<OutboxRequest>& o) {
  if (!o) return nullptr;
  return {{"recipient", o->recipient}, {"payload", o->payload}, {"reply_reference", o->reply_reference}};
}

json satisfaction_json(const std::optional<SatisfactionRating>& s) {
  if (!s) return nullptr;
  return {{"rating", s->rating}, {"comment", s->comment}};
}

std::string_view action_name(CaseAction a) {
  switch (a) {
    case CaseAction::open: return "open";
    case CaseAction::attach: return "attach";
    case CaseAction::reopen: return "reopen";
    case CaseAction::none: return "none";
  }
  return "none";
}

class PgIngestStore final : public IngestStore {
 public:
  explicit PgIngestStore(IngestOptions options) : options_(std::move(options)) {
    const int n = std::max(1, options_.connections);
    for (int i = 0; i < n; ++i) workers_.emplace_back([this] { run(); });
  }

  ~PgIngestStore() override { stop(); }

  void ingest(Inbound message, IngestContext context, DecideFn decide, IngestDone done) override {
    if (down_.load()) {
      done(make_error(std::string(db_errc::unavailable), "the database is unreachable"));
      return;
    }
    std::string key = sender_key(message);
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        done(make_error(std::string(db_errc::unavailable), "the store is shutting down"));
        return;
      }
      queue_.push_back(Pending{std::move(message), std::move(context), std::move(decide), std::move(done), std::move(key)});
    }
    wake_.notify_one();
  }

  bool available() const override { return !down_.load(); }
  std::uint64_t batches_committed() const override { return batches_.load(); }
  std::uint64_t db_errors() const override { return errors_.load(); }

  void stop() override {
    {
      std::lock_guard lock(mutex_);
      if (stopping_ && workers_.empty()) return;
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_)
      if (t.joinable()) t.join();
    workers_.clear();
  }

 private:
  void run() {
    std::optional<Connection> conn;
    bool counted = false;  // whether this worker is in connected_
    auto mark = [&](bool up) {
      if (up != counted) connected_.fetch_add(up ? 1 : -1);
      counted = up;
      down_.store(connected_.load() == 0 && !up);
    };
    auto backoff = std::chrono::milliseconds(200);
    for (;;) {
      if (!conn || !conn->ok()) {
        conn.reset();
        auto opened = Connection::open(options_.conninfo);
        if (!opened) {
          errors_.fetch_add(1);
          mark(false);
          if (down_.load()) fail_all_queued(opened.error());
          std::unique_lock lock(mutex_);
          if (stopping_ && queue_.empty()) return;
          wake_.wait_for(lock, backoff, [this] { return stopping_; });
          backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
          continue;
        }
        conn.emplace(std::move(*opened));
        mark(true);
        backoff = std::chrono::milliseconds(200);
      }

      std::vector<Pending> batch = take_batch();
      if (batch.empty()) {  // stopping, and nothing is left
        mark(false);
        return;
      }
      std::vector<std::string> senders;
      for (const Pending& p : batch) senders.push_back(p.sender_key);
      if (!process(*conn, batch)) {
        // The connection broke (a restarted server leaves every pooled connection stale).
        // Retry what is unanswered once on a fresh connection; a transaction that did
        // commit before the break is found by the duplicate check and answered as stored.
        std::erase_if(batch, [](const Pending& p) { return !p.done; });
        auto fresh = Connection::open(options_.conninfo);
        if (fresh) {
          conn.emplace(std::move(*fresh));
          if (!process(*conn, batch)) fail(batch, make_error(std::string(db_errc::unavailable), "connection lost"));
        } else {
          conn.reset();
          mark(false);
          fail(batch, fresh.error());
        }
      }
      release(senders);
    }
  }

  // Waits for work, then takes up to max_batch messages of distinct senders that no
  // other worker holds, in arrival order. Returns empty only when stopping and idle.
  std::vector<Pending> take_batch() {
    std::unique_lock lock(mutex_);
    std::vector<Pending> batch;
    for (;;) {
      // Copies, not views: erasing from the middle of a deque moves its elements, and a
      // short key lives inside its element (small-string optimisation).
      std::unordered_set<std::string> skipped;
      for (auto it = queue_.begin(); it != queue_.end() && batch.size() < static_cast<std::size_t>(options_.max_batch);) {
        if (busy_senders_.count(it->sender_key) || skipped.count(it->sender_key)) {
          skipped.insert(it->sender_key);
          ++it;
          continue;
        }
        busy_senders_.insert(it->sender_key);
        batch.push_back(std::move(*it));
        it = queue_.erase(it);
      }
      if (!batch.empty()) return batch;
      if (stopping_ && queue_.empty()) return batch;
      wake_.wait(lock);
    }
  }

  void release(const std::vector<std::string>& senders) {
    {
      std::lock_guard lock(mutex_);
      for (const std::string& key : senders) busy_senders_.erase(key);
    }
    wake_.notify_all();  // messages of these senders may be waiting
  }

  void fail_all_queued(const Error& error) {
    std::deque<Pending> failed;
    {
      std::lock_guard lock(mutex_);
      // Messages of senders held by a live worker stay; everything else fails fast.
      for (auto it = queue_.begin(); it != queue_.end();) {
        if (busy_senders_.count(it->sender_key)) {
          ++it;
        } else {
          failed.push_back(std::move(*it));
          it = queue_.erase(it);
        }
      }
    }
    for (Pending& p : failed) p.done(error);
  }

  static void fail(std::vector<Pending>& batch, const Error& error) {
    for (Pending& p : batch)
      if (p.done) std::exchange(p.done, nullptr)(error);
  }

  // Handles a batch, answering every message, except when the connection is lost: then
  // returns false and answers nothing, so that the caller may retry the batch.
  bool process(Connection& conn, std::vector<Pending>& batch) {
    // Sender locks are taken in key order in every transaction, so none can deadlock.
    std::sort(batch.begin(), batch.end(), [](const Pending& a, const Pending& b) { return a.sender_key < b.sender_key; });
    Result<std::vector<IngestOutcome>> outcome = make_error("", "");
    for (int attempt = 0;; ++attempt) {
      outcome = run_transaction(conn, batch);
      if (outcome || outcome.error().code != db_errc::retry || attempt + 1 >= kRetriesOnConflict) break;
    }
    if (outcome) {
      batches_.fetch_add(1);
      for (std::size_t i = 0; i < batch.size(); ++i) std::exchange(batch[i].done, nullptr)(std::move((*outcome)[i]));
      return true;
    }
    errors_.fetch_add(1);
    if (outcome.error().code == db_errc::unavailable) return false;
    if (batch.size() > 1) {
      // One message may be at fault: handle each alone so that the others are not lost.
      for (std::size_t i = 0; i < batch.size(); ++i) {
        std::vector<Pending> single;
        single.push_back(std::move(batch[i]));
        const bool alive = process(conn, single);
        batch[i] = std::move(single.front());
        if (!alive) return false;  // the rest (and this one) are retried by the caller
      }
      return true;
    }
    fail(batch, outcome.error());
    return true;
  }

  Result<std::vector<IngestOutcome>> run_transaction(Connection& conn, const std::vector<Pending>& batch) {
    json load = json::array();
    for (const Pending& p : batch)
      load.push_back({{"channel", p.message.channel}, {"provider", p.message.provider},
                      {"external_id", p.message.external_id}, {"sender_id", p.message.sender.id},
                      {"mentioned_case", optional_string(p.context.mentioned_case)},
                      {"thread_references", p.message.thread_references},
                      {"count_recent_replies", p.context.count_recent_replies},
                      {"received_at", format_rfc3339(p.message.received_at)}});
    auto loaded = conn.pipeline({{"BEGIN", {}}, {"SELECT intake_load($1::jsonb)", {load.dump()}}});
    if (!loaded) return rollback(conn, loaded.error());
    json states = json::parse((*loaded)[1].get(0, 0), nullptr, false);
    if (!states.is_array() || states.size() != batch.size())
      return rollback(conn, make_error(std::string(db_errc::failed), "intake_load returned an unexpected shape"));

    std::vector<IngestOutcome> outcomes(batch.size());
    std::vector<std::size_t> to_apply;
    json apply = json::array();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const json& st = states[i];
      if (st.value("duplicate", false)) {
        auto ack = acknowledgement_from_json(st["ack"]);
        if (!ack) return rollback(conn, make_error(std::string(db_errc::failed), "a stored acknowledgement is unreadable"));
        outcomes[i].ack = std::move(*ack);
        outcomes[i].ack.duplicate = true;
        continue;
      }
      const Inbound& m = batch[i].message;
      const Decision d = batch[i].decide(state_from(st), m);
      const bool raw_is_text = fits_text_column(m.raw);  // once: a mail may be megabytes
      json item = {{"identity_id", st["identity_id"]},
                   {"customer_id", st["customer_id"]},
                   {"channel", m.channel},
                   {"provider", m.provider},
                   {"external_id", m.external_id},
                   {"sender_id", m.sender.id},
                   {"sender_name", m.sender.name},
                   {"phone", optional_string(m.sender.phone)},
                   {"email", optional_string(m.sender.email)},
                   {"text", m.text},
                   {"raw", raw_is_text ? json(m.raw) : json(nullptr)},
                   {"raw_hex", raw_is_text ? json(nullptr) : json(lower_hex(m.raw))},
                   {"reply_reference", m.reply_reference.empty() ? json(nullptr) : json(m.reply_reference)},
                   {"meta", message_meta(m)},
                   {"sent_at", optional_time(m.sent_at)},
                   {"received_at", format_rfc3339(m.received_at)},
                   {"day", local_day(m.received_at, options_.offset)},
                   {"action", action_name(d.case_action)},
                   {"case_number", d.target_case.empty() ? json(nullptr) : json(d.target_case)},
                   {"category", to_string(d.category)},
                   {"severity", to_string(d.severity)},
                   {"first_response_due", optional_time(d.first_response_due)},
                   {"sla_clocks", clocks_json(d.clocks)},
                   {"reply_text", optional_string(d.reply_text)},
                   {"suppressed_reason", optional_string(d.reply_suppressed)},
                   {"flags", d.flags},
                   {"classification", to_json(d.classification)},
                   {"details", d.memory.details},
                   {"dialog", to_json(d.memory)},
                   {"satisfaction", satisfaction_json(d.satisfaction)},
                   {"escalation_level", d.escalate ? json(static_cast<int>(*d.escalate)) : json(nullptr)},
                   {"outbox", outbox_json(batch[i].context.outbox)}};
      apply.push_back(std::move(item));
      to_apply.push_back(i);
    }

    if (to_apply.empty()) {
      if (auto done = conn.pipeline({{"COMMIT", {}}}); !done) return rollback(conn, done.error());
      return outcomes;
    }
    auto applied = conn.pipeline(
        {{"SELECT intake_apply($1::jsonb, $2)", {apply.dump(), options_.case_prefix}}, {"COMMIT", {}}});
    if (!applied) return rollback(conn, applied.error());
    json results = json::parse((*applied)[0].get(0, 0), nullptr, false);
    if (!results.is_array() || results.size() != to_apply.size())
      return make_error(std::string(db_errc::failed), "intake_apply returned an unexpected shape");
    for (std::size_t k = 0; k < to_apply.size(); ++k) {
      const json& r = results[k];
      auto ack = acknowledgement_from_json(r["ack"]);
      if (!ack) return make_error(std::string(db_errc::failed), "intake_apply returned an unreadable acknowledgement");
      IngestOutcome& out = outcomes[to_apply[k]];
      out.ack = std::move(*ack);
      out.ack.duplicate = r.value("duplicate", false);
      out.case_opened = r.value("case_opened", false);
    }
    return outcomes;
  }

  static Error rollback(Connection& conn, Error error) {
    if (conn.ok()) (void)conn.exec("ROLLBACK");
    return error;
  }

  IngestOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  std::unordered_set<std::string> busy_senders_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
  std::atomic<int> connected_{0};
  std::atomic<bool> down_{false};
  std::atomic<std::uint64_t> batches_{0};
  std::atomic<std::uint64_t> errors_{0};
};

}  // namespace

std::unique_ptr<IngestStore> IngestStore::start(IngestOptions options) {
  return std::make_unique<PgIngestStore>(std::move(options));
}

}  // namespace intake::store
