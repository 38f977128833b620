#pragma once
// Fires the SLA timers: warnings before a clock runs out, breaches when it has, and the
// notifications of every escalation (gateway/store/migrations/0008_sla_timers.sql).
//
// The jobs live in PostgreSQL (sla_jobs) and are claimed with FOR UPDATE SKIP LOCKED in
// the transaction that acts on them, so several gateway instances never fire one twice
// and a restart loses none. The worker looks for due jobs every
// escalation.poll_seconds; a notification it queues wakes the outbox.
#include <functional>
#include <memory>
#include <string>

#include "gateway/config.hpp"
#include "gateway/metrics.hpp"

namespace intake::gateway {

class SlaTimerWorker {
 public:
  struct Options {
    std::string conninfo;
    Config::Escalation escalation;
    Config::Mail mail;
    std::string instance;  // recorded as fired_by
  };
  static std::unique_ptr<SlaTimerWorker> start(Options options, Metrics& metrics, std::function<void()> outbox_queued);
  virtual ~SlaTimerWorker() = default;
  virtual void stop() = 0;
};

}  // namespace intake::gateway
