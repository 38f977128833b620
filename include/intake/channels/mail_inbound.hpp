#pragma once
// What the e-mail adapters (email/raw, email/mailgun) share once a mail is read: the
// Inbound it becomes, and the JSON answer with the reply's envelope.
#include <optional>
#include <string>
#include <string_view>

#include "intake/acknowledgement.hpp"
#include "intake/channels/adapter.hpp"
#include "intake/channels/mail_message.hpp"

namespace intake::channels {

// The mail as a customer message of channel "email" and the given provider:
//   external_id  the Message-ID, else `fallback_id` (the adapter's stable id for the delivery)
//   sender       From (lower-cased as the id), else `envelope_sender`, else "unknown-sender";
//                replies go to Reply-To when there is one
//   text         the subject, a blank line, then the body (quoted history included)
//   thread_references  In-Reply-To, then References newest first
//   needs_person "unreadable_message", "empty_message" or "attachments_only" when the bot
//                cannot read it; the text then says so and the raw bytes stay for a person
Inbound mail_to_inbound(const MailMessage& mail, std::string provider, std::string fallback_id,
                        std::optional<std::string_view> envelope_sender, std::string raw, Timestamp received_at);

struct MailAnswerOptions {
  std::string own_address;  // From of our replies
  std::string own_domain;   // domain of our Message-IDs
  UtcOffset display_offset = kChinaStandardTime;
};

// The generic acknowledgement, with "reply" extended by the envelope of the reply the
// outbox sends (to, from, subject, message_id, in_reply_to, "delivery": "outbox"), or
// "reply": null and "suppressed_reason" when loop protection held it back.
RenderedReply render_mail_answer(const Inbound& message, const Acknowledgement& ack, const MailAnswerOptions& options);

// The subject of our reply: "Re: <subject> [<case number>]", without piling up "Re:"
// prefixes (Re, RE, 回复, 回覆, 答复, AW, SV) or repeating a case number the subject already has.
std::string reply_subject(std::string_view original_subject, const std::optional<std::string>& case_number);

}  // namespace intake::channels
