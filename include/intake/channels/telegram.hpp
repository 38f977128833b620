#pragma once
// Telegram's Bot API webhook (route "chat/telegram").
//
// Telegram POSTs one Update per request as JSON. When the webhook was registered with a
// secret_token, every request carries it verbatim in X-Telegram-Bot-Api-Secret-Token
// (no HMAC: Telegram's only proof of origin). An Update holding a "message" or an
// "edited_message" becomes an Inbound:
//   external_id  the update_id: Telegram redelivers the same Update until it gets a 2xx,
//                so a redelivery is recognised and answered the same way
//   sender.id    the chat id (the reply goes there); sender.name from "from"
//   text         "text", else the media "caption", else a marker such as "[voice]" so a
//                person sees that something arrived
//   reply_reference  the message_id, which the reply quotes
//   sent_at      "date" (edit_date for an edit)
// Any other Update (inline query, button press, member change …) is acknowledged with
// 200 and nothing recorded (errc::not_a_message), or Telegram would retry it forever.
//
// The reply rides in the webhook response as a Bot API method call,
//   {"method": "sendMessage", "chat_id": <id>, "text": "…", "reply_to_message_id": <id>}
// and when the bot stays silent (staff own the conversation) the response is empty.
#include <optional>
#include <string>

#include "intake/channels/adapter.hpp"

namespace intake::channels {

class Telegram final : public Adapter {
 public:
  struct Options {
    // The secret_token given to setWebhook; when absent, requests are accepted without
    // it only if allow_unsigned.
    std::optional<std::string> secret_token;
    bool allow_unsigned = false;
  };

  explicit Telegram(Options options) : options_(std::move(options)) {}

  std::string_view route() const override { return "chat/telegram"; }
  Result<Inbound> accept(const HttpRequestView& request, Timestamp received_at) const override;
  RenderedReply render(const Inbound& message, const Acknowledgement& ack) const override;

 private:
  Options options_;
};

}  // namespace intake::channels
