#pragma once
// The generic chat webhook, the reference channel (DESIGN.md, "The generic chat webhook").
//
// POST /webhooks/chat/generic with a JSON body
//   {"message_id", "sender": {"id", "name"?, "phone"?, "email"?}, "text", "sent_at"?}
// signed with `X-Intake-Signature: sha256=<hex HMAC-SHA256 of the raw body>`.
// Unknown fields are ignored; every known field is checked for type and value.
#include <optional>
#include <string>

#include "intake/channels/adapter.hpp"

namespace intake::channels {

class GenericChat final : public Adapter {
 public:
  struct Options {
    // The HMAC key; when absent, requests are accepted unsigned only if allow_unsigned.
    std::optional<std::string> secret;
    bool allow_unsigned = false;
    UtcOffset display_offset = kChinaStandardTime;  // how due times are written
  };

  explicit GenericChat(Options options) : options_(std::move(options)) {}

  std::string_view route() const override { return "chat/generic"; }
  Result<Inbound> accept(const HttpRequestView& request, Timestamp received_at) const override;
  RenderedReply render(const Inbound& message, const Acknowledgement& ack) const override;

 private:
  Options options_;
};

}  // namespace intake::channels
