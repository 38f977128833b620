#pragma once
// Twilio's voice webhook (route "hotline/twilio-voice"): the service hotline.
//
// A call is a conversation in turns, driven by TwiML:
//   call starts   Twilio POSTs the call (no speech): the answer greets the caller and
//                 <Gather input="speech" language="zh-CN"> listens, posting what was said
//                 to …/twilio-voice?turn=1 (not a message: errc::not_a_message)
//   turn N        SpeechResult is the message. The answer <Say>s the acknowledgement in
//                 Mandarin with the case number read digit by digit, then gathers again
//                 (?turn=N+1) so the caller can add details, then says goodbye and hangs up.
// The Inbound:
//   external_id  CallSid:N, so Twilio's retry of a turn is answered the same and filed once
//   sender       From (the caller's number) as id and phone: a caller who rings again
//                while the case is open lands on the same case
//   text         SpeechResult
// Signed with X-Twilio-Signature over the URL including ?turn=N (twilio_signature.hpp).
#include "intake/channels/adapter.hpp"
#include "intake/channels/twilio_signature.hpp"

namespace intake::channels {

class TwilioVoice final : public Adapter {
 public:
  explicit TwilioVoice(TwilioOptions options) : options_(std::move(options)) {}

  std::string_view route() const override { return "hotline/twilio-voice"; }
  Result<Inbound> accept(const HttpRequestView& request, Timestamp received_at) const override;
  RenderedReply render(const Inbound& message, const Acknowledgement& ack) const override;
  // The greeting and the first <Gather> (for a call that has just started).
  RenderedReply render_not_a_message(std::string_view reason) const override;

 private:
  TwilioOptions options_;
};

}  // namespace intake::channels
