#pragma once
// The gateway's request handling: routing, health and metrics endpoints, and the webhook
// path (adapter → dialog → store → adapter). Independent of sockets and TLS, so that it
// can be driven by the server or by tests alike.
#include <atomic>
#include <functional>
#include <boost/asio/awaitable.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "gateway/config.hpp"
#include "gateway/database_jobs.hpp"
#include "gateway/http_types.hpp"
#include "gateway/metrics.hpp"
#include "gateway/staff_api.hpp"
#include "intake/channels/adapter.hpp"
#include "intake/dialog/engine.hpp"
#include "intake/dialog/reply_guard.hpp"
#include "intake/store/ingest_store.hpp"

namespace intake::gateway {

class App {
 public:
  App(const Config& config, std::shared_ptr<const dialog::Engine> engine, store::IngestStore& store, Metrics& metrics);

  boost::asio::awaitable<Response> handle(Request& request, RequestLog& log);

  // Classifies, decides and records one message, for every channel alike. The outcome
  // comes after the transaction that recorded it has committed. Errors:
  // channels::errc::invalid_field (a NUL character), store::db_errc::unavailable (retry
  // later), anything else from the store (logged here).
  boost::asio::awaitable<Result<store::IngestOutcome>> file(Inbound message, RequestLog& log);

  // Called after a message whose reply went into the outbox has been committed (to wake
  // the outbox worker). Set before the server starts.
  void on_outbox_queued(std::function<void()> notify) { outbox_queued_ = std::move(notify); }

  // A warning when the business calendar does not cover the coming kCalendarLookaheadDays
  // (due times there are counted without holidays): reported by /readyz and logged hourly.
  static constexpr int kCalendarLookaheadDays = 30;
  std::optional<std::string> calendar_warning(Timestamp at) const;

  // Serves the staff API (/api/v1/) and records agents' notes (Inbound::agent_note) with
  // queries run on `workers`. Call before the server starts; without it /api/v1/ is 404
  // and a note is answered 503.
  void use_database_workers(std::vector<store::DatabaseWorker*> workers);
  // The staff API's authentication once use_database_workers() ran, else null.
  StaffAuth* staff_auth() { return staff_api_ ? &staff_api_->auth() : nullptr; }

  // Replace the rule pack (the version in force, `version_id` in rule_versions) or the SLA
  // policy and calendar, keeping the other part, for every request that starts after the
  // call; requests in flight finish with the engine they took. Thread-safe.
  void use_rules(std::shared_ptr<const dialog::RulePack> rules, std::int64_t version_id);
  void use_sla(std::shared_ptr<const dialog::SlaPolicy> sla);
  std::shared_ptr<const dialog::Engine> engine() const { return engine_.load(); }
  std::int64_t rule_version_id() const { return rule_version_id_.load(); }

 private:
  boost::asio::awaitable<Response> webhook(const channels::Adapter& adapter, Request& request, RequestLog& log);
  boost::asio::awaitable<Response> agent_note(const channels::Adapter& adapter, Inbound note, RequestLog& log);
  Response ready() const;
  store::IngestContext ingest_context(const dialog::Engine& engine, const Inbound& message,
                                     const Classification& classification) const;
  std::optional<dialog::ReplyGuardPolicy> reply_guard_for(const Inbound& message) const;

  const Config& config_;
  std::atomic<std::shared_ptr<const dialog::Engine>> engine_;
  std::mutex engine_change_;  // one replacement at a time, so neither loses the other's part
  std::atomic<std::int64_t> rule_version_id_{0};
  store::IngestStore& store_;
  Metrics& metrics_;
  std::map<std::string, std::unique_ptr<channels::Adapter>, std::less<>> adapters_;
  std::function<void()> outbox_queued_;
  std::unique_ptr<DatabaseJobs> database_;
  std::unique_ptr<StaffApi> staff_api_;
};

}  // namespace intake::gateway
