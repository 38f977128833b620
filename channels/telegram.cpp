#include "intake/channels/telegram.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <utility>

#include "intake/channels/json_body.hpp"
#include "intake/channels/signature.hpp"

namespace intake::channels {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxTextBytes = 64 * 1024;
constexpr std::string_view kSecretHeader = "X-Telegram-Bot-Api-Secret-Token";

// Telegram's ids are integers of up to 52 bits; they are kept as decimal strings.
Result<std::string> integer_id(const json& object, const char* name, const std::string& path) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return field_error(path + name + " is required");
  if (!it->is_number_integer()) return field_error(path + name + " must be an integer");
  return std::to_string(it->get<std::int64_t>());
}

std::string string_or_empty(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "Test Firstname Test Lastname", else the @username, else nothing.
std::string display_name(const json& user) {
  std::string name = string_or_empty(user, "first_name");
  const std::string last = string_or_empty(user, "last_name");
  if (!last.empty()) name += name.empty() ? last : " " + last;
  if (name.empty() && !string_or_empty(user, "username").empty()) name = "@" + string_or_empty(user, "username");
  return name;
}

// What a person should see for a message without text or caption.
std::string media_marker(const json& message) {
  static constexpr std::array<std::pair<const char*, const char*>, 10> kKinds{{
      {"voice", "[voice]"}, {"audio", "[audio]"}, {"video", "[video]"}, {"video_note", "[video]"},
      {"photo", "[photo]"}, {"document", "[document]"}, {"sticker", "[sticker]"}, {"location", "[location]"},
      {"contact", "[contact]"}, {"animation", "[animation]"}}};
  for (const auto& [field, marker] : kKinds)
    if (message.contains(field)) {
      std::string text = marker;
      if (auto doc = message.find(field); doc->is_object() && doc->contains("file_name") && (*doc)["file_name"].is_string())
        text += " " + (*doc)["file_name"].get<std::string>();
      return text;
    }
  return {};
}

Status check_secret(const Telegram::Options& options, const HttpRequestView& request) {
  if (!options.secret_token) {
    if (options.allow_unsigned) return Ok{};
    return make_error(std::string(errc::unauthorized),
                      "this channel has no secret token configured (INTAKE_TELEGRAM_SECRET_TOKEN) "
                      "and does not accept requests without one");
  }
  auto header = request.header(kSecretHeader);
  if (!header) return make_error(std::string(errc::unauthorized), std::string(kSecretHeader) + " header is missing");
  if (!secret_equals(*header, *options.secret_token))
    return make_error(std::string(errc::unauthorized), std::string(kSecretHeader) + " does not match");
  return Ok{};
}

}  // namespace

Result<Inbound> Telegram::accept(const HttpRequestView& request, Timestamp received_at) const {
  if (Status s = check_secret(options_, request); !s) return s.error();
  auto parsed = read_json_body(request);
  if (!parsed) return parsed.error();
  const json& update = *parsed;
  if (!update.is_object()) return field_error("the body must be a JSON object (a Telegram Update)");
  auto update_id = integer_id(update, "update_id", "");
  if (!update_id) return update_id.error();

  const char* kind = update.contains("message") ? "message" : update.contains("edited_message") ? "edited_message" : nullptr;
  if (kind == nullptr) {
    std::string what = "an update without a message";
    for (const auto& [key, value] : update.items())
      if (key != "update_id") {
        what = "a " + key + " update";
        break;
      }
    return make_error(std::string(errc::not_a_message), what + " carries no customer message");
  }
  const json& message = update[kind];
  const std::string path = std::string(kind) + ".";
  if (!message.is_object()) return field_error(path.substr(0, path.size() - 1) + " must be an object");

  Inbound in;
  in.channel = "chat";
  in.provider = "telegram";
  in.external_id = std::move(*update_id);
  in.received_at = received_at;
  in.raw = std::string(request.body);

  auto chat = message.find("chat");
  if (chat == message.end() || !chat->is_object()) return field_error(path + "chat is required and must be an object");
  auto chat_id = integer_id(*chat, "id", path + "chat.");
  if (!chat_id) return chat_id.error();
  in.sender.id = std::move(*chat_id);
  if (auto message_id = message.find("message_id"); message_id != message.end() && message_id->is_number_integer())
    in.reply_reference = std::to_string(message_id->get<std::int64_t>());
  if (auto from = message.find("from"); from != message.end() && from->is_object()) in.sender.name = display_name(*from);
  if (in.sender.name.empty()) in.sender.name = display_name(*chat);

  if (auto text = message.find("text"); text != message.end()) {
    if (!text->is_string()) return field_error(path + "text must be a string");
    in.text = text->get<std::string>();
  } else if (auto caption = message.find("caption"); caption != message.end() && caption->is_string()) {
    in.text = caption->get<std::string>();
  } else {
    in.text = media_marker(message);
  }
  if (in.text.empty() || is_blank(in.text))
    return make_error(std::string(errc::not_a_message), "a " + std::string(kind) + " with no text, caption or media");
  if (in.text.size() > kMaxTextBytes)
    return field_error(path + "text is longer than " + std::to_string(kMaxTextBytes) + " bytes");

  const char* date_field = std::string_view(kind) == "edited_message" && message.contains("edit_date") ? "edit_date" : "date";
  if (auto date = message.find(date_field); date != message.end()) {
    if (!date->is_number_integer() || date->get<std::int64_t>() < 0) return field_error(path + date_field + " must be a Unix time");
    in.sent_at = Timestamp{std::chrono::seconds{date->get<std::int64_t>()}};
  }
  return in;
}

RenderedReply Telegram::render(const Inbound& message, const Acknowledgement& ack) const {
  if (!ack.reply_text) return RenderedReply{"text/plain; charset=utf-8", ""};  // silence: nothing to send
  json call = {{"method", "sendMessage"}, {"text", *ack.reply_text}};
  std::int64_t chat_id = 0;
  const auto& id = message.sender.id;
  if (std::from_chars(id.data(), id.data() + id.size(), chat_id).ec == std::errc{})
    call["chat_id"] = chat_id;
  else
    call["chat_id"] = id;  // accept() only produces integers; a username form is still valid for Telegram
  // Quote the customer's message, so the acknowledgement sits under what it answers.
  std::int64_t quoted = 0;
  const auto& ref = message.reply_reference;
  if (!ref.empty() && std::from_chars(ref.data(), ref.data() + ref.size(), quoted).ec == std::errc{})
    call["reply_to_message_id"] = quoted;
  return RenderedReply{"application/json", call.dump()};
}

}  // namespace intake::channels
