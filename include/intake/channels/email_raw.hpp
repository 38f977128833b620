#pragma once
// E-mail as an MTA delivers it: POST /webhooks/email/raw with the RFC 5322 message as the
// body (Content-Type: message/rfc822), signed like the generic chat webhook
// (X-Intake-Signature: sha256=<hex HMAC-SHA256 of the body>, INTAKE_EMAIL_RAW_SECRET).
// scripts/mail-pipe does this for Postfix's pipe transport; it may add the envelope
// sender as X-Intake-Envelope-From, used when the message has no usable From.
//
// Every message that passes the signature is accepted: one the parser cannot make sense
// of is filed for a person (Inbound::needs_person) rather than refused. The answer is
// JSON: the generic acknowledgement, with the reply's envelope (to, subject, message_id,
// in_reply_to) when an automatic reply goes out through the outbox, or "reply": null and
// "suppressed_reason" when loop protection held it back.
#include <optional>
#include <string>

#include "intake/channels/adapter.hpp"
#include "intake/channels/mail_inbound.hpp"

namespace intake::channels {

class EmailRaw final : public Adapter {
 public:
  struct Options {
    std::optional<std::string> secret;
    bool allow_unsigned = false;
    MailAnswerOptions answer;
  };
  explicit EmailRaw(Options options) : options_(std::move(options)) {}

  std::string_view route() const override { return "email/raw"; }
  Result<Inbound> accept(const HttpRequestView& request, Timestamp received_at) const override;
  RenderedReply render(const Inbound& message, const Acknowledgement& ack) const override;

 private:
  Options options_;
};

}  // namespace intake::channels
