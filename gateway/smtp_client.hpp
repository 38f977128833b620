#pragma once
// Sending one message through the configured SMTP relay (libcurl).
#include <string>

#include "gateway/config.hpp"

namespace intake::gateway {

struct SmtpOutcome {
  bool sent = false;
  bool permanent = false;  // the relay refused for good (5xx other than authentication): do not retry
  long reply_code = 0;     // the relay's last SMTP reply code, 0 when none came
  std::string error;       // for the outbox's last_error and the log
};

// Sends `message` (RFC 5322, CRLF) from `from` to `to` (bare addresses) over
// settings.url, with STARTTLS as settings.starttls says (smtps:// is TLS from the start),
// the relay's certificate verified (against settings.ca_file when set), and AUTH when a
// username is configured. Blocks for at most settings.timeout_seconds.
SmtpOutcome smtp_send(const Config::Smtp& settings, const std::string& from, const std::string& to,
                      const std::string& message);

}  // namespace intake::gateway
