#include "intake/channels/twilio_sms.hpp"

#include "intake/channels/json_body.hpp"
#include "intake/channels/signature.hpp"
#include "intake/channels/twiml.hpp"

namespace intake::channels {
namespace {

constexpr std::size_t kMaxTextBytes = 64 * 1024;

Result<std::string> required(const FormFields& fields, std::string_view name) {
  auto value = form_value(fields, name);
  if (!value || value->empty()) return field_error(std::string(name) + " is required");
  if (value->size() > 256) return field_error(std::string(name) + " is longer than 256 bytes");
  return std::move(*value);
}

}  // namespace

Result<Inbound> TwilioSms::accept(const HttpRequestView& request, Timestamp received_at) const {
  auto fields = read_signed_twilio_form(options_, request);
  if (!fields) return fields.error();
  Inbound in;
  in.channel = "hotline";
  in.provider = "twilio-sms";
  in.received_at = received_at;
  in.raw = std::string(request.body);
  auto sid = required(*fields, "MessageSid");
  if (!sid) return sid.error();
  in.external_id = std::move(*sid);
  in.reply_reference = in.external_id;
  auto from = required(*fields, "From");
  if (!from) return from.error();
  in.sender.id = *from;
  in.sender.phone = std::move(*from);
  in.text = form_value(*fields, "Body").value_or("");
  if (!is_valid_utf8(in.text)) return make_error(std::string(errc::invalid_utf8), "Body is not valid UTF-8");
  if (is_blank(in.text)) return field_error("Body must not be empty (it has no visible character)");
  if (in.text.size() > kMaxTextBytes) return field_error("Body is longer than " + std::to_string(kMaxTextBytes) + " bytes");
  return in;
}

RenderedReply TwilioSms::render(const Inbound& /*message*/, const Acknowledgement& ack) const {
  const std::string verbs = ack.reply_text ? "<Message>" + xml_escape(*ack.reply_text) + "</Message>" : "";
  return RenderedReply{std::string(kTwimlContentType), twiml_response(verbs)};
}

}  // namespace intake::channels
