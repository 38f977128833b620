#include "gateway/channel_senders.hpp"

#include <algorithm>
#include <tuple>

#include "gateway/api_client.hpp"
#include "gateway/clock.hpp"
#include "gateway/log.hpp"
#include "gateway/smtp_client.hpp"
#include "intake/channels/mail_compose.hpp"
#include "intake/channels/mail_inbound.hpp"
#include "intake/channels/send_api.hpp"

namespace intake::gateway {
namespace {

using nlohmann::json;
using channels::SendVerdict;

Delivery refused(std::string why) {
  Delivery d;
  d.permanent = true;
  d.error = std::move(why);
  return d;
}

// Sends the parts of the item's text that have not gone out yet, in order, each with
// `send_part` (which answers a verdict, or an Error when no answer came), and stops at
// the first part that does not go out.
template <class SendPart>
Delivery send_in_parts(const OutboxItem& item, std::size_t max_units, channels::TextUnit unit, SendPart send_part) {
  const json& payload = item.payload;
  if (!payload.contains("text") || !payload["text"].is_string() || payload["text"].get<std::string>().empty())
    return refused("the outbox row has no text");
  const std::vector<std::string> parts = channels::split_message(payload["text"].get<std::string>(), max_units, unit);
  Delivery d;
  if (payload.contains("parts_sent") && payload["parts_sent"].is_number_integer())
    d.parts_sent = static_cast<int>(std::clamp<long long>(payload["parts_sent"].get<long long>(), 0,
                                                          static_cast<long long>(parts.size())));
  for (std::size_t i = static_cast<std::size_t>(d.parts_sent); i < parts.size(); ++i) {
    Result<SendVerdict> verdict = send_part(parts[i]);
    if (!verdict) {
      d.error = verdict.error().message;  // no answer: try again later
      return d;
    }
    if (verdict->kind == SendVerdict::Kind::sent) {
      ++d.parts_sent;
      continue;
    }
    d.error = verdict->error;
    d.retry_after = verdict->retry_after;
    d.permanent = verdict->kind == SendVerdict::Kind::give_up;
    if (parts.size() > 1) d.error += " (part " + std::to_string(i + 1) + " of " + std::to_string(parts.size()) + ")";
    return d;
  }
  d.sent = true;
  return d;
}

// A string member of a JSON object, or "" (the outbox's JSON is ours, but a row edited by
// hand must not stop the worker with an exception).
std::string string_at(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return "";
  return object[key].get<std::string>();
}

// The provider's id of the customer: a chat id, a WeCom user id, a phone number.
std::optional<std::string> recipient_id(const OutboxItem& item) {
  if (!item.recipient.is_object() || !item.recipient.contains("id") || !item.recipient["id"].is_string() ||
      item.recipient["id"].get<std::string>().empty())
    return std::nullopt;
  return item.recipient["id"].get<std::string>();
}

Result<SendVerdict> call(const channels::ApiRequest& request, const ApiClientSettings& client,
                         SendVerdict (*read_answer)(const channels::ApiResponse&)) {
  auto response = call_api(request, client);
  if (!response) return response.error();
  return read_answer(*response);
}

class EmailSender final : public ChannelSender {
 public:
  explicit EmailSender(Config::Mail mail) : mail_(std::move(mail)) {}

  Delivery send(const OutboxItem& item) override {
    const json& recipient = item.recipient;
    const json& payload = item.payload;
    if (string_at(recipient, "email").empty() || !payload.is_object() || !payload.contains("text"))
      return refused("the outbox row has no recipient address or no text");
    channels::ReplyMail mail;
    mail.from_address = string_at(payload, "from");
    if (mail.from_address.empty()) mail.from_address = mail_.address;
    mail.from_name = mail_.display_name;
    mail.to_address = string_at(recipient, "email");
    mail.to_name = string_at(recipient, "name");
    mail.subject = channels::reply_subject(string_at(payload, "subject"), item.case_number);
    mail.message_id = string_at(payload, "message_id");
    if (payload.contains("in_reply_to") && payload["in_reply_to"].is_string())
      mail.in_reply_to = payload["in_reply_to"].get<std::string>();
    if (payload.contains("references") && payload["references"].is_array())
      for (const json& r : payload["references"])
        if (r.is_string()) mail.references.push_back(r.get<std::string>());
    mail.text = string_at(payload, "text");
    // Staff messages are a person's, not auto-replies.
    mail.automatic = !(payload.contains("automatic") && payload["automatic"].is_boolean() && !payload["automatic"].get<bool>());
    mail.date = now();
    const SmtpOutcome outcome =
        smtp_send(mail_.smtp, mail.from_address, mail.to_address, channels::compose_mail(mail));
    Delivery d;
    d.sent = outcome.sent;
    d.permanent = outcome.permanent;
    d.error = outcome.error;
    d.parts_sent = outcome.sent ? 1 : 0;
    return d;
  }

 private:
  Config::Mail mail_;
};

class TelegramSender final : public ChannelSender {
 public:
  TelegramSender(Config::Outbox::Telegram settings, ApiClientSettings client)
      : settings_(std::move(settings)), client_(std::move(client)) {}

  Delivery send(const OutboxItem& item) override {
    const auto chat = recipient_id(item);
    if (!chat) return refused("the outbox row has no Telegram chat id");
    return send_in_parts(item, channels::telegram_api::kMaxText, channels::telegram_api::kUnit, [&](const std::string& part) {
      return call(channels::telegram_api::send_message(settings_.api_base, *settings_.bot_token, *chat, part), client_,
                  channels::telegram_api::read_answer);
    });
  }

 private:
  Config::Outbox::Telegram settings_;
  ApiClientSettings client_;
};

class TwilioSender final : public ChannelSender {
 public:
  TwilioSender(Config::Outbox::Twilio settings, std::string auth_token, ApiClientSettings client)
      : settings_(std::move(settings)), auth_token_(std::move(auth_token)), client_(std::move(client)) {}

  Delivery send(const OutboxItem& item) override {
    const auto phone = recipient_id(item);
    if (!phone) return refused("the outbox row has no phone number");
    return send_in_parts(item, channels::twilio_api::kMaxText, channels::twilio_api::kUnit, [&](const std::string& part) {
      return call(channels::twilio_api::create_message(settings_.api_base, settings_.account_sid, auth_token_,
                                                       settings_.from, *phone, part),
                  client_, channels::twilio_api::read_answer);
    });
  }

 private:
  Config::Outbox::Twilio settings_;
  std::string auth_token_;
  ApiClientSettings client_;
};

// WeCom wants an access token, valid about two hours, got with the app's secret. It is
// kept until shortly before it expires, or until WeCom says it is stale. Only the
// outbox worker's one thread uses a sender, so the cache needs no lock.
class WeComSender final : public ChannelSender {
 public:
  WeComSender(Config::Outbox::WeCom settings, std::string corp_id, ApiClientSettings client)
      : settings_(std::move(settings)), corp_id_(std::move(corp_id)), client_(std::move(client)) {}

  Delivery send(const OutboxItem& item) override {
    const auto user = recipient_id(item);
    if (!user) return refused("the outbox row has no WeCom user id");
    return send_in_parts(item, channels::wecom_api::kMaxText, channels::wecom_api::kUnit,
                         [&](const std::string& part) -> Result<SendVerdict> {
                           // A stale token is renewed once, then the part is sent again.
                           for (int attempt = 0;; ++attempt) {
                             auto token = access_token();
                             if (!token) return token.error();
                             auto verdict = call(channels::wecom_api::send_text(settings_.api_base, *token,
                                                                                settings_.agent_id, *user, part),
                                                 client_, channels::wecom_api::read_answer);
                             if (!verdict || verdict->kind != SendVerdict::Kind::renew_credentials) return verdict;
                             token_.reset();
                             if (attempt == 1) {  // a fresh token refused too: WeCom's trouble, later
                               verdict->kind = SendVerdict::Kind::retry;
                               return verdict;
                             }
                             log::info("wecom_token_renewed", {{"reason", verdict->error}});
                           }
                         });
  }

 private:
  struct CachedToken {
    std::string token;
    std::chrono::steady_clock::time_point renew_after;
  };

  Result<std::string> access_token() {
    const auto now = std::chrono::steady_clock::now();
    if (token_ && now < token_->renew_after) return token_->token;
    auto response = call_api(channels::wecom_api::get_token(settings_.api_base, corp_id_, *settings_.secret), client_);
    if (!response) return response.error();
    auto token = channels::wecom_api::read_token(*response);
    if (!token) return token.error();
    // Renewed five minutes early (or at half its life, for a short one), never used stale.
    const auto margin = std::min<std::chrono::seconds>(std::chrono::minutes(5), token->lifetime / 2);
    token_ = CachedToken{token->token, now + token->lifetime - margin};
    return token_->token;
  }

  Config::Outbox::WeCom settings_;
  std::string corp_id_;
  ApiClientSettings client_;
  std::optional<CachedToken> token_;
};

// The generic chat and CTI platforms: one signed POST of the whole message.
class CallbackSender final : public ChannelSender {
 public:
  CallbackSender(std::string url, std::string secret, ApiClientSettings client)
      : url_(std::move(url)), secret_(std::move(secret)), client_(std::move(client)) {}

  Delivery send(const OutboxItem& item) override {
    const auto recipient = recipient_id(item);
    if (!recipient) return refused("the outbox row has no recipient id");
    const std::string kind = string_at(item.payload, "kind");
    const channels::callback_api::Message message{item.id, item.route, *recipient,
                                                  kind == "staff_message" ? "staff" : "bot", string_at(item.payload, "text"),
                                                  item.case_number};
    if (message.text.empty()) return refused("the outbox row has no text");
    // One part: the platform takes a message of any length.
    return send_in_parts(item, message.text.size(), channels::TextUnit::utf8_bytes, [&](const std::string&) {
      return call(channels::callback_api::deliver(url_, secret_, message), client_, channels::callback_api::read_answer);
    });
  }

 private:
  std::string url_, secret_;
  ApiClientSettings client_;
};

}  // namespace

ChannelSenders ChannelSenders::from_config(const Config& config) {
  ChannelSenders s;
  const ApiClientSettings client{config.outbox.ca_file, std::chrono::seconds(config.outbox.timeout_seconds)};
  auto missing = [](std::vector<std::string> gaps) {
    std::string words;
    for (const auto& g : gaps) words += (words.empty() ? "" : ", ") + g;
    return words;
  };

  if (!config.mail.smtp.url.empty())
    s.senders_["email/*"] = std::make_shared<EmailSender>(config.mail);
  else
    s.waiting.push_back("email: mail.smtp.url is not set");

  const auto& telegram = config.outbox.telegram;
  if (telegram.bot_token)
    s.senders_["chat/telegram"] = std::make_shared<TelegramSender>(telegram, client);
  else if (config.telegram.enabled)
    s.waiting.push_back("chat/telegram: INTAKE_TELEGRAM_BOT_TOKEN is not set");

  const auto& wecom = config.outbox.wecom;
  std::vector<std::string> wecom_gaps;
  if (config.wecom.corp_id.empty()) wecom_gaps.push_back("channels.\"chat/wecom\".corp_id");
  if (wecom.agent_id <= 0) wecom_gaps.push_back("outbox.wecom.agent_id");
  if (!wecom.secret) wecom_gaps.push_back("INTAKE_WECOM_SECRET");
  if (wecom_gaps.empty())
    s.senders_["chat/wecom"] = std::make_shared<WeComSender>(wecom, config.wecom.corp_id, client);
  else if (config.wecom.enabled)
    s.waiting.push_back("chat/wecom: " + missing(wecom_gaps) + " not set");

  const auto& twilio = config.outbox.twilio;
  const std::optional<std::string>& auth_token = config.twilio_sms.secret;  // the same variable for voice
  std::vector<std::string> twilio_gaps;
  if (twilio.account_sid.empty()) twilio_gaps.push_back("outbox.twilio.account_sid");
  if (twilio.from.empty()) twilio_gaps.push_back("outbox.twilio.from");
  if (!auth_token) twilio_gaps.push_back("INTAKE_TWILIO_AUTH_TOKEN");
  if (twilio_gaps.empty()) {
    auto sms = std::make_shared<TwilioSender>(twilio, *auth_token, client);
    s.senders_["hotline/twilio-sms"] = sms;
    s.senders_["hotline/twilio-voice"] = sms;  // a caller gets our written answer as an SMS
  } else if (config.twilio_sms.enabled || config.twilio_voice.enabled) {
    s.waiting.push_back("hotline/twilio-sms and twilio-voice: " + missing(twilio_gaps) + " not set");
  }

  for (const auto& [route, channel, secret_env] :
       {std::tuple{"chat/generic", &config.generic_chat, "INTAKE_CHAT_GENERIC_SECRET"},
        std::tuple{"hotline/cti", &config.cti, "INTAKE_HOTLINE_CTI_SECRET"}}) {
    if (!channel->callback_url.empty() && channel->secret)
      s.senders_[route] = std::make_shared<CallbackSender>(channel->callback_url, *channel->secret, client);
    else if (!channel->callback_url.empty())
      s.waiting.push_back(std::string(route) + ": " + secret_env + " is not set (it signs the callback)");
    else if (channel->enabled && channel->secret)
      s.waiting.push_back(std::string(route) + ": channels.\"" + route + "\".callback_url is not set");
  }
  return s;
}

ChannelSender* ChannelSenders::find(const std::string& channel, const std::string& provider) const {
  if (auto it = senders_.find(channel + "/" + provider); it != senders_.end()) return it->second.get();
  if (auto it = senders_.find(channel + "/*"); it != senders_.end()) return it->second.get();
  return nullptr;
}

std::vector<std::string> ChannelSenders::claim_patterns() const {
  std::vector<std::string> patterns;
  for (const auto& [key, sender] : senders_) patterns.push_back(key.ends_with("/*") ? key.substr(0, key.size() - 1) + "%" : key);
  return patterns;
}

}  // namespace intake::gateway
