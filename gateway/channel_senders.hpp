#pragma once
// The outbox's senders: one per channel that can carry a message from us after the
// webhook has been answered (e-mail by SMTP; Telegram, WeCom and SMS by the providers'
// send APIs; the generic chat and CTI platforms by their callback URL). The outbox worker claims only what a sender here exists for; messages of a
// channel without credentials wait, and go out once the operator supplies them.
//
// A message longer than the provider takes is sent in parts (channels::split_message).
// The outbox row records how many parts went out, so a retry after a failure part-way
// resends none of them.
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config.hpp"

namespace intake::gateway {

// One row of the outbox, as a sender needs it.
struct OutboxItem {
  std::string id;            // the outbox row's, the same on every attempt
  std::string route;         // "channel/provider"
  nlohmann::json recipient;  // {"email", "name"} for e-mail; {"id"} (the provider's id of the customer) otherwise
  nlohmann::json payload;    // {"text", …}; "parts_sent" once part of a long message went out
  std::optional<std::string> case_number;
};

struct Delivery {
  bool sent = false;
  bool permanent = false;  // refused for good: do not retry
  std::string error;       // for the outbox's last_error and the log
  std::optional<std::chrono::seconds> retry_after;  // the provider asked to wait at least this long
  int parts_sent = 0;      // of the message's parts, how many are out now (all of them when sent)
};

class ChannelSender {
 public:
  virtual ~ChannelSender() = default;
  virtual Delivery send(const OutboxItem& item) = 0;
};

class ChannelSenders {
 public:
  // Senders for every channel whose settings are complete; `waiting` says, for each one
  // left out, what is missing (for the start-up log).
  static ChannelSenders from_config(const Config& config);

  // The sender of outbox rows of this channel and provider, or null.
  ChannelSender* find(const std::string& channel, const std::string& provider) const;
  // SQL LIKE patterns of "channel/provider" for the rows some sender here takes.
  std::vector<std::string> claim_patterns() const;
  bool empty() const { return senders_.empty(); }

  std::vector<std::string> waiting;

 private:
  // Keyed by "channel/provider", or "channel/*" for every provider of a channel.
  std::map<std::string, std::shared_ptr<ChannelSender>> senders_;
};

}  // namespace intake::gateway
