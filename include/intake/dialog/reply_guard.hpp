#pragma once
// Loop protection, in one place: whether an automatic reply may go to a message.
//
// Answering an auto-responder, a mailing list or ourselves starts a mail loop that can
// flood a customer (and get the company's domain blacklisted). The message is still filed
// and handled; only the automatic reply is held back, with the reason recorded.
#include <optional>
#include <string>
#include <string_view>

#include "intake/inbound.hpp"

namespace intake::dialog {

struct ReplyGuardPolicy {
  std::string own_address;   // our sending address; also our X-Loop marker
  std::string own_domain;    // the domain of the Message-IDs we write
  int replies_per_hour = 3;  // automatic replies to one conversation per hour
};

// Why no automatic reply may go to `message`, or nullopt when one may. In order:
//   "auto_submitted"    Auto-Submitted other than "no" (RFC 3834), or X-Autoreply
//   "mailing_list"      a List-Id header, or Precedence: list
//   "bulk_precedence"   Precedence: bulk or junk
//   "system_sender"     mailer-daemon, postmaster, no-reply/noreply senders
//   "own_loop_marker"   our own X-Loop marker
//   "own_address"       sent from our own address
//   "own_message"       a Message-ID of ours (our reply came back to us; intake/mail_ids.hpp)
//   "no_address"        nobody to answer: the sender gave no address (an unreadable message)
//   "rate_limited"      `recent_replies` (in the last hour) already reached the limit
std::optional<std::string> reply_suppression(const Inbound& message, int recent_replies, const ReplyGuardPolicy& policy);

}  // namespace intake::dialog
