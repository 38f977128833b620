#include "intake/channels/mailgun.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "intake/ascii.hpp"
#include "intake/channels/charset.hpp"
#include "intake/channels/form_urlencoded.hpp"
#include "intake/channels/html_text.hpp"
#include "intake/channels/json_body.hpp"
#include "intake/channels/multipart_form.hpp"
#include "intake/channels/signature.hpp"

namespace intake::channels {
namespace {

using nlohmann::json;

constexpr std::string_view kKeyEnv = "INTAKE_MAILGUN_SIGNING_KEY";

Error unauthorized(std::string message) { return make_error(std::string(errc::unauthorized), std::move(message)); }

// The form as parts, whichever encoding Mailgun chose.
Result<std::vector<FormPart>> read_form(const HttpRequestView& request) {
  const std::string content_type(request.header("Content-Type").value_or(""));
  const std::string media = ascii_lower(content_type.substr(0, content_type.find(';')));
  if (media == "multipart/form-data") return parse_multipart_form(content_type, request.body);
  if (media == "application/x-www-form-urlencoded") {
    auto fields = parse_form_urlencoded(request.body);
    if (!fields) return field_error("the form body has a malformed %-escape");
    std::vector<FormPart> parts;
    for (auto& [name, value] : *fields) parts.push_back({name, std::nullopt, "text/plain", "", std::move(value)});
    return parts;
  }
  return make_error(std::string(errc::unsupported_media_type),
                    "Mailgun posts multipart/form-data or application/x-www-form-urlencoded");
}

// "attachment-1", "attachment-2" … (not "attachment-count").
bool is_attachment_field(std::string_view name) {
  constexpr std::string_view kPrefix = "attachment-";
  if (!name.starts_with(kPrefix) || name.size() == kPrefix.size()) return false;
  return std::all_of(name.begin() + kPrefix.size(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

const FormPart* field(const std::vector<FormPart>& parts, std::string_view name) {
  for (const FormPart& p : parts)
    if (!p.filename && p.name == name) return &p;
  return nullptr;
}

// A field's text as UTF-8 (Mailgun sends UTF-8; a part that says otherwise is decoded).
std::string text_of(const FormPart* part) {
  if (!part) return {};
  return decode_to_utf8(part->data, part->charset.empty() ? "utf-8" : part->charset).text;
}

// The message's headers: message-headers when present, else the top-level header fields.
std::vector<std::pair<std::string, std::string>> headers_of(const std::vector<FormPart>& parts) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (const FormPart* listed = field(parts, "message-headers")) {
    const json list = json::parse(text_of(listed), nullptr, false);
    if (list.is_array())
      for (const json& pair : list)
        if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string())
          headers.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    if (!headers.empty()) return headers;
  }
  for (const char* name : {"From", "Reply-To", "Subject", "Message-Id", "In-Reply-To", "References", "Date",
                           "Auto-Submitted", "Precedence", "List-Id", "X-Loop"})
    if (const FormPart* p = field(parts, name)) headers.emplace_back(name, text_of(p));
  return headers;
}

}  // namespace

bool mailgun_signature_valid(std::string_view signing_key, std::string_view timestamp, std::string_view token,
                             std::string_view signature) {
  if (signing_key.empty() || timestamp.empty() || token.empty() || signature.empty()) return false;
  return hex_digest_equals(signature, hmac_sha256_hex(signing_key, std::string(timestamp) + std::string(token)));
}

Result<Inbound> Mailgun::accept(const HttpRequestView& request, Timestamp received_at) const {
  auto form = read_form(request);
  if (!form) return form.error();
  const std::vector<FormPart>& parts = *form;
  const std::string timestamp = text_of(field(parts, "timestamp")), token = text_of(field(parts, "token")),
                    signature = text_of(field(parts, "signature"));

  // Nothing in the form is trusted before this.
  if (options_.signing_key) {
    if (!mailgun_signature_valid(*options_.signing_key, timestamp, token, signature))
      return unauthorized("the Mailgun signature (timestamp, token, signature) is missing or wrong");
    long long seconds = 0;
    const auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), seconds);
    const auto sent = std::chrono::sys_seconds{std::chrono::seconds{seconds}};
    const auto age = received_at - sent;
    if (ec != std::errc() || end != timestamp.data() + timestamp.size() || age > options_.replay_window ||
        -age > options_.replay_window)
      return unauthorized("the Mailgun timestamp is outside the replay window of " +
                          std::to_string(options_.replay_window.count()) + " seconds");
  } else if (!options_.allow_unsigned) {
    return unauthorized(std::string(kKeyEnv) + " is not set: Mailgun requests cannot be verified");
  }

  MailMessage mail;
  if (const FormPart* mime = field(parts, "body-mime")) {
    mail = read_mail(mime->data);
  } else {
    mail = read_mail_headers(headers_of(parts));
    if (const FormPart* subject = field(parts, "subject")) mail.subject = text_of(subject);
    if (!mail.from) {
      const MailMessage from = read_mail_headers({{"From", text_of(field(parts, "from"))}});
      mail.from = from.from;
    }
    if (const FormPart* plain = field(parts, "body-plain")) {
      mail.body = text_of(plain);
      mail.body_type = "text/plain";
    } else if (const FormPart* html = field(parts, "body-html")) {
      mail.body = html_to_text(text_of(html));
      mail.body_type = "text/html";
    }
    for (const FormPart& p : parts)
      if (p.filename || is_attachment_field(p.name))
        mail.attachments.push_back({p.filename.value_or(""), p.media_type, p.data.size()});
  }
  if (token.empty() && mail.message_id.empty()) return field_error("a Mailgun post has a token or a Message-Id");
  const std::string sender = text_of(field(parts, "sender"));
  return mail_to_inbound(mail, "mailgun", "mailgun:" + token,
                         sender.empty() ? std::nullopt : std::optional<std::string_view>(sender),
                         std::string(request.body), received_at);
}

RenderedReply Mailgun::render(const Inbound& message, const Acknowledgement& ack) const {
  return render_mail_answer(message, ack, options_.answer);
}

}  // namespace intake::channels
