#pragma once
// Sends what the store queued in the outbox, each row through its channel's sender
// (gateway/channel_senders.hpp): e-mail by the SMTP relay; Telegram, WeCom and SMS by
// the providers' APIs. Rows of a channel without a sender stay pending.
//
// Each message is sent at most once, also with several gateway instances: a worker claims
// a batch with FOR UPDATE SKIP LOCKED and commits the claim (status 'sending') before it
// talks to the provider, then settles each row: 'sent'; 'pending' again after a
// temporary failure, with the next attempt retry_base_seconds × 2^(attempts-1) later (at
// most an hour; later still when the provider asked for that); 'failed' after a
// permanent refusal or max_attempts. A claim older than ten minutes belongs to a worker
// that died mid-send: the provider may have the message, so it is marked failed
// ("interrupted") rather than sent again.
//
// The worker wakes when told that something was queued (wake()) and every poll_seconds
// for retries and other instances' work. With no sender at all it is not started.
#include <memory>
#include <string>

#include "gateway/channel_senders.hpp"
#include "gateway/config.hpp"
#include "gateway/metrics.hpp"

namespace intake::gateway {

class OutboxWorker {
 public:
  struct Options {
    std::string conninfo;
    Config::Outbox outbox;  // the retry policy
    ChannelSenders senders;
  };
  static std::unique_ptr<OutboxWorker> start(Options options, Metrics& metrics);
  virtual ~OutboxWorker() = default;

  virtual void wake() = 0;
  // Finishes the reply being sent, hands back the claimed ones not yet tried, then returns.
  virtual void stop() = 0;
};

}  // namespace intake::gateway
