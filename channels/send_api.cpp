#include "intake/channels/send_api.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "channels/base64.hpp"
#include "intake/channels/signature.hpp"

namespace intake::channels {
namespace {

using nlohmann::json;
using Kind = SendVerdict::Kind;

// The length of the UTF-8 sequence that starts with `lead` (the text is valid UTF-8).
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

bool ends_a_sentence(std::string_view character) {
  return character == "\n" || character == "." || character == "!" || character == "?" || character == "。" ||
         character == "！" || character == "？";
}

SendVerdict verdict(Kind kind, std::string error = {}, std::optional<std::chrono::seconds> retry_after = {}) {
  return SendVerdict{kind, std::move(error), retry_after};
}

// The provider's answer as JSON, or null when it is not JSON.
json parse_answer(const ApiResponse& response) { return json::parse(response.body, nullptr, false); }

std::string http_status_words(const ApiResponse& response) {
  std::string words = "HTTP " + std::to_string(response.status);
  if (!response.body.empty()) words += ": " + response.body.substr(0, 200);
  return words;
}

}  // namespace

std::vector<std::string> split_message(std::string_view text, std::size_t max_units, TextUnit unit) {
  std::vector<std::string> parts;
  if (max_units == 0) return parts;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t units = 0, at = start, fits = start;
    // Just after a sentence end (and the spaces after it) in the part's second half.
    std::optional<std::size_t> good_cut;
    bool after_sentence_end = false;
    while (at < text.size()) {
      const std::size_t length = std::min(sequence_length(static_cast<unsigned char>(text[at])), text.size() - at);
      const std::size_t cost = unit == TextUnit::utf8_bytes ? length : (length == 4 ? 2 : 1);
      if (units + cost > max_units) break;
      units += cost;
      at += length;
      fits = at;
      const std::string_view character = text.substr(at - length, length);
      after_sentence_end = ends_a_sentence(character) || (after_sentence_end && character == " ");
      if (after_sentence_end && units * 2 >= max_units) good_cut = at;
    }
    const std::size_t end = fits >= text.size() ? fits : good_cut.value_or(fits);
    if (end == start) break;  // max_units smaller than one character: nothing sensible to send
    parts.emplace_back(text.substr(start, end - start));
    start = end;
  }
  return parts;
}

Result<std::string> checked_api_base(std::string_view base) {
  while (base.ends_with('/')) base.remove_suffix(1);
  if (!base.starts_with("https://") || base.size() == std::string_view("https://").size())
    return make_error("invalid_api_base", "\"" + std::string(base) + "\" must be an https:// URL");
  return std::string(base);
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
        c == '~') {
      out.push_back(ch);
    } else {
      out += '%';
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

namespace telegram_api {

ApiRequest send_message(std::string_view api_base, std::string_view bot_token, std::string_view chat_id,
                        std::string_view text) {
  json body = {{"text", text}};
  std::int64_t numeric = 0;
  if (std::from_chars(chat_id.data(), chat_id.data() + chat_id.size(), numeric).ec == std::errc{} &&
      std::to_string(numeric) == chat_id)
    body["chat_id"] = numeric;
  else
    body["chat_id"] = chat_id;  // "@channelusername" is valid for Telegram too
  return ApiRequest{"POST", std::string(api_base) + "/bot" + std::string(bot_token) + "/sendMessage",
                    {{"Content-Type", "application/json"}}, body.dump()};
}

SendVerdict read_answer(const ApiResponse& response) {
  const json answer = parse_answer(response);
  const bool ok = answer.is_object() && answer.contains("ok") && answer["ok"].is_boolean() && answer["ok"].get<bool>();
  if (ok && response.status == 200) return verdict(Kind::sent);
  const std::string description =
      answer.is_object() && answer.contains("description") && answer["description"].is_string()
          ? "Telegram " + std::to_string(response.status) + ": " + answer["description"].get<std::string>()
          : "Telegram " + http_status_words(response);
  if (response.status == 429) {
    std::optional<std::chrono::seconds> wait = response.retry_after;
    if (answer.is_object() && answer.contains("parameters") && answer["parameters"].is_object()) {
      const json& p = answer["parameters"];
      if (p.contains("retry_after") && p["retry_after"].is_number_integer() && p["retry_after"].get<long long>() > 0)
        wait = std::chrono::seconds(p["retry_after"].get<long long>());
    }
    return verdict(Kind::retry, description, wait);
  }
  // 401: the bot token was refused. That is the operator's to fix, and the messages should
  // still go out once it is, so keep retrying rather than failing each one for good.
  if (response.status >= 500 || response.status == 401 || response.status == 0)
    return verdict(Kind::retry, description, response.retry_after);
  return verdict(Kind::give_up, description);  // 400 chat not found, 403 bot blocked by the user …
}

}  // namespace telegram_api

namespace twilio_api {

ApiRequest create_message(std::string_view api_base, std::string_view account_sid, std::string_view auth_token,
                          std::string_view from, std::string_view to, std::string_view text) {
  const std::string credentials = std::string(account_sid) + ":" + std::string(auth_token);
  return ApiRequest{"POST",
                    std::string(api_base) + "/2010-04-01/Accounts/" + url_encode(account_sid) + "/Messages.json",
                    {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Authorization", "Basic " + base64_encode(credentials)}},
                    "To=" + url_encode(to) + (from.starts_with("MG") ? "&MessagingServiceSid=" : "&From=") +
                        url_encode(from) + "&Body=" + url_encode(text)};
}

SendVerdict read_answer(const ApiResponse& response) {
  if (response.status == 200 || response.status == 201) return verdict(Kind::sent);
  const json answer = parse_answer(response);
  std::string description = "Twilio " + http_status_words(response);
  if (answer.is_object() && answer.contains("message") && answer["message"].is_string()) {
    description = "Twilio " + std::to_string(response.status);
    if (answer.contains("code") && answer["code"].is_number_integer())
      description += " (error " + std::to_string(answer["code"].get<long long>()) + ")";
    description += ": " + answer["message"].get<std::string>();
  }
  // 401: the account SID or auth token is wrong; retried so that a fixed configuration
  // still sends what waited (see telegram_api::read_answer).
  if (response.status == 429 || response.status >= 500 || response.status == 401 || response.status == 0)
    return verdict(Kind::retry, description, response.retry_after);
  return verdict(Kind::give_up, description);  // 400: not a valid number, unsubscribed recipient …
}

}  // namespace twilio_api

namespace wecom_api {
namespace {

// WeCom's global error codes that mean "later", and those that mean the token is stale.
bool busy(long long code) { return code == -1 || code == 45009 || code == 45033 || code == 45011; }
bool stale_token(long long code) { return code == 40014 || code == 42001 || code == 40082; }

// `answer` holds an integer errcode (checked by the callers).
std::string wecom_words(const json& answer) {
  return "WeCom errcode " + std::to_string(answer["errcode"].get<long long>()) + ": " +
         (answer.contains("errmsg") && answer["errmsg"].is_string() ? answer["errmsg"].get<std::string>() : "");
}

}  // namespace

ApiRequest get_token(std::string_view api_base, std::string_view corp_id, std::string_view corp_secret) {
  return ApiRequest{"GET",
                    std::string(api_base) + "/cgi-bin/gettoken?corpid=" + url_encode(corp_id) +
                        "&corpsecret=" + url_encode(corp_secret),
                    {},
                    {}};
}

Result<AccessToken> read_token(const ApiResponse& response) {
  if (response.status != 200) return make_error("wecom_token", "WeCom gettoken " + http_status_words(response));
  const json answer = parse_answer(response);
  if (!answer.is_object() || !answer.contains("errcode") || !answer["errcode"].is_number_integer())
    return make_error("wecom_token", "WeCom gettoken answered something other than its JSON");
  if (answer["errcode"].get<long long>() != 0) return make_error("wecom_token", "gettoken: " + wecom_words(answer));
  if (!answer.contains("access_token") || !answer["access_token"].is_string() ||
      answer["access_token"].get<std::string>().empty())
    return make_error("wecom_token", "WeCom gettoken answered without an access_token");
  AccessToken token{answer["access_token"].get<std::string>(), std::chrono::seconds(7200)};
  if (answer.contains("expires_in") && answer["expires_in"].is_number_integer() && answer["expires_in"].get<long long>() > 0)
    token.lifetime = std::chrono::seconds(answer["expires_in"].get<long long>());
  return token;
}

ApiRequest send_text(std::string_view api_base, std::string_view access_token, std::int64_t agent_id,
                     std::string_view to_user, std::string_view text) {
  const json body = {{"touser", to_user}, {"msgtype", "text"}, {"agentid", agent_id}, {"text", {{"content", text}}}};
  return ApiRequest{"POST", std::string(api_base) + "/cgi-bin/message/send?access_token=" + url_encode(access_token),
                    {{"Content-Type", "application/json"}}, body.dump()};
}

SendVerdict read_answer(const ApiResponse& response) {
  if (response.status != 200) return verdict(Kind::retry, "WeCom " + http_status_words(response), response.retry_after);
  const json answer = parse_answer(response);
  if (!answer.is_object() || !answer.contains("errcode") || !answer["errcode"].is_number_integer())
    return verdict(Kind::retry, "WeCom answered something other than its JSON: " + response.body.substr(0, 200));
  const long long code = answer["errcode"].get<long long>();
  if (code == 0) {
    // WeCom accepts the call and lists the recipients it could not reach.
    if (answer.contains("invaliduser") && answer["invaliduser"].is_string() && !answer["invaliduser"].get<std::string>().empty())
      return verdict(Kind::give_up, "WeCom: the user is not reachable by this app (invaliduser " +
                                        answer["invaliduser"].get<std::string>() + ")");
    return verdict(Kind::sent);
  }
  if (stale_token(code)) return verdict(Kind::renew_credentials, wecom_words(answer));
  if (busy(code)) return verdict(Kind::retry, wecom_words(answer));
  return verdict(Kind::give_up, wecom_words(answer));
}

}  // namespace wecom_api

namespace callback_api {

ApiRequest deliver(std::string_view url, std::string_view secret, const Message& message) {
  const json body = {{"id", message.id},
                     {"channel", message.channel},
                     {"recipient", message.recipient},
                     {"author", message.author},
                     {"text", message.text},
                     {"case", message.case_number ? json(*message.case_number) : json(nullptr)}};
  std::string text = body.dump();
  std::string signature = "sha256=" + hmac_sha256_hex(secret, text);
  return ApiRequest{"POST", std::string(url),
                    {{"Content-Type", "application/json"}, {"X-Intake-Signature", std::move(signature)}},
                    std::move(text)};
}

SendVerdict read_answer(const ApiResponse& response) {
  if (response.status >= 200 && response.status < 300) return verdict(Kind::sent);
  const std::string words = "callback " + http_status_words(response);
  if (response.status == 408 || response.status == 429 || response.status >= 500 || response.status == 401 ||
      response.status == 403 || response.status == 0)
    return verdict(Kind::retry, words, response.retry_after);
  return verdict(Kind::give_up, words);
}

}  // namespace callback_api
}  // namespace intake::channels
