#pragma once
// The company's own web chat (/chat and /chat/ws): the frames that travel over the
// WebSocket, and the token that lets a customer keep their conversation across reloads.
// Pure: the gateway owns the socket, the clock and the random numbers.
//
// Frames are JSON text. From the page:
//   {"type": "hello", "token": "wc1.…" | null, "after": N}
//       first frame of every connection; "after" is the last message sequence number the
//       page has shown (0 for none)
//   {"type": "message", "id": "<the page's id for this message>", "text": "…"}
//       the page keeps a message until it is acknowledged and sends it again, with the
//       same id, after a reconnect: the id makes the resend harmless
// From the gateway:
//   {"type": "welcome", "token": "wc1.…", "customer": "w-…"}
//   {"type": "ack", "id": "…", "duplicate": bool, "case": {…} | null}
//   {"type": "messages", "messages": [{"seq", "from": "customer"|"bot"|"staff", "text", "at", "id"?}]}
//       every message of the conversation after the page's last one, in order; the page
//       shows each sequence number once, so a message is delivered exactly once
//   {"type": "error", "code": "…", "message": "…", "id"?: "…"}
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "intake/acknowledgement.hpp"
#include "intake/inbound.hpp"
#include "intake/result.hpp"

namespace intake::channels::web_chat {

inline constexpr std::size_t kMaxTextBytes = 4096;
// Where the page connects; the page itself is served at /chat.
inline constexpr std::string_view kSocketPath = "/chat/ws";

// A customer id as the gateway draws it: "w-" and 32 lower-case hex digits.
bool valid_customer_id(std::string_view id);

// "wc1.<customer id>.<hex HMAC-SHA256(secret, "wc1." + customer id)>".
std::string issue_token(std::string_view customer_id, std::string_view secret);
// The customer id of a token this secret issued; nullopt for anything else.
std::optional<std::string> verify_token(std::string_view token, std::string_view secret);

struct Hello {
  std::optional<std::string> token;
  std::int64_t after = 0;
};
struct ChatMessage {
  std::string id;    // 1–64 of A-Z a-z 0-9 _ -
  std::string text;  // UTF-8, not blank, at most kMaxTextBytes
};
using ClientFrame = std::variant<Hello, ChatMessage>;

// Errors (errc::invalid_json, errc::invalid_field) say what is wrong with the frame.
Result<ClientFrame> parse_client_frame(std::string_view frame);

// The customer's message as the dialog and the store take it (channel "chat", provider
// "web", external id "<customer>:<message id>").
Inbound to_inbound(std::string_view customer_id, const ChatMessage& message, Timestamp received_at);

struct Entry {
  std::int64_t seq = 0;
  std::string from;  // "customer", "bot" or "staff"
  std::string text;
  Timestamp at{};
  std::string id;    // the page's id, for the customer's own messages
};

std::string welcome_frame(std::string_view token, std::string_view customer_id);
std::string ack_frame(std::string_view id, const Acknowledgement& ack, UtcOffset offset);
std::string messages_frame(const std::vector<Entry>& entries, UtcOffset offset);
// `id`: the message the error is about, when it is known (the page then stops resending
// it unless the code is "unavailable").
std::string error_frame(std::string_view code, std::string_view message, std::string_view id = {});

}  // namespace intake::channels::web_chat
