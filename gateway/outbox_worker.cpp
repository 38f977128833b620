#include "gateway/outbox_worker.hpp"

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>

#include "gateway/background_loop.hpp"
#include "gateway/clock.hpp"
#include "gateway/log.hpp"
#include "gateway/smtp_client.hpp"
#include "intake/channels/mail_inbound.hpp"
#include "intake/channels/mail_compose.hpp"
#include "intake/store/pg.hpp"

namespace intake::gateway {
namespace {

using nlohmann::json;

constexpr int kBatch = 16;
constexpr int kMaxBackoffSeconds = 3600;

// Claims due replies; the claim commits before anything is sent.
constexpr std::string_view kClaim = R"SQL(
UPDATE outbox o SET status = 'sending', attempts = o.attempts + 1, claimed_at = now()
 WHERE o.id IN (SELECT id FROM outbox
                 WHERE status = 'pending' AND channel = 'email' AND next_attempt_at <= now()
                 ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
RETURNING o.id, o.recipient::text, o.payload::text, o.attempts,
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
    metrics.add_counter("intake_outbox_sent_total", "E-mail replies the relay accepted.",
                        [this] { return static_cast<double>(sent_.load()); });
    metrics.add_counter("intake_outbox_failed_total", "E-mail replies given up on (refused, or out of attempts).",
                        [this] { return static_cast<double>(failed_.load()); });
    metrics.add_counter("intake_outbox_retries_total", "E-mail sends that failed for now and were rescheduled.",
                        [this] { return static_cast<double>(retries_.load()); });
    loop_.emplace("outbox", options_.conninfo, std::chrono::seconds(options_.mail.smtp.poll_seconds),
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
    auto claimed = conn.exec(kClaim, {std::to_string(kBatch)});
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
      const json recipient = json::parse(claimed->get(i, 1), nullptr, false);
      const json payload = json::parse(claimed->get(i, 2), nullptr, false);
      const int attempts = std::stoi(std::string(claimed->get(i, 3)));
      const std::optional<std::string> case_number =
          claimed->is_null(i, 4) ? std::nullopt : std::optional<std::string>(claimed->get(i, 4));
      if (!settle(conn, id, attempts, case_number, send(recipient, payload, case_number))) return -1;
    }
    return claimed->rows();
  }

  SmtpOutcome send(const json& recipient, const json& payload, const std::optional<std::string>& case_number) {
    if (!recipient.is_object() || !payload.is_object() || !recipient.value("email", std::string()).size() ||
        !payload.contains("text")) {
      SmtpOutcome bad;
      bad.permanent = true;
      bad.error = "the outbox row has no recipient address or no text";
      return bad;
    }
    channels::ReplyMail mail;
    mail.from_address = payload.value("from", options_.mail.address);
    mail.from_name = options_.mail.display_name;
    mail.to_address = recipient.value("email", "");
    mail.to_name = recipient.value("name", "");
    mail.subject = channels::reply_subject(payload.value("subject", ""), case_number);
    mail.message_id = payload.value("message_id", "");
    if (payload.contains("in_reply_to") && payload["in_reply_to"].is_string())
      mail.in_reply_to = payload["in_reply_to"].get<std::string>();
    if (payload.contains("references") && payload["references"].is_array())
      for (const json& r : payload["references"])
        if (r.is_string()) mail.references.push_back(r.get<std::string>());
    mail.text = payload.value("text", "");
    mail.automatic = payload.value("automatic", true);  // staff messages are a person's, not auto-replies
    mail.date = now();
    return smtp_send(options_.mail.smtp, mail.from_address, mail.to_address, channels::compose_mail(mail));
  }

  bool settle(store::Connection& conn, const std::string& id, int attempts, const std::optional<std::string>& case_number,
              const SmtpOutcome& outcome) {
    json fields = {{"outbox_id", id}, {"attempt", attempts}};
    if (case_number) fields["case"] = *case_number;
    const bool give_up = !outcome.sent && (outcome.permanent || attempts >= options_.mail.smtp.max_attempts);
    Result<store::QueryResult> done = [&] {
      if (outcome.sent)
        return conn.exec("UPDATE outbox SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = $1", {id});
      if (give_up)
        return conn.exec("UPDATE outbox SET status = 'failed', last_error = $2 WHERE id = $1", {id, outcome.error});
      const long long backoff = std::min<long long>(
          kMaxBackoffSeconds, static_cast<long long>(options_.mail.smtp.retry_base_seconds) << std::min(attempts - 1, 20));
      return conn.exec("UPDATE outbox SET status = 'pending', last_error = $2, "
                       "next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1",
                       {id, outcome.error, std::to_string(backoff)});
    }();
    if (!done) {
      // The relay's answer is known but not recorded: the claim stays 'sending' and is
      // marked interrupted later, which errs on the side of never sending twice.
      log::error("outbox_settle_failed", {{"outbox_id", id}, {"error", done.error().message}});
      return false;
    }
    if (outcome.sent) {
      ++sent_;
      log::info("outbox_sent", fields);
    } else if (give_up) {
      ++failed_;
      fields["error"] = outcome.error;
      log::error("outbox_failed", fields);
    } else {
      ++retries_;
      fields["error"] = outcome.error;
      log::warn("outbox_retry", fields);
    }
    return true;
  }

  Options options_;
  std::atomic<std::uint64_t> sent_{0}, failed_{0}, retries_{0};
  std::optional<BackgroundLoop> loop_;  // last: its thread uses the members above
};

}  // namespace

std::unique_ptr<OutboxWorker> OutboxWorker::start(Options options, Metrics& metrics) {
  return std::make_unique<Worker>(std::move(options), metrics);
}

}  // namespace intake::gateway
