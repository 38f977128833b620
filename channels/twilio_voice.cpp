#include "intake/channels/twilio_voice.hpp"

#include <charconv>

#include "intake/channels/json_body.hpp"
#include "intake/channels/signature.hpp"
#include "intake/channels/spoken.hpp"
#include "intake/channels/twiml.hpp"

namespace intake::channels {
namespace {

constexpr std::size_t kMaxTextBytes = 64 * 1024;
constexpr std::string_view kRoutePath = "/webhooks/hotline/twilio-voice";
constexpr int kMaxTurns = 20;  // a call that goes on longer is wound up politely

constexpr std::string_view kGreeting = "您好，这里是售后服务热线。请在提示音后简要说明您的问题，说完请稍候。";
constexpr std::string_view kAddDetails = "如需补充订单号、批次号或其他情况，请现在说明；没有补充请挂机。";
constexpr std::string_view kGoodbye = "感谢您的来电，再见。";
// The reasons accept() gives for a delivery without speech; the second answer depends on which.
constexpr std::string_view kCallStarted = "a call started: greeting the caller";
constexpr std::string_view kNothingHeardReason = "nothing was heard";
constexpr std::string_view kNothingHeard = "抱歉，没有听清您的话。请稍后再拨，或通过短信、邮件联系我们。再见。";

std::string say(std::string_view text) { return "<Say language=\"zh-CN\">" + xml_escape(text) + "</Say>"; }

// Listens for speech and posts it, with the turn number, back to this route.
std::string gather(int turn, std::string_view prompt) {
  return "<Gather input=\"speech\" language=\"zh-CN\" speechTimeout=\"auto\" method=\"POST\" action=\"" +
         std::string(kRoutePath) + "?turn=" + std::to_string(turn) + "\">" + say(prompt) + "</Gather>";
}

// The turn named in the request target's query (?turn=N), 0 when there is none.
std::optional<int> turn_of(std::string_view target) {
  const std::size_t q = target.find('?');
  if (q == std::string_view::npos) return 0;
  auto fields = parse_form_urlencoded(target.substr(q + 1));
  if (!fields) return std::nullopt;
  auto value = form_value(*fields, "turn");
  if (!value) return 0;
  int turn = 0;
  const auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), turn);
  if (ec != std::errc{} || end != value->data() + value->size() || turn < 1 || turn > 1000) return std::nullopt;
  return turn;
}

}  // namespace

Result<Inbound> TwilioVoice::accept(const HttpRequestView& request, Timestamp received_at) const {
  auto fields = read_signed_twilio_form(options_, request);
  if (!fields) return fields.error();
  const auto turn = turn_of(request.target);
  if (!turn) return field_error("turn must be a whole number from 1 (…/twilio-voice?turn=N)");
  const auto call_sid = form_value(*fields, "CallSid");
  if (!call_sid || call_sid->empty() || call_sid->size() > 256) return field_error("CallSid is required (at most 256 bytes)");
  const auto from = form_value(*fields, "From");
  if (!from || from->empty() || from->size() > 256) return field_error("From is required (at most 256 bytes)");
  if (*turn == 0) return make_error(std::string(errc::not_a_message), std::string(kCallStarted));

  const std::string speech = form_value(*fields, "SpeechResult").value_or("");
  if (!is_valid_utf8(speech)) return make_error(std::string(errc::invalid_utf8), "SpeechResult is not valid UTF-8");
  if (is_blank(speech)) return make_error(std::string(errc::not_a_message), std::string(kNothingHeardReason));
  if (speech.size() > kMaxTextBytes) return field_error("SpeechResult is longer than " + std::to_string(kMaxTextBytes) + " bytes");

  Inbound in;
  in.channel = "hotline";
  in.provider = "twilio-voice";
  in.external_id = *call_sid + ":" + std::to_string(*turn);
  in.reply_reference = in.external_id;
  in.sender.id = *from;
  in.sender.phone = *from;
  in.text = speech;
  in.received_at = received_at;
  in.raw = std::string(request.body);
  return in;
}

RenderedReply TwilioVoice::render(const Inbound& message, const Acknowledgement& ack) const {
  const std::string_view ref = message.reply_reference;
  int turn = 1;
  if (const std::size_t colon = ref.rfind(':'); colon != std::string_view::npos)
    std::from_chars(ref.data() + colon + 1, ref.data() + ref.size(), turn);
  std::string verbs;
  if (ack.reply_text) verbs += say(spoken_reply(ack));  // the case number read one character at a time
  if (turn < kMaxTurns) verbs += gather(turn + 1, kAddDetails);
  verbs += say(kGoodbye) + "<Hangup/>";
  return RenderedReply{std::string(kTwimlContentType), twiml_response(verbs)};
}

RenderedReply TwilioVoice::render_not_a_message(std::string_view reason) const {
  // A new call is greeted and heard; a turn in which nothing was heard ends the call.
  const std::string verbs = (reason == kCallStarted ? gather(1, kGreeting) : std::string()) + say(kNothingHeard) + "<Hangup/>";
  return RenderedReply{std::string(kTwimlContentType), twiml_response(verbs)};
}

}  // namespace intake::channels
