#pragma once
// Mailgun's inbound routes: POST /webhooks/email/mailgun, the parsed message as
// multipart/form-data (or form-urlencoded when there is no attachment), as a route's
// forward() action sends it; also the "…/mime" variant, whose body-mime field carries
// the whole RFC 5322 message.
//
// Authenticity: signature = hex HMAC-SHA256(signing key, timestamp + token), the key
// from INTAKE_MAILGUN_SIGNING_KEY, and a timestamp at most five minutes from the time of
// receipt (a captured request replayed later is refused). Fields used: sender (the
// envelope sender), from, subject, body-plain (else body-html as text), message-headers
// (the headers as [name, value] pairs; else the top-level From, Subject, Message-Id,
// In-Reply-To, References and Date fields), attachment-N files (listed, not read).
#include <optional>
#include <string>

#include "intake/channels/adapter.hpp"
#include "intake/channels/mail_inbound.hpp"

namespace intake::channels {

// True when `signature` is Mailgun's signature of timestamp + token under `signing_key`.
bool mailgun_signature_valid(std::string_view signing_key, std::string_view timestamp, std::string_view token,
                             std::string_view signature);

class Mailgun final : public Adapter {
 public:
  struct Options {
    std::optional<std::string> signing_key;
    bool allow_unsigned = false;
    MailAnswerOptions answer;
    std::chrono::seconds replay_window{300};
  };
  explicit Mailgun(Options options) : options_(std::move(options)) {}

  std::string_view route() const override { return "email/mailgun"; }
  Result<Inbound> accept(const HttpRequestView& request, Timestamp received_at) const override;
  RenderedReply render(const Inbound& message, const Acknowledgement& ack) const override;

 private:
  Options options_;
};

}  // namespace intake::channels
