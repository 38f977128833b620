#include "intake/channels/email_raw.hpp"

#include <openssl/evp.h>

#include <array>

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
