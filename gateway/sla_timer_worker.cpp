#include "gateway/sla_timer_worker.hpp"

#include <atomic>
#include <nlohmann/json.hpp>
#include <optional>

#include "gateway/background_loop.hpp"
#include "gateway/log.hpp"

namespace intake::gateway {
namespace {

using nlohmann::json;

constexpr int kBatch = 64;

class Worker final : public SlaTimerWorker {
 public:
  Worker(Options options, Metrics& metrics, std::function<void()> outbox_queued)
      : options_(std::move(options)), outbox_queued_(std::move(outbox_queued)) {
    for (const auto& [level, email] : options_.escalation.notify_email) notify_[level] = {{"email", email}};
    mail_ = {{"from", options_.mail.address}, {"domain", options_.mail.domain()}};
    metrics.add_counter("intake_sla_jobs_fired_total", "SLA warnings, breaches and escalation notices fired.",
                        [this] { return static_cast<double>(fired_.load()); });
    loop_.emplace("sla_timers", options_.conninfo, std::chrono::seconds(options_.escalation.poll_seconds),
                  [this](store::Connection& conn) { return fire_due(conn); });
  }
  ~Worker() override { stop(); }
  void stop() override { loop_->stop(); }

 private:
  int fire_due(store::Connection& conn) {
    auto fired = conn.exec("SELECT intake_fire_sla_jobs($1, $2, $3::jsonb, $4::jsonb)::text",
                           {std::to_string(kBatch), options_.instance, notify_.dump(), mail_.dump()});
    if (!fired) {
      log::warn("sla_timers_database", {{"error", fired.error().message}});
      return -1;
    }
    const json jobs = json::parse(fired->get(0, 0), nullptr, false);
    if (!jobs.is_array() || jobs.empty()) return 0;
    bool notified = false;
    for (const json& job : jobs) {
      log::info("sla_job_fired", job);
      notified = notified || job.value("kind", "") != "breach";
    }
    fired_ += jobs.size();
    if (notified && outbox_queued_) outbox_queued_();
    return static_cast<int>(jobs.size());
  }

  Options options_;
  std::function<void()> outbox_queued_;
  json notify_ = json::object();
  json mail_;
  std::atomic<std::uint64_t> fired_{0};
  std::optional<BackgroundLoop> loop_;  // last: its thread uses the members above
};

}  // namespace

std::unique_ptr<SlaTimerWorker> SlaTimerWorker::start(Options options, Metrics& metrics,
                                                      std::function<void()> outbox_queued) {
  return std::make_unique<Worker>(std::move(options), metrics, std::move(outbox_queued));
}

}  // namespace intake::gateway
