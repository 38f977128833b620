#include "intake/channels/email_raw.hpp"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "intake/ascii.hpp"
#include "intake/channels/json_body.hpp"
#include "intake/channels/mail_message.hpp"
#include "intake/channels/signature.hpp"
#include "intake/mail_ids.hpp"

namespace intake::channels {
namespace {

using nlohmann::json;

bool is_rfc822_media_type(std::string_view content_type) {
  const std::string t = ascii_lower(content_type.substr(0, content_type.find(';')));
  return t == "message/rfc822" || t == "message/global";
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    out += kDigits[digest[i] >> 4];
    out += kDigits[digest[i] & 15];
  }
  return out;
}

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

std::string reply_subject(std::string_view original_subject, const std::optional<std::string>& case_number) {
  std::string subject = "Re: " + std::string(strip_reply_prefixes(original_subject));
  if (subject == "Re: ") subject = "Re:";
  if (case_number && subject.find(*case_number) == std::string::npos) subject += " [" + *case_number + "]";
  return subject;
}

Result<Inbound> EmailRaw::accept(const HttpRequestView& request, Timestamp received_at) const {
  if (Status s = check_intake_signature(options_.secret, options_.allow_unsigned, "INTAKE_EMAIL_RAW_SECRET", request); !s)
    return s.error();
  const auto content_type = request.header("Content-Type");
  if (!content_type || !is_rfc822_media_type(*content_type))
    return make_error(std::string(errc::unsupported_media_type),
                      "the body must be an RFC 5322 message sent as Content-Type: message/rfc822");
  if (request.body.empty()) return field_error("the body is empty; it must be an RFC 5322 message");

  const MailMessage mail = read_mail(request.body);
  Inbound in;
  in.channel = "email";
  in.provider = "raw";
  in.received_at = received_at;
  in.raw = std::string(request.body);
  // A message without Message-ID is identified by its bytes: the MTA's retry is the same.
  in.external_id = mail.message_id.empty() ? "sha256:" + sha256_hex(request.body) : mail.message_id;
  in.reply_reference = mail.message_id;

  const MailAddress* from = mail.from && looks_like_address(mail.from->address) ? &*mail.from : nullptr;
  if (from) {
    in.sender.id = ascii_lower(from->address);
    in.sender.name = from->name;
    in.sender.email = from->address;
  } else if (auto envelope = request.header("X-Intake-Envelope-From"); envelope && looks_like_address(*envelope)) {
    in.sender.id = ascii_lower(*envelope);
    in.sender.email = std::string(*envelope);
  } else {
    in.sender.id = "unknown-sender";
  }
  if (mail.reply_to && looks_like_address(mail.reply_to->address)) in.sender.email = mail.reply_to->address;

  in.subject = mail.subject;
  in.text = mail.subject.empty() ? mail.body : mail.body.empty() ? mail.subject : mail.subject + "\n\n" + mail.body;
  in.sent_at = mail.date;
  for (auto it = mail.in_reply_to.begin(); it != mail.in_reply_to.end(); ++it) in.thread_references.push_back(*it);
  for (auto it = mail.references.rbegin(); it != mail.references.rend(); ++it)
    if (std::find(in.thread_references.begin(), in.thread_references.end(), *it) == in.thread_references.end())
      in.thread_references.push_back(*it);
  in.headers = mail.headers;
  for (const MailAttachment& a : mail.attachments) in.attachments.push_back({a.filename, a.media_type, a.size});
  in.problems = mail.problems;

  const bool unreadable = std::any_of(mail.problems.begin(), mail.problems.end(), [](const std::string& p) {
    return p.starts_with("not a MIME message") || p.find("replaced") != std::string::npos;
  });
  if (unreadable) in.needs_person = "unreadable_message";
  else if (is_blank(in.text)) in.needs_person = mail.attachments.empty() ? "empty_message" : "attachments_only";
  // Nothing readable: the text says why, the bytes stay in raw for the person.
  if (is_blank(in.text)) in.text = "(" + in.needs_person.value_or("empty_message") + ")";
  return in;
}

RenderedReply EmailRaw::render(const Inbound& message, const Acknowledgement& ack) const {
  json out = to_json(ack, options_.display_offset);
  if (ack.reply_text && message.sender.email) {
    const std::optional<std::string> number = ack.case_view ? std::optional(ack.case_view->number) : std::nullopt;
    out["reply"]["to"] = *message.sender.email;
    out["reply"]["from"] = options_.own_address;
    out["reply"]["subject"] = reply_subject(message.subject, number);
    out["reply"]["message_id"] = reply_message_id(message, options_.own_domain);
    out["reply"]["in_reply_to"] = message.reply_reference.empty() ? json(nullptr) : json(message.reply_reference);
    out["reply"]["delivery"] = "outbox";
  }
  return RenderedReply{"application/json", out.dump()};
}

}  // namespace intake::channels
