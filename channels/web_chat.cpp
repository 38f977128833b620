#include "intake/channels/web_chat.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "intake/channels/adapter.hpp"
#include "intake/channels/json_body.hpp"
#include "intake/channels/signature.hpp"

namespace intake::channels::web_chat {
namespace {

using nlohmann::json;

constexpr std::string_view kTokenVersion = "wc1.";

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool valid_message_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Error frame_error(std::string message) { return make_error(std::string(errc::invalid_field), std::move(message)); }

}  // namespace

bool valid_customer_id(std::string_view id) {
  return id.size() == 34 && id.starts_with("w-") && std::all_of(id.begin() + 2, id.end(), is_lower_hex);
}

std::string issue_token(std::string_view customer_id, std::string_view secret) {
  const std::string signed_part = std::string(kTokenVersion) + std::string(customer_id);
  return signed_part + "." + hmac_sha256_hex(secret, signed_part);
}

std::optional<std::string> verify_token(std::string_view token, std::string_view secret) {
  if (!token.starts_with(kTokenVersion) || secret.empty()) return std::nullopt;
  const std::size_t dot = token.rfind('.');
  if (dot == std::string_view::npos || dot < kTokenVersion.size()) return std::nullopt;
  const std::string_view customer = token.substr(kTokenVersion.size(), dot - kTokenVersion.size());
  if (!valid_customer_id(customer)) return std::nullopt;
  if (!hex_digest_equals(token.substr(dot + 1), hmac_sha256_hex(secret, token.substr(0, dot)))) return std::nullopt;
  return std::string(customer);
}

Result<ClientFrame> parse_client_frame(std::string_view frame) {
  if (!is_valid_utf8(frame)) return make_error(std::string(errc::invalid_utf8), "the frame is not valid UTF-8");
  json j = json::parse(frame, nullptr, false);
  if (j.is_discarded()) return make_error(std::string(errc::invalid_json), "the frame is not JSON");
  if (!j.is_object()) return frame_error("a frame is a JSON object");
  const auto type = j.find("type");
  if (type == j.end() || !type->is_string()) return frame_error("a frame has a \"type\"");

  if (*type == "hello") {
    Hello hello;
    auto token = optional_string(j, "token", "");
    if (!token) return token.error();
    hello.token = std::move(*token);
    if (auto after = j.find("after"); after != j.end() && !after->is_null()) {
      if (!after->is_number_integer() || after->get<std::int64_t>() < 0)
        return frame_error("after must be a whole number, 0 or more");
      hello.after = after->get<std::int64_t>();
    }
    return ClientFrame{std::move(hello)};
  }
  if (*type == "message") {
    ChatMessage m;
    auto id = j.find("id");
    if (id == j.end() || !id->is_string() || !valid_message_id(id->get<std::string>()))
      return frame_error("id must be 1 to 64 letters, digits, '_' or '-'");
    m.id = id->get<std::string>();
    auto text = j.find("text");
    if (text == j.end() || !text->is_string()) return frame_error("text must be a string");
    m.text = text->get<std::string>();
    if (is_blank(m.text)) return frame_error("text must not be empty");
    if (m.text.size() > kMaxTextBytes) return frame_error("text is longer than " + std::to_string(kMaxTextBytes) + " bytes");
    if (m.text.find('\0') != std::string::npos) return frame_error("text must not contain U+0000");
    return ClientFrame{std::move(m)};
  }
  return frame_error("unknown frame type (known: hello, message)");
}

Inbound to_inbound(std::string_view customer_id, const ChatMessage& message, Timestamp received_at) {
  Inbound in;
  in.channel = "chat";
  in.provider = "web";
  in.external_id = std::string(customer_id) + ":" + message.id;
  in.reply_reference = message.id;
  in.sender.id = std::string(customer_id);
  in.text = message.text;
  in.received_at = received_at;
  in.raw = json{{"type", "message"}, {"id", message.id}, {"text", message.text}}.dump();
  return in;
}

std::string welcome_frame(std::string_view token, std::string_view customer_id) {
  return json{{"type", "welcome"}, {"token", token}, {"customer", customer_id}}.dump();
}

std::string ack_frame(std::string_view id, const Acknowledgement& ack, UtcOffset offset) {
  const json full = to_json(ack, offset);
  return json{{"type", "ack"}, {"id", id}, {"duplicate", ack.duplicate}, {"case", full["case"]}}.dump();
}

std::string messages_frame(const std::vector<Entry>& entries, UtcOffset offset) {
  json list = json::array();
  for (const Entry& e : entries) {
    json m = {{"seq", e.seq}, {"from", e.from}, {"text", e.text}, {"at", format_rfc3339(e.at, offset)}};
    if (!e.id.empty()) m["id"] = e.id;
    list.push_back(std::move(m));
  }
  return json{{"type", "messages"}, {"messages", std::move(list)}}.dump();
}

std::string error_frame(std::string_view code, std::string_view message, std::string_view id) {
  json frame = {{"type", "error"}, {"code", code}, {"message", message}};
  if (!id.empty()) frame["id"] = id;
  return frame.dump();
}

}  // namespace intake::channels::web_chat
