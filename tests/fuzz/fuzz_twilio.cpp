// Twilio's SMS and voice webhooks on any form body and turn.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "intake/channels/twilio_sms.hpp"
#include "intake/channels/twilio_voice.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace intake::channels;
  static const TwilioSms sms({std::nullopt, true, "https://fuzz.example"});
  static const TwilioVoice voice({std::nullopt, true, "https://fuzz.example"});
  if (size == 0) return 0;
  // The first byte picks the turn (none, 1–254), the rest is the form.
  const std::string target = data[0] == 0 ? std::string("/webhooks/hotline/twilio-voice")
                                          : "/webhooks/hotline/twilio-voice?turn=" + std::to_string(data[0]);
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto form = "application/x-www-form-urlencoded";
  for (const Adapter* adapter : {static_cast<const Adapter*>(&sms), static_cast<const Adapter*>(&voice)}) {
    auto in = adapter->accept(intake::fuzz::request(target, body, form), intake::Timestamp{});
    if (!in) {
      if (in.error().code == errc::not_a_message) (void)adapter->render_not_a_message(in.error().message);
      continue;
    }
    intake::fuzz::check_inbound(*in);
    intake::Acknowledgement ack;
    ack.reply_text = in->text;
    intake::fuzz::require(adapter->render(*in, ack).body.find("<Response>") != std::string::npos, "the reply is TwiML");
  }
  return 0;
}
