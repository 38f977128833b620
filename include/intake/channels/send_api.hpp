#pragma once
// The providers' send APIs, for what we say to a customer later rather than in a webhook
// response: a staff member's message, the satisfaction question (回访). Pure, like the
// adapters: these functions build the HTTP request and read the provider's answer into a
// verdict; the gateway's outbox worker does the sending, the retrying and the recording.
//
//   Telegram  POST {api_base}/bot{token}/sendMessage, JSON {"chat_id", "text"}
//             → {"ok": true} or {"ok": false, "error_code", "description",
//               "parameters": {"retry_after"}}
//   Twilio    POST {api_base}/2010-04-01/Accounts/{sid}/Messages.json, HTTP Basic
//             (account SID, auth token), form To, From, Body → 201 and the message, or
//             an error status with {"code", "message"}
//   WeCom     GET {api_base}/cgi-bin/gettoken?corpid&corpsecret → {"access_token",
//             "expires_in"}, then POST {api_base}/cgi-bin/message/send?access_token=…,
//             JSON {"touser", "msgtype": "text", "agentid", "text": {"content"}}; every
//             answer is HTTP 200 with {"errcode", "errmsg"} (0: done)
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "intake/result.hpp"

namespace intake::channels {

struct ApiRequest {
  std::string method;  // "GET" or "POST"
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct ApiResponse {
  long status = 0;
  std::string body;
  std::optional<std::chrono::seconds> retry_after;  // the Retry-After header, when it was seconds
};

// What a provider's answer means for the message being sent.
struct SendVerdict {
  enum class Kind {
    sent,
    retry,              // for now: rate limit, the provider's own trouble; send again later
    give_up,            // the provider refused this message for good (bad recipient, blocked bot…)
    renew_credentials,  // WeCom: the access token expired; get a new one and send again now
  };
  Kind kind = Kind::give_up;
  std::string error;                                // the provider's words, for the outbox and the log
  std::optional<std::chrono::seconds> retry_after;  // when the provider said how long to wait
};

// How a provider counts a message's length.
enum class TextUnit { utf8_bytes, utf16_units };

// `text` (valid UTF-8) cut into parts of at most `max_units` each, in order: after the last
// line break or sentence end (。！？.!? and the spaces after it) in the second half of a
// part when there is one, else at the last whole character that fits. Joined, the parts
// are the text. Empty text gives no parts.
std::vector<std::string> split_message(std::string_view text, std::size_t max_units, TextUnit unit);

// A configured API base URL, checked and without its trailing slash: it must be https://
// (providers are always reached over TLS; a test server uses its own CA) and have a host.
Result<std::string> checked_api_base(std::string_view base);

namespace telegram_api {
inline constexpr std::size_t kMaxText = 4096;  // UTF-16 units, Telegram's limit for sendMessage
inline constexpr TextUnit kUnit = TextUnit::utf16_units;
ApiRequest send_message(std::string_view api_base, std::string_view bot_token, std::string_view chat_id,
                        std::string_view text);
SendVerdict read_answer(const ApiResponse& response);
}  // namespace telegram_api

namespace twilio_api {
inline constexpr std::size_t kMaxText = 1600;  // characters; Twilio joins the SMS segments itself
inline constexpr TextUnit kUnit = TextUnit::utf16_units;
// `from` is our number (E.164), or a Messaging Service SID ("MG…"), which lets Twilio pick.
ApiRequest create_message(std::string_view api_base, std::string_view account_sid, std::string_view auth_token,
                          std::string_view from, std::string_view to, std::string_view text);
SendVerdict read_answer(const ApiResponse& response);
}  // namespace twilio_api

namespace wecom_api {
inline constexpr std::size_t kMaxText = 2048;  // bytes of text.content
inline constexpr TextUnit kUnit = TextUnit::utf8_bytes;
struct AccessToken {
  std::string token;
  std::chrono::seconds lifetime{0};
};
ApiRequest get_token(std::string_view api_base, std::string_view corp_id, std::string_view corp_secret);
// The token, or an Error (code "wecom_token") saying why not: WeCom busy, or a wrong corp
// id or secret. Both are worth retrying: the second once an operator fixes the settings.
Result<AccessToken> read_token(const ApiResponse& response);
ApiRequest send_text(std::string_view api_base, std::string_view access_token, std::int64_t agent_id,
                     std::string_view to_user, std::string_view text);
SendVerdict read_answer(const ApiResponse& response);
}  // namespace wecom_api

// The way back for the product's own signed webhooks (chat/generic, hotline/cti): what we
// write to a customer later is POSTed to the platform's callback URL as JSON, signed as
// the webhooks are (X-Intake-Signature: sha256=<hex HMAC-SHA256 of the body>):
//   {"id": "<outbox id>", "channel": "chat/generic", "recipient": "<the customer's id>",
//    "author": "staff" | "bot", "text": "…", "case": "TS-20261128-0001" | null}
// "id" is the same on every attempt, so the platform can drop a resend. A 2xx means the
// platform has it.
namespace callback_api {
struct Message {
  std::string id, channel, recipient, author, text;
  std::optional<std::string> case_number;
};
ApiRequest deliver(std::string_view url, std::string_view secret, const Message& message);
// 2xx sent; 408, 429, 5xx and 401/403 (a secret the two sides disagree on, the
// operator's to fix) later; any other status refuses the message for good.
SendVerdict read_answer(const ApiResponse& response);
}  // namespace callback_api

// Percent-encodes for application/x-www-form-urlencoded and URL queries: every byte but
// A–Z a–z 0–9 - _ . ~ escaped.
std::string url_encode(std::string_view text);

}  // namespace intake::channels
