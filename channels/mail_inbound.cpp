#include "intake/channels/mail_inbound.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "intake/ascii.hpp"
#include "intake/channels/signature.hpp"
#include "intake/mail_ids.hpp"

namespace intake::channels {
namespace {

using nlohmann::json;

bool looks_like_address(std::string_view a) {
  const auto at = a.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < a.size() && a.find_first_of(" \t<>") == std::string_view::npos;
}

// "Re:", "RE :", "回复：", "Fwd:" … at the start of a subject, any number of times.
std::string_view strip_reply_prefixes(std::string_view s) {
  static constexpr std::string_view kPrefixes[] = {"re", "aw", "sv", "fw", "fwd", "回复", "回覆", "答复", "转发"};
  for (bool again = true; again;) {
    again = false;
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    for (std::string_view p : kPrefixes) {
      if (s.size() < p.size() || ascii_lower(s.substr(0, p.size())) != p) continue;
      std::string_view rest = s.substr(p.size());
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      if (rest.starts_with(":")) rest.remove_prefix(1);
      else if (rest.starts_with("\xEF\xBC\x9A")) rest.remove_prefix(3);  // full-width colon
      else continue;
      s = rest;
      again = true;
      break;
    }
  }
  return s;
}

}  // namespace

Inbound mail_to_inbound(const MailMessage& mail, std::string provider, std::string fallback_id,
                        std::optional<std::string_view> envelope_sender, std::string raw, Timestamp received_at) {
  Inbound in;
  in.channel = "email";
  in.provider = std::move(provider);
  in.received_at = received_at;
  in.raw = std::move(raw);
  in.external_id = mail.message_id.empty() ? std::move(fallback_id) : mail.message_id;
  in.reply_reference = mail.message_id;

  if (mail.from && looks_like_address(mail.from->address)) {
    in.sender.id = ascii_lower(mail.from->address);
    in.sender.name = mail.from->name;
    in.sender.email = mail.from->address;
  } else if (envelope_sender && looks_like_address(*envelope_sender)) {
    in.sender.id = ascii_lower(*envelope_sender);
    in.sender.email = std::string(*envelope_sender);
  } else {
    in.sender.id = "unknown-sender";
  }
  if (mail.reply_to && looks_like_address(mail.reply_to->address)) in.sender.email = mail.reply_to->address;

  in.subject = mail.subject;
  in.text = mail.subject.empty() ? mail.body : mail.body.empty() ? mail.subject : mail.subject + "\n\n" + mail.body;
  in.sent_at = mail.date;
  in.thread_references = mail.in_reply_to;
  for (auto it = mail.references.rbegin(); it != mail.references.rend(); ++it)
    if (std::find(in.thread_references.begin(), in.thread_references.end(), *it) == in.thread_references.end())
      in.thread_references.push_back(*it);
  in.headers = mail.headers;
  for (const MailAttachment& a : mail.attachments) in.attachments.push_back({a.filename, a.media_type, a.size});
  in.problems = mail.problems;

  if (mail.unreadable) in.needs_person = "unreadable_message";
  else if (is_blank(in.text)) in.needs_person = mail.attachments.empty() ? "empty_message" : "attachments_only";
  // Nothing readable: the text says why, the bytes stay in raw for the person.
  if (is_blank(in.text)) in.text = "(" + in.needs_person.value_or("empty_message") + ")";
  return in;
}

RenderedReply render_mail_answer(const Inbound& message, const Acknowledgement& ack, const MailAnswerOptions& options) {
  json out = to_json(ack, options.display_offset);
  if (ack.reply_text && message.sender.email) {
    const std::optional<std::string> number = ack.case_view ? std::optional(ack.case_view->number) : std::nullopt;
    out["reply"]["to"] = *message.sender.email;
    out["reply"]["from"] = options.own_address;
    out["reply"]["subject"] = reply_subject(message.subject, number);
    out["reply"]["message_id"] = reply_message_id(message, options.own_domain);
    out["reply"]["in_reply_to"] = message.reply_reference.empty() ? json(nullptr) : json(message.reply_reference);
    out["reply"]["delivery"] = "outbox";
  }
  return RenderedReply{"application/json", out.dump()};
}

std::string reply_subject(std::string_view original_subject, const std::optional<std::string>& case_number) {
  std::string subject = "Re: " + std::string(strip_reply_prefixes(original_subject));
  if (subject == "Re: ") subject = "Re:";
  if (case_number && subject.find(*case_number) == std::string::npos) subject += " [" + *case_number + "]";
  return subject;
}

}  // namespace intake::channels
