#include "intake/channels/wecom.hpp"

#include <array>
#include <charconv>

#include "intake/channels/flat_xml.hpp"
#include "intake/channels/form_urlencoded.hpp"
#include "intake/channels/json_body.hpp"
#include "intake/channels/signature.hpp"
#include "intake/channels/wecom_crypto.hpp"

namespace intake::channels {
namespace {

constexpr std::size_t kMaxTextBytes = 64 * 1024;

Error unauthorized(std::string message) { return make_error(std::string(errc::unauthorized), std::move(message)); }

struct SignedQuery {
  std::string signature, timestamp, nonce;
  std::optional<std::string> echostr;
};

Result<SignedQuery> signed_query(std::string_view target) {
  const std::size_t q = target.find('?');
  auto fields = parse_form_urlencoded(q == std::string_view::npos ? std::string_view{} : target.substr(q + 1));
  if (!fields) return field_error("the query string is malformed");
  SignedQuery out;
  for (auto [name, into] : {std::pair{"msg_signature", &out.signature}, {"timestamp", &out.timestamp}, {"nonce", &out.nonce}}) {
    auto value = form_value(*fields, name);
    if (!value || value->empty()) return unauthorized(std::string(name) + " is missing from the query string");
    *into = std::move(*value);
  }
  out.echostr = form_value(*fields, "echostr");
  return out;
}

// The cipher, once the channel is configured.
Result<WecomCipher> cipher_of(const WeCom::Options& options) {
  if (!options.token || !options.encoding_aes_key || options.corp_id.empty())
    return unauthorized("this channel is not configured (INTAKE_WECOM_TOKEN, INTAKE_WECOM_AES_KEY and corp_id are needed)");
  auto cipher = WecomCipher::from_encoding_aes_key(*options.encoding_aes_key);
  if (!cipher) return unauthorized("INTAKE_WECOM_AES_KEY is not a valid EncodingAESKey: " + cipher.error().message);
  return cipher;
}

// Verifies the signature over `ciphertext` and decrypts it.
Result<std::string> open_envelope(const WeCom::Options& options, const SignedQuery& query, std::string_view ciphertext) {
  auto cipher = cipher_of(options);
  if (!cipher) return cipher.error();
  const std::string expected = wecom_signature(*options.token, query.timestamp, query.nonce, ciphertext);
  if (!secret_equals(query.signature, expected)) return unauthorized("msg_signature does not match");
  return cipher->decrypt(ciphertext, options.corp_id);
}

std::string marker_for(std::string_view type) {
  static constexpr std::pair<std::string_view, std::string_view> kMarkers[] = {
      {"image", "[image]"}, {"voice", "[voice]"}, {"video", "[video]"}, {"file", "[file]"}, {"location", "[location]"},
      {"link", "[link]"}};
  for (const auto& [name, marker] : kMarkers)
    if (type == name) return std::string(marker);
  return {};
}

// Bytes that only this message determines: the reply to a retry is identical.
std::string derived(const std::array<std::uint8_t, 32>& key, std::string_view message_id) {
  return hmac_sha256_hex(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()), message_id);
}

}  // namespace

std::optional<Result<RenderedReply>> WeCom::answer_get(const HttpRequestView& request) const {
  auto query = signed_query(request.target);
  if (!query) return Result<RenderedReply>(query.error());
  if (!query->echostr) return Result<RenderedReply>(field_error("echostr is missing from the query string"));
  auto echo = open_envelope(options_, *query, *query->echostr);
  if (!echo) return Result<RenderedReply>(echo.error());
  return Result<RenderedReply>(RenderedReply{"text/plain; charset=utf-8", std::move(*echo)});
}

Result<Inbound> WeCom::accept(const HttpRequestView& request, Timestamp received_at) const {
  auto query = signed_query(request.target);
  if (!query) return query.error();
  const auto envelope = parse_flat_xml(request.body);
  if (!envelope || !envelope->contains("Encrypt"))
    return unauthorized("the body is not WeCom's <xml> envelope with an Encrypt element");
  auto plain = open_envelope(options_, *query, envelope->at("Encrypt"));
  if (!plain) return plain.error();
  if (!is_valid_utf8(*plain)) return make_error(std::string(errc::invalid_utf8), "the decrypted message is not valid UTF-8");
  const auto message = parse_flat_xml(*plain);
  if (!message) return field_error("the decrypted message is not WeCom's message XML");
  auto get = [&](const char* name) { auto it = message->find(name); return it == message->end() ? std::string() : it->second; };

  const std::string type = get("MsgType");
  if (type == "event") return make_error(std::string(errc::not_a_message), "a WeCom event (" + get("Event") + ")");
  Inbound in;
  in.channel = "chat";
  in.provider = "wecom";
  in.external_id = get("MsgId");
  in.sender.id = get("FromUserName");
  if (in.external_id.empty() || in.external_id.size() > 256) return field_error("MsgId is required (at most 256 bytes)");
  if (in.sender.id.empty() || in.sender.id.size() > 256) return field_error("FromUserName is required (at most 256 bytes)");
  in.text = type == "text" ? get("Content") : marker_for(type);
  if (in.text.empty()) return make_error(std::string(errc::not_a_message), "a WeCom " + type + " message carries no text");
  if (is_blank(in.text)) return field_error("Content must not be empty (it has no visible character)");
  if (in.text.size() > kMaxTextBytes) return field_error("Content is longer than " + std::to_string(kMaxTextBytes) + " bytes");
  const std::string created = get("CreateTime");
  std::int64_t seconds = 0;
  if (std::from_chars(created.data(), created.data() + created.size(), seconds).ec == std::errc{} && seconds > 0)
    in.sent_at = Timestamp{std::chrono::seconds{seconds}};
  in.received_at = received_at;
  in.raw = std::string(request.body);
  return in;
}

RenderedReply WeCom::render(const Inbound& message, const Acknowledgement& ack) const {
  auto cipher = cipher_of(options_);
  if (!ack.reply_text || !cipher) return RenderedReply{"text/plain; charset=utf-8", ""};
  const std::string seed = derived(cipher->key(), message.external_id);
  std::array<std::uint8_t, 16> prefix{};
  for (std::size_t i = 0; i < prefix.size(); ++i) prefix[i] = static_cast<std::uint8_t>(seed[i]);
  const std::string nonce = std::to_string(std::stoull(seed.substr(32, 8), nullptr, 16));
  const auto at = message.sent_at.value_or(message.received_at);
  const std::string timestamp =
      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count());
  const std::string inner = "<xml><ToUserName>" + cdata(message.sender.id) + "</ToUserName><FromUserName>" +
                            cdata(options_.corp_id) + "</FromUserName><CreateTime>" + timestamp +
                            "</CreateTime><MsgType>" + cdata("text") + "</MsgType><Content>" + cdata(*ack.reply_text) +
                            "</Content></xml>";
  const std::string encrypted = cipher->encrypt(inner, options_.corp_id, prefix);
  const std::string signature = wecom_signature(*options_.token, timestamp, nonce, encrypted);
  return RenderedReply{"application/xml; charset=utf-8",
                       "<xml><Encrypt>" + cdata(encrypted) + "</Encrypt><MsgSignature>" + cdata(signature) +
                           "</MsgSignature><TimeStamp>" + timestamp + "</TimeStamp><Nonce>" + cdata(nonce) +
                           "</Nonce></xml>"};
}

}  // namespace intake::channels
