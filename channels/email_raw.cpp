#include "intake/channels/email_raw.hpp"

#include "intake/ascii.hpp"
#include "intake/channels/json_body.hpp"
#include "intake/channels/mail_inbound.hpp"
#include "intake/channels/signature.hpp"

namespace intake::channels {
namespace {

bool is_rfc822_media_type(std::string_view content_type) {
  const std::string t = ascii_lower(content_type.substr(0, content_type.find(';')));
  return t == "message/rfc822" || t == "message/global";
}

}  // namespace

Result<Inbound> EmailRaw::accept(const HttpRequestView& request, Timestamp received_at) const {
  if (Status s = check_intake_signature(options_.secret, options_.allow_unsigned, "INTAKE_EMAIL_RAW_SECRET", request); !s)
    return s.error();
  const auto content_type = request.header("Content-Type");
  if (!content_type || !is_rfc822_media_type(*content_type))
    return make_error(std::string(errc::unsupported_media_type),
                      "the body must be an RFC 5322 message sent as Content-Type: message/rfc822");
  if (request.body.empty()) return field_error("the body is empty; it must be an RFC 5322 message");

  // A message without Message-ID is identified by its bytes: the MTA's retry is the same.
  return mail_to_inbound(read_mail(request.body), "raw", "sha256:" + sha256_hex(request.body),
                         request.header("X-Intake-Envelope-From"), std::string(request.body), received_at);
}

RenderedReply EmailRaw::render(const Inbound& message, const Acknowledgement& ack) const {
  return render_mail_answer(message, ack, options_.answer);
}

}  // namespace intake::channels
