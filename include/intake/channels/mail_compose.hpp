#pragma once
// Writing our e-mail replies as RFC 5322 messages (with GMime): UTF-8 text, subject and
// names encoded as RFC 2047 where needed, threaded under the customer's message, and
// marked as automatic so that well-behaved auto-responders do not answer them.
#include <optional>
#include <string>
#include <vector>

#include "intake/time.hpp"

namespace intake::channels {

struct ReplyMail {
  std::string from_address;          // also our X-Loop marker
  std::string from_name;             // e.g. the company's service desk; may be empty
  std::string to_address;
  std::string to_name;
  std::string subject;               // final, e.g. from reply_subject()
  std::string message_id;            // without angle brackets
  std::optional<std::string> in_reply_to;
  std::vector<std::string> references;  // oldest first
  std::string text;                  // UTF-8
  Timestamp date{};
  bool automatic = true;             // Auto-Submitted: auto-replied (a bot's reply, not a person's)
};

// The whole message, CRLF line ends, ready for SMTP DATA.
std::string compose_mail(const ReplyMail& mail);

}  // namespace intake::channels
