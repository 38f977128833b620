#include "intake/channels/generic_chat.hpp"

#include <nlohmann/json.hpp>

#include "intake/channels/json_body.hpp"
#include "intake/channels/signature.hpp"

namespace intake::channels {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxTextBytes = 64 * 1024;

}  // namespace

Result<Inbound> GenericChat::accept(const HttpRequestView& request, Timestamp received_at) const {
  // The signature is checked before anything in the body is looked at.
  if (Status s = check_intake_signature(options_.secret, options_.allow_unsigned, "INTAKE_CHAT_GENERIC_SECRET", request); !s)
    return s.error();

  auto parsed = read_json_body(request);
  if (!parsed) return parsed.error();
  const json& body = *parsed;
  if (!body.is_object()) return field_error("the body must be a JSON object");

  Inbound in;
  in.channel = "chat";
  in.provider = "generic";
  in.received_at = received_at;
  in.raw = std::string(request.body);

  auto message_id = required_id(body, "message_id", "");
  if (!message_id) return message_id.error();
  in.external_id = std::move(*message_id);

  auto sender_it = body.find("sender");
  if (sender_it == body.end() || sender_it->is_null()) return field_error("sender is required");
  if (!sender_it->is_object()) return field_error("sender must be an object");
  auto sender_id = required_id(*sender_it, "id", "sender.");
  if (!sender_id) return sender_id.error();
  in.sender.id = std::move(*sender_id);
  auto name = optional_string(*sender_it, "name", "sender.");
  if (!name) return name.error();
  in.sender.name = name->value_or("");
  auto phone = optional_string(*sender_it, "phone", "sender.");
  if (!phone) return phone.error();
  in.sender.phone = std::move(*phone);
  auto email = optional_string(*sender_it, "email", "sender.");
  if (!email) return email.error();
  in.sender.email = std::move(*email);

  auto text_it = body.find("text");
  if (text_it == body.end() || text_it->is_null()) return field_error("text is required");
  if (!text_it->is_string()) return field_error("text must be a string");
  in.text = text_it->get<std::string>();
  if (is_blank(in.text)) return field_error("text must not be empty (it has no visible character)");
  if (in.text.size() > kMaxTextBytes)
    return field_error("text is longer than " + std::to_string(kMaxTextBytes) + " bytes");

  auto sent_at = optional_string(body, "sent_at", "");
  if (!sent_at) return sent_at.error();
  if (*sent_at) {
    in.sent_at = parse_rfc3339(**sent_at);
    if (!in.sent_at) return field_error("sent_at must be an RFC 3339 date-time, e.g. 2026-11-22T09:30:00+08:00");
  }
  return in;
}

RenderedReply GenericChat::render(const Inbound& /*message*/, const Acknowledgement& ack) const {
  return RenderedReply{"application/json", to_json(ack, options_.display_offset).dump()};
}

}  // namespace intake::channels
