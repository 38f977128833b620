#include "gateway/outbox_worker.hpp"

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>

#include "gateway/background_loop.hpp"
#include "gateway/clock.hpp"
#include "gateway/log.hpp"
#include "intake/store/pg.hpp"

namespace intake::gateway {
namespace {

using nlohmann::json;

constexpr int kBatch = 16;
constexpr int kMaxBackoffSeconds = 3600;

// Claims due rows of the channels this instance has senders for; the claim commits before
// anything is sent.
constexpr std::string_view kClaim = R"SQL(
UPDATE outbox o SET status = 'sending', attempts = o.attempts + 1, claimed_at = now()
 WHERE o.id IN (SELECT id FROM outbox
                 WHERE status = 'pending' AND next_attempt_at <= now()
                   AND channel || '/' || provider LIKE ANY ($2::text[])
                 ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
RETURNING o.id, o.channel, o.provider, o.recipient::text, o.payload::text, o.attempts,
          (SELECT c.number FROM messages m JOIN cases c ON c.id = m.case_id WHERE m.id = o.message_id)
)SQL";

constexpr std::string_view kInterrupted = R"SQL(
UPDATE outbox SET status = 'failed',
       last_error = 'interrupted while sending; not retried, since the relay may have it'
 WHERE status = 'sending' AND claimed_at < now() - interval '10 minutes'
RETURNING id
)SQL";

class Worker final : public OutboxWorker {
 public:
  Worker(Options options, Metrics& metrics) : options_(std::move(options)) {
    metrics.add_counter("intake_outbox_sent_total", "Outbox messages the relay or provider accepted.",
                        [this] { return static_cast<double>(sent_.load()); });
    metrics.add_counter("intake_outbox_failed_total", "Outbox messages given up on (refused, or out of attempts).",
                        [this] { return static_cast<double>(failed_.load()); });
    metrics.add_counter("intake_outbox_retries_total", "Outbox sends that failed for now and were rescheduled.",
                        [this] { return static_cast<double>(retries_.load()); });
    claim_patterns_ = pg_text_array(options_.senders.claim_patterns());
    loop_.emplace("outbox", options_.conninfo, std::chrono::seconds(options_.outbox.poll_seconds),
                  [this](store::Connection& conn) { return work_once(conn); });
  }
  ~Worker() override { stop(); }

  void wake() override { loop_->wake(); }
  void stop() override { loop_->stop(); }

 private:
  bool stopping() { return loop_->stopping(); }

  // The number of replies handled, or -1 when the database failed.
  int work_once(store::Connection& conn) {
    auto interrupted = conn.exec(kInterrupted);
    if (!interrupted) {
      log::warn("outbox_database", {{"error", interrupted.error().message}});
      return -1;
    }
    for (int i = 0; i < interrupted->rows(); ++i) {
      ++failed_;
      log::error("outbox_interrupted", {{"outbox_id", std::string(interrupted->get(i, 0))},
                                        {"message", "a send was interrupted; marked failed, not sent again"}});
    }
    auto claimed = conn.exec(kClaim, {std::to_string(kBatch), claim_patterns_});
    if (!claimed) {
      log::warn("outbox_database", {{"error", claimed.error().message}});
      return -1;
    }
    for (int i = 0; i < claimed->rows(); ++i) {
      const std::string id(claimed->get(i, 0));
      if (stopping()) {
        // Not attempted yet: hand it back untouched, for the next start or another instance.
        if (!conn.exec("UPDATE outbox SET status = 'pending', attempts = attempts - 1, claimed_at = NULL "
                       "WHERE id = $1 AND status = 'sending'", {id}))
          return -1;
        continue;
      }
      const std::string channel(claimed->get(i, 1)), provider(claimed->get(i, 2));
      OutboxItem item{id, channel + "/" + provider, json::parse(claimed->get(i, 3), nullptr, false),
                      json::parse(claimed->get(i, 4), nullptr, false),
                      claimed->is_null(i, 6) ? std::nullopt : std::optional<std::string>(claimed->get(i, 6))};
      const int attempts = std::stoi(std::string(claimed->get(i, 5)));
      ChannelSender* sender = options_.senders.find(channel, provider);
      Delivery delivery;
      if (sender == nullptr) {  // the claim matched a pattern; a sender always exists for it
        delivery.error = "no sender for " + channel + "/" + provider;
      } else {
        delivery = sender->send(item);
      }
      const bool counted = item.payload.is_object() && item.payload.contains("parts_sent") &&
                           item.payload["parts_sent"].is_number_integer();
      const int parts_before = counted ? item.payload["parts_sent"].get<int>() : 0;
      if (!settle(conn, id, item.route, attempts, item.case_number, delivery, parts_before)) return -1;
    }
    return claimed->rows();
  }

  bool settle(store::Connection& conn, const std::string& id, const std::string& route, int attempts,
              const std::optional<std::string>& case_number, const Delivery& delivery, int parts_before) {
    json fields = {{"outbox_id", id}, {"channel", route}, {"attempt", attempts}};
    if (case_number) fields["case"] = *case_number;
    const bool give_up = !delivery.sent && (delivery.permanent || attempts >= options_.outbox.max_attempts);
    Result<store::QueryResult> done = [&] {
      if (delivery.sent)
        return conn.exec("UPDATE outbox SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = $1", {id});
      // Parts that went out are recorded, so that no later attempt sends them again.
      const std::optional<std::string> progress =
          delivery.parts_sent > parts_before ? std::optional<std::string>(std::to_string(delivery.parts_sent)) : std::nullopt;
      if (give_up)
        return conn.exec("UPDATE outbox SET status = 'failed', last_error = $2, "
                         "payload = CASE WHEN $3::jsonb IS NULL THEN payload ELSE jsonb_set(payload, '{parts_sent}', $3::jsonb) END "
                         "WHERE id = $1",
                         {id, delivery.error, progress});
      long long backoff = std::min<long long>(
          kMaxBackoffSeconds, static_cast<long long>(options_.outbox.retry_base_seconds) << std::min(attempts - 1, 20));
      if (delivery.retry_after) backoff = std::max<long long>(backoff, delivery.retry_after->count());
      return conn.exec("UPDATE outbox SET status = 'pending', last_error = $2, "
                       "next_attempt_at = now() + make_interval(secs => $3), "
                       "payload = CASE WHEN $4::jsonb IS NULL THEN payload ELSE jsonb_set(payload, '{parts_sent}', $4::jsonb) END "
                       "WHERE id = $1",
                       {id, delivery.error, std::to_string(backoff), progress});
    }();
    if (!done) {
      // The relay's answer is known but not recorded: the claim stays 'sending' and is
      // marked interrupted later, which errs on the side of never sending twice.
      log::error("outbox_settle_failed", {{"outbox_id", id}, {"error", done.error().message}});
      return false;
    }
    if (delivery.sent) {
      ++sent_;
      log::info("outbox_sent", fields);
    } else if (give_up) {
      ++failed_;
      fields["error"] = delivery.error;
      log::error("outbox_failed", fields);
    } else {
      ++retries_;
      fields["error"] = delivery.error;
      log::warn("outbox_retry", fields);
    }
    return true;
  }

  // A PostgreSQL text[] literal of the claim patterns: {"chat/telegram","email/%"}.
  static std::string pg_text_array(const std::vector<std::string>& items) {
    std::string literal = "{";
    for (const std::string& item : items) literal += (literal.size() > 1 ? ",\"" : "\"") + item + "\"";
    return literal + "}";
  }

  Options options_;
  std::string claim_patterns_;
  std::atomic<std::uint64_t> sent_{0}, failed_{0}, retries_{0};
  std::optional<BackgroundLoop> loop_;  // last: its thread uses the members above
};

}  // namespace

std::unique_ptr<OutboxWorker> OutboxWorker::start(Options options, Metrics& metrics) {
  return std::make_unique<Worker>(std::move(options), metrics);
}

}  // namespace intake::gateway
