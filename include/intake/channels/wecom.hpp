#pragma once
// WeCom (企业微信) application callbacks (route "chat/wecom"): customers or staff of
// partner firms writing to the company's WeCom app.
//
// GET  ?msg_signature&timestamp&nonce&echostr   URL verification when the callback is
//      set up: the answer is the decrypted echostr, as plain text.
// POST ?msg_signature&timestamp&nonce with <xml><ToUserName/><Encrypt/><AgentID/></xml>:
//      the signature covers Encrypt (wecom_crypto.hpp), which decrypts to the message
//      XML for our corp id. A text message becomes the Inbound:
//        external_id  MsgId (WeCom retries a message with the same id)
//        sender.id    FromUserName (the WeCom user id); text Content; sent_at CreateTime
//      image, voice, video, file and location messages are filed with a marker such as
//      "[image]"; events (entering the app, menu clicks) are acknowledged and ignored.
// The reply is WeCom's encrypted passive reply: a text message to FromUserName, encrypted
// and signed, inside <xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>. Its
// random bytes and nonce are derived from the message id, so a retry gets the same bytes.
// Silence is an empty body.
#include <optional>
#include <string>

#include "intake/channels/adapter.hpp"

namespace intake::channels {

class WeCom final : public Adapter {
 public:
  struct Options {
    std::optional<std::string> token;             // INTAKE_WECOM_TOKEN
    std::optional<std::string> encoding_aes_key;  // INTAKE_WECOM_AES_KEY (43 characters)
    std::string corp_id;                          // the receive id messages are made for
  };

  explicit WeCom(Options options) : options_(std::move(options)) {}

  std::string_view route() const override { return "chat/wecom"; }
  Result<Inbound> accept(const HttpRequestView& request, Timestamp received_at) const override;
  RenderedReply render(const Inbound& message, const Acknowledgement& ack) const override;
  std::optional<Result<RenderedReply>> answer_get(const HttpRequestView& request) const override;

 private:
  Options options_;
};

}  // namespace intake::channels
