#pragma once
// The contract every channel adapter fulfils. Adapters are pure: no I/O, no clock
// reads, no globals. The gateway gives them the raw request and the receive time; they
// verify the provider's signature, parse the provider's format into an Inbound, and
// render an Acknowledgement back in the provider's format.
#include <optional>
#include <string>
#include <string_view>

#include "intake/acknowledgement.hpp"
#include "intake/http_view.hpp"
#include "intake/inbound.hpp"
#include "intake/result.hpp"

namespace intake::channels {

// Error codes adapters return; the gateway maps them to HTTP statuses.
namespace errc {
inline constexpr std::string_view unauthorized = "unauthorized";      // 401: signature missing or wrong
inline constexpr std::string_view invalid_json = "invalid_json";      // 400
inline constexpr std::string_view invalid_utf8 = "invalid_utf8";      // 400
inline constexpr std::string_view invalid_field = "invalid_field";    // 400: missing, wrong type or bad value
inline constexpr std::string_view unsupported_media_type = "unsupported_media_type";  // 415
// 200 and nothing recorded: a genuine delivery that carries no customer message (a
// Telegram inline query, a button press). Providers retry anything but a 2xx.
inline constexpr std::string_view not_a_message = "not_a_message";
}  // namespace errc

struct RenderedReply {
  std::string content_type;
  std::string body;
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  // The webhook route below /webhooks/, e.g. "chat/generic".
  virtual std::string_view route() const = 0;
  // Verifies and parses one delivery. On error nothing about the request is trusted.
  virtual Result<Inbound> accept(const HttpRequestView& request, Timestamp received_at) const = 0;
  // Renders the answer to `message` (what accept() returned for this delivery) in the
  // provider's own response format.
  virtual RenderedReply render(const Inbound& message, const Acknowledgement& ack) const = 0;
  // Renders the 200 answer to a delivery that accept() found genuine but without a
  // customer message (errc::not_a_message, whose text is `reason`). By default
  // {"ignored": reason}; a channel whose provider expects instructions (a phone call's
  // TwiML) says what should happen next.
  virtual RenderedReply render_not_a_message(std::string_view reason) const;
  // Answers a GET to the route, for providers that verify a callback URL that way
  // (WeCom decrypts an echostr). Nothing by default: the gateway answers 405.
  virtual std::optional<Result<RenderedReply>> answer_get(const HttpRequestView& request) const;
};

}  // namespace intake::channels
