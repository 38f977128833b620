#pragma once
// Twilio's incoming SMS webhook (route "hotline/twilio-sms"), a hotline channel: the
// customer texts the service number.
//
// Twilio POSTs a form (MessageSid, From, To, Body, …) signed with X-Twilio-Signature
// (twilio_signature.hpp). The Inbound:
//   external_id  MessageSid: Twilio retries a delivery with the same sid
//   sender       From (the phone number) as id and phone
//   text         Body
// The reply is TwiML, <Response><Message>…</Message></Response>; when the bot stays
// silent, an empty <Response/> (Twilio then sends nothing).
#include "intake/channels/adapter.hpp"
#include "intake/channels/twilio_signature.hpp"

namespace intake::channels {

class TwilioSms final : public Adapter {
 public:
  explicit TwilioSms(TwilioOptions options) : options_(std::move(options)) {}

  std::string_view route() const override { return "hotline/twilio-sms"; }
  Result<Inbound> accept(const HttpRequestView& request, Timestamp received_at) const override;
  RenderedReply render(const Inbound& message, const Acknowledgement& ack) const override;

 private:
  TwilioOptions options_;
};

}  // namespace intake::channels
