#pragma once
// Sends the e-mail replies the store queued in the outbox, through the SMTP relay.
//
// Each reply is sent at most once, also with several gateway instances: a worker claims
// a batch with FOR UPDATE SKIP LOCKED and commits the claim (status 'sending') before it
// talks to the relay, then settles each reply: 'sent'; 'pending' again after a
// temporary failure, with the next attempt retry_base_seconds × 2^(attempts-1) later (at
// most an hour); 'failed' after a permanent refusal or max_attempts. A claim older than
// ten minutes belongs to a worker that died mid-send: the relay may have the message, so
// it is marked failed ("interrupted") rather than sent again.
//
// The worker wakes when told that something was queued (wake()) and every poll_seconds
// for retries and other instances' work. Without mail.smtp.url it does not start.
#include <memory>
#include <string>

#include "gateway/config.hpp"
#include "gateway/metrics.hpp"

namespace intake::gateway {

class OutboxWorker {
 public:
  struct Options {
    std::string conninfo;
    Config::Mail mail;
  };
  static std::unique_ptr<OutboxWorker> start(Options options, Metrics& metrics);
  virtual ~OutboxWorker() = default;

  virtual void wake() = 0;
  // Finishes the reply being sent, hands back the claimed ones not yet tried, then returns.
  virtual void stop() = 0;
};

}  // namespace intake::gateway
