#include "intake/channels/cti.hpp"

#include <nlohmann/json.hpp>

#include "intake/channels/json_body.hpp"
#include "intake/channels/signature.hpp"
#include "intake/channels/spoken.hpp"

namespace intake::channels {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxTextBytes = 64 * 1024;

// The caller's words for an event, or nothing for an event that carries none.
Result<std::optional<std::string>> text_of(const json& event, const std::string& type) {
  if (type == "call_started" || type == "call_ended") return std::optional<std::string>{};
  if (type == "transcript") {
    auto text = optional_string(event, "text", "");
    if (!text) return text.error();
    if (!*text) return field_error("text is required for a transcript");
    return text;
  }
  if (type == "ivr_choice") {
    auto digit = required_id(event, "digit", "");
    if (!digit) return digit.error();
    auto label = optional_string(event, "label", "");
    if (!label) return label.error();
    return std::optional<std::string>{"按" + *digit + label->value_or("")};
  }
  if (type == "agent_note") {
    auto text = optional_string(event, "text", "");
    if (!text) return text.error();
    if (!*text) return field_error("text is required for an agent_note");
    return text;
  }
  if (type == "recording") {
    auto url = required_id(event, "recording_url", "");
    if (!url) return url.error();
    if (!url->starts_with("https://") && !url->starts_with("http://"))
      return field_error("recording_url must be an http(s) URL");
    return std::optional<std::string>{"[通话录音] " + *url};
  }
  return field_error("type must be one of call_started, ivr_choice, transcript, recording, agent_note, call_ended");
}

}  // namespace

Result<Inbound> Cti::accept(const HttpRequestView& request, Timestamp received_at) const {
  if (Status s = check_intake_signature(options_.secret, options_.allow_unsigned, "INTAKE_HOTLINE_CTI_SECRET", request); !s)
    return s.error();
  auto parsed = read_json_body(request);
  if (!parsed) return parsed.error();
  const json& event = *parsed;
  if (!event.is_object()) return field_error("the body must be a JSON object");

  auto event_id = required_id(event, "event_id", "");
  if (!event_id) return event_id.error();
  auto call_id = required_id(event, "call_id", "");
  if (!call_id) return call_id.error();
  auto type = required_id(event, "type", "");
  if (!type) return type.error();
  auto caller = event.find("caller");
  if (caller == event.end() || !caller->is_object()) return field_error("caller is required and must be an object");
  auto number = required_id(*caller, "number", "caller.");
  if (!number) return number.error();
  auto name = optional_string(*caller, "name", "caller.");
  if (!name) return name.error();
  auto at = optional_string(event, "at", "");
  if (!at) return at.error();
  std::optional<Timestamp> sent_at;
  if (*at) {
    sent_at = parse_rfc3339(**at);
    if (!sent_at) return field_error("at must be an RFC 3339 date-time, e.g. 2026-11-23T09:30:00+08:00");
  }

  auto text = text_of(event, *type);
  if (!text) return text.error();
  if (!*text) return make_error(std::string(errc::not_a_message), "a " + *type + " event carries no message");
  if (is_blank(**text)) return field_error("text must not be empty (it has no visible character)");
  if ((*text)->size() > kMaxTextBytes) return field_error("text is longer than " + std::to_string(kMaxTextBytes) + " bytes");

  std::optional<AgentNote> agent_note;
  if (*type == "agent_note") {
    auto agent = event.find("agent");
    if (agent == event.end() || !agent->is_object()) return field_error("agent is required for an agent_note and must be an object");
    auto agent_id = required_id(*agent, "id", "agent.");
    if (!agent_id) return agent_id.error();
    auto agent_name = optional_string(*agent, "name", "agent.");
    if (!agent_name) return agent_name.error();
    agent_note = AgentNote{std::move(*agent_id), agent_name->value_or("")};
  }

  Inbound in;
  in.channel = "hotline";
  in.provider = "cti";
  in.external_id = *call_id + ":" + *event_id;
  in.reply_reference = *call_id;
  in.sender.id = *number;
  in.sender.phone = std::move(*number);
  in.sender.name = name->value_or("");
  in.text = std::move(**text);
  in.sent_at = sent_at;
  in.received_at = received_at;
  in.raw = std::string(request.body);
  in.agent_note = std::move(agent_note);
  return in;
}

RenderedReply Cti::render(const Inbound& /*message*/, const Acknowledgement& ack) const {
  json out = to_json(ack, options_.display_offset);
  out["speak"] = ack.reply_text ? json(spoken_reply(ack)) : json(nullptr);
  return RenderedReply{"application/json", out.dump()};
}

}  // namespace intake::channels
