#pragma once
// The CTI webhook (route "hotline/cti"): a documented JSON format for call-centre
// platforms that run the hotline themselves and tell the gateway what happens on a call.
//
// POST /webhooks/hotline/cti, signed like the generic chat webhook
// (X-Intake-Signature: sha256=<hex HMAC-SHA256 of the body>, INTAKE_HOTLINE_CTI_SECRET):
//   {"event_id": "e-1",            one per event; a redelivery repeats it
//    "call_id": "c-77",            the platform's id of the call
//    "type": "call_started" | "ivr_choice" | "transcript" | "recording" | "agent_note" |
//            "call_ended",
//    "caller": {"number": "+8613812345678", "name": "王先生"?},
//    "at": "2026-11-23T09:30:00+08:00"?,
//    "digit": "0", "label": "转人工"?              (ivr_choice)
//    "text": "…"                                    (transcript: what the caller said)
//    "recording_url": "https://…", "duration_seconds": 95?   (recording)
//    "agent": {"id": "8001", "name": "李娜"?}, "text": "…"     (agent_note)}
// A transcript, an IVR choice ("按0转人工", which the hotline rules understand) and a
// recording ("[通话录音] <url>", so staff can listen) are messages from the caller,
// keyed by call_id:event_id, and a caller who rings again while the case is open lands
// on the same case. call_started and call_ended carry nothing to file: 200, ignored.
// An agent_note is what the platform's own agent wrote about the call: it becomes a note
// on the call's case (Inbound::agent_note; store/agent_notes.hpp), with no reply, and is
// refused with 404 while the caller has no case yet.
//
// The answer is the generic webhook's JSON plus "speak": the reply with the case
// number spelled out, for the platform's text-to-speech (null when silent).
#include <optional>
#include <string>

#include "intake/channels/adapter.hpp"

namespace intake::channels {

class Cti final : public Adapter {
 public:
  struct Options {
    std::optional<std::string> secret;
    bool allow_unsigned = false;
    UtcOffset display_offset = kChinaStandardTime;
  };

  explicit Cti(Options options) : options_(std::move(options)) {}

  std::string_view route() const override { return "hotline/cti"; }
  Result<Inbound> accept(const HttpRequestView& request, Timestamp received_at) const override;
  RenderedReply render(const Inbound& message, const Acknowledgement& ack) const override;

 private:
  Options options_;
};

}  // namespace intake::channels
