#pragma once
// An RFC 5322 message read with GMime into what the gateway needs of it: who sent it,
// what it says (as UTF-8 text, whatever the charsets), which messages it answers, what is
// attached, and the headers that tell an automatic message from a person's.
//
// Reading never fails: a message GMime cannot make sense of still yields its bytes as
// text (decoded as well as can be) and a note in `problems`, so that a person can read
// it. Pure: parses from memory, touches no file or network.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "intake/time.hpp"

namespace intake::channels {

struct MailAddress {
  std::string name;     // display name, decoded; may be empty
  std::string address;  // addr-spec as written ("wang@example.cn"); may be empty
};

struct MailAttachment {
  std::string filename;    // decoded; may be empty
  std::string media_type;  // "application/pdf"
  std::size_t size = 0;    // bytes after the transfer encoding is undone
};

struct MailMessage {
  std::string message_id;                // without angle brackets; empty when absent
  std::vector<std::string> in_reply_to;  // Message-IDs, without angle brackets
  std::vector<std::string> references;   // oldest first, as the header lists them
  std::string subject;                   // decoded (RFC 2047), unfolded
  std::optional<MailAddress> from;
  std::optional<MailAddress> reply_to;
  std::optional<Timestamp> date;
  std::string body;                      // the readable text, quoted history included
  std::string body_type;                 // "text/plain", "text/html" or "" (none found)
  std::vector<MailAttachment> attachments;
  // The headers loop protection reads, lower-case names, values unfolded and trimmed:
  // auto-submitted, precedence, list-id, list-unsubscribe, x-loop, x-autoreply,
  // x-auto-response-suppress, return-path. Repeated headers appear repeatedly.
  std::vector<std::pair<std::string, std::string>> headers;
  // What did not go as declared, for the log and the person reading the case:
  // "body charset gb2312 did not fit, read as UTF-8", "not a MIME message".
  std::vector<std::string> problems;
  // True when the text could not be read as sent (not MIME, or bytes no charset fits):
  // the message is for a person, whatever its words seem to say.
  bool unreadable = false;
};

MailMessage read_mail(std::string_view rfc5322);

// The headers of a message given as name/value pairs (as webhook providers such as
// Mailgun send them), read exactly as read_mail reads a header block. Line breaks inside
// values are unfolded, so a value cannot smuggle in a header of its own.
MailMessage read_mail_headers(const std::vector<std::pair<std::string, std::string>>& headers);

// The first value of a header `read_mail` kept (name in lower case), if any.
std::optional<std::string> header_value(const MailMessage& mail, std::string_view lower_name);

}  // namespace intake::channels
