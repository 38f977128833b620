#include "gateway/config.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "intake/channels/send_api.hpp"
#include "intake/sla.hpp"

namespace intake::gateway {
namespace {

using nlohmann::json;

Error config_error(const std::filesystem::path& file, const std::string& pointer, const std::string& what) {
  return make_error("invalid_config", file.string() + ": " + pointer + ": " + what);
}

// Reads an optional member of the expected JSON type into `out`.
template <class T>
std::optional<Error> read(const json& object, const char* key, T& out, const std::filesystem::path& file,
                          const std::string& at) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  const std::string pointer = at + "/" + key;
  if constexpr (std::is_same_v<T, bool>) {
    if (!it->is_boolean()) return config_error(file, pointer, "must be true or false");
    out = it->get<bool>();
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::filesystem::path>) {
    if (!it->is_string()) return config_error(file, pointer, "must be a string");
    out = it->get<std::string>();
  } else {
    // Within the field's type, so that 4294967296 threads is an error, not zero.
    const long long max = static_cast<long long>(std::min<unsigned long long>(
        std::numeric_limits<T>::max(), static_cast<unsigned long long>(std::numeric_limits<int>::max())));
    if (!it->is_number_integer() || it->get<long long>() <= 0 || it->get<long long>() > max)
      return config_error(file, pointer, "must be a whole number from 1 to " + std::to_string(max));
    out = static_cast<T>(it->get<long long>());
  }
  return std::nullopt;
}

}  // namespace

Result<std::pair<std::string, std::uint16_t>> parse_listen(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return make_error("invalid_listen", "expected HOST:PORT, got \"" + std::string(text) + "\"");
  std::string host(text.substr(0, colon));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535)
    return make_error("invalid_listen", "the port in \"" + std::string(text) + "\" must be a number from 0 to 65535");
  return std::pair<std::string, std::uint16_t>{host, static_cast<std::uint16_t>(port)};
}

Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("io", path.string() + ": cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Result<Config> load_config(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) return make_error("invalid_config", text.error().message);
  json doc;
  try {
    doc = json::parse(*text, nullptr, true, /*ignore_comments=*/true);
  } catch (const json::exception& e) {  // syntax, and numbers out of range ("1e99999")
    return config_error(path, "", std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) return config_error(path, "", "must be a JSON object");

  Config c;
  c.source = path;
  std::string listen;
  if (auto e = read(doc, "listen", listen, path, "")) return *e;
  if (!listen.empty()) {
    auto parsed = parse_listen(listen);
    if (!parsed) return config_error(path, "/listen", parsed.error().message);
    c.listen_host = parsed->first;
    c.listen_port = parsed->second;
  }
  if (auto e = read(doc, "public_base_url", c.public_base_url, path, "")) return *e;
  if (auto e = read(doc, "data_dir", c.data_dir, path, "")) return *e;
  if (auto e = read(doc, "database_url", c.database_url, path, "")) return *e;
  if (auto e = read(doc, "case_number_prefix", c.case_number_prefix, path, "")) return *e;
  for (char ch : c.case_number_prefix)
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) || c.case_number_prefix.size() > 8)
      return config_error(path, "/case_number_prefix", "must be 1 to 8 capital letters or digits");
  if (c.case_number_prefix.empty()) return config_error(path, "/case_number_prefix", "must not be empty");
  if (auto e = read(doc, "rules", c.rules, path, "")) return *e;
  if (auto e = read(doc, "sla", c.sla, path, "")) return *e;
  if (auto e = read(doc, "calendar", c.calendar, path, "")) return *e;
  if (auto e = read(doc, "corpus", c.corpus, path, "")) return *e;
  if (auto e = read(doc, "threads", c.threads, path, "")) return *e;

  if (doc.contains("tls")) {
    if (!doc["tls"].is_object()) return config_error(path, "/tls", "must be an object");
    if (auto e = read(doc["tls"], "certificate", c.tls_certificate, path, "/tls")) return *e;
    if (auto e = read(doc["tls"], "private_key", c.tls_private_key, path, "/tls")) return *e;
    if (c.tls_certificate.empty() != c.tls_private_key.empty())
      return config_error(path, "/tls", "give both certificate and private_key, or neither");
  }
  if (doc.contains("limits")) {
    const json& l = doc["limits"];
    if (!l.is_object()) return config_error(path, "/limits", "must be an object");
    if (auto e = read(l, "body_bytes", c.limits.body_bytes, path, "/limits")) return *e;
    if (auto e = read(l, "header_bytes", c.limits.header_bytes, path, "/limits")) return *e;
    if (auto e = read(l, "max_connections", c.limits.max_connections, path, "/limits")) return *e;
    if (auto e = read(l, "read_timeout_seconds", c.limits.read_timeout_seconds, path, "/limits")) return *e;
    if (auto e = read(l, "idle_timeout_seconds", c.limits.idle_timeout_seconds, path, "/limits")) return *e;
    if (auto e = read(l, "mail_body_bytes", c.limits.mail_body_bytes, path, "/limits")) return *e;
  }
  if (doc.contains("store")) {
    const json& s = doc["store"];
    if (!s.is_object()) return config_error(path, "/store", "must be an object");
    if (auto e = read(s, "connections", c.store.connections, path, "/store")) return *e;
    if (auto e = read(s, "max_batch", c.store.max_batch, path, "/store")) return *e;
  }
  if (doc.contains("mail")) {
    const json& m = doc["mail"];
    if (!m.is_object()) return config_error(path, "/mail", "must be an object");
    if (auto e = read(m, "address", c.mail.address, path, "/mail")) return *e;
    const auto at = c.mail.address.find('@');
    if (at == std::string::npos || at == 0 || at + 1 >= c.mail.address.size() ||
        c.mail.address.find_first_of(" <>\t\"") != std::string::npos)
      return config_error(path, "/mail/address", "must be a plain e-mail address such as service@factory.example");
    if (auto e = read(m, "auto_replies_per_hour", c.mail.auto_replies_per_hour, path, "/mail")) return *e;
    if (c.mail.auto_replies_per_hour < 0)
      return config_error(path, "/mail/auto_replies_per_hour", "must be 0 (never reply) or more");
    if (auto e = read(m, "display_name", c.mail.display_name, path, "/mail")) return *e;
    if (m.contains("smtp")) {
      const json& t = m["smtp"];
      Config::Smtp& smtp = c.mail.smtp;
      if (!t.is_object()) return config_error(path, "/mail/smtp", "must be an object");
      if (auto e = read(t, "url", smtp.url, path, "/mail/smtp")) return *e;
      if (!smtp.url.empty() && !smtp.url.starts_with("smtp://") && !smtp.url.starts_with("smtps://"))
        return config_error(path, "/mail/smtp/url", "must start with smtp:// (STARTTLS) or smtps:// (TLS from the start)");
      if (auto e = read(t, "starttls", smtp.starttls, path, "/mail/smtp")) return *e;
      if (smtp.starttls != "required" && smtp.starttls != "if_available" && smtp.starttls != "off")
        return config_error(path, "/mail/smtp/starttls", "must be \"required\", \"if_available\" or \"off\"");
      if (auto e = read(t, "username", smtp.username, path, "/mail/smtp")) return *e;
      if (auto e = read(t, "ca_file", smtp.ca_file, path, "/mail/smtp")) return *e;
      if (auto e = read(t, "timeout_seconds", smtp.timeout_seconds, path, "/mail/smtp")) return *e;
      // A claim older than ten minutes counts as a crashed send (gateway/outbox_worker.hpp).
      if (smtp.timeout_seconds > 300) return config_error(path, "/mail/smtp/timeout_seconds", "must be at most 300");
      for (const char* moved : {"retry_base_seconds", "max_attempts", "poll_seconds"})
        if (t.contains(moved))
          return config_error(path, std::string("/mail/smtp/") + moved,
                              std::string("moved to /outbox/") + moved + " (the same for every channel)");
    }
  }
  if (doc.contains("outbox")) {
    const json& o = doc["outbox"];
    if (!o.is_object()) return config_error(path, "/outbox", "must be an object");
    for (auto [name, field] : {std::pair{"poll_seconds", &c.outbox.poll_seconds},
                               std::pair{"retry_base_seconds", &c.outbox.retry_base_seconds},
                               std::pair{"max_attempts", &c.outbox.max_attempts},
                               std::pair{"timeout_seconds", &c.outbox.timeout_seconds}})
      if (auto e = read(o, name, *field, path, "/outbox")) return *e;
    if (c.outbox.timeout_seconds > 300) return config_error(path, "/outbox/timeout_seconds", "must be at most 300");
    if (auto e = read(o, "ca_file", c.outbox.ca_file, path, "/outbox")) return *e;
    auto provider = [&](const char* key) -> Result<const json*> {
      if (!o.contains(key)) return static_cast<const json*>(nullptr);
      if (!o[key].is_object()) return config_error(path, std::string("/outbox/") + key, "must be an object");
      return &o[key];
    };
    auto api_base = [&](const json& p, const std::string& at, std::string& out) -> std::optional<Error> {
      if (auto e = read(p, "api_base", out, path, at)) return *e;
      auto checked = channels::checked_api_base(out);
      if (!checked) return config_error(path, at + "/api_base", checked.error().message);
      out = *checked;
      return std::nullopt;
    };
    auto telegram = provider("telegram");
    if (!telegram) return telegram.error();
    if (*telegram)
      if (auto e = api_base(**telegram, "/outbox/telegram", c.outbox.telegram.api_base)) return *e;
    auto wecom = provider("wecom");
    if (!wecom) return wecom.error();
    if (*wecom) {
      if (auto e = api_base(**wecom, "/outbox/wecom", c.outbox.wecom.api_base)) return *e;
      if (auto e = read(**wecom, "agent_id", c.outbox.wecom.agent_id, path, "/outbox/wecom")) return *e;
    }
    auto twilio = provider("twilio");
    if (!twilio) return twilio.error();
    if (*twilio) {
      if (auto e = api_base(**twilio, "/outbox/twilio", c.outbox.twilio.api_base)) return *e;
      if (auto e = read(**twilio, "account_sid", c.outbox.twilio.account_sid, path, "/outbox/twilio")) return *e;
      if (!c.outbox.twilio.account_sid.empty() &&
          (!c.outbox.twilio.account_sid.starts_with("AC") ||
           c.outbox.twilio.account_sid.find_first_of("/?#&% ") != std::string::npos))
        return config_error(path, "/outbox/twilio/account_sid", "must be the account's SID, \"AC…\"");
      if (auto e = read(**twilio, "from", c.outbox.twilio.from, path, "/outbox/twilio")) return *e;
    }
  }
  if (doc.contains("escalation")) {
    const json& e = doc["escalation"];
    if (!e.is_object()) return config_error(path, "/escalation", "must be an object");
    if (auto err = read(e, "poll_seconds", c.escalation.poll_seconds, path, "/escalation")) return *err;
    if (c.escalation.poll_seconds < 1 || c.escalation.poll_seconds > 300)
      return config_error(path, "/escalation/poll_seconds", "must be 1 to 300");
    if (e.contains("notify")) {
      const json& n = e["notify"];
      if (!n.is_object()) return config_error(path, "/escalation/notify", "must be an object of level → {\"email\"}");
      for (const auto& [level, target] : n.items()) {
        const std::string at = "/escalation/notify/" + level;
        if (!parse_escalation_level(level))
          return config_error(path, at, "unknown level (service_staff, after_sales_department, sales_vice_president, "
                                        "general_manager)");
        if (!target.is_object() || !target.contains("email") || !target["email"].is_string() ||
            target["email"].get<std::string>().find('@') == std::string::npos)
          return config_error(path, at, "must be {\"email\": \"…@…\"}");
        c.escalation.notify_email[level] = target["email"].get<std::string>();
      }
    }
  }
  if (doc.contains("console")) {
    const json& k = doc["console"];
    if (!k.is_object()) return config_error(path, "/console", "must be an object");
    if (auto e = read(k, "idle_minutes", c.console.idle_minutes, path, "/console")) return *e;
    if (auto e = read(k, "session_hours", c.console.session_hours, path, "/console")) return *e;
    if (c.console.idle_minutes > 24 * 60) return config_error(path, "/console/idle_minutes", "must be at most 1440 (a day)");
    if (c.console.session_hours > 24 * 7) return config_error(path, "/console/session_hours", "must be at most 168 (a week)");
  }
  if (doc.contains("web_chat")) {
    const json& w = doc["web_chat"];
    if (!w.is_object()) return config_error(path, "/web_chat", "must be an object");
    if (auto e = read(w, "enabled", c.web_chat.enabled, path, "/web_chat")) return *e;
  }
  if (doc.contains("channels")) {
    const json& ch = doc["channels"];
    if (!ch.is_object()) return config_error(path, "/channels", "must be an object");
    for (const auto& [name, value] : ch.items()) {
      const std::string at = "/channels/" + name;
      if (!value.is_object()) return config_error(path, at, "must be an object");
      Config::Channel* settings = nullptr;
      std::string known;
      for (const Config::NamedChannel& channel : c.channels()) {
        if (channel.route == name) settings = channel.settings;
        known += (known.empty() ? "" : ", ") + std::string(channel.route);
      }
      if (settings == nullptr) return config_error(path, at, "unknown channel (known: " + known + ")");
      if (auto e = read(value, "enabled", settings->enabled, path, at)) return *e;
      if (auto e = read(value, "allow_unsigned", settings->allow_unsigned, path, at)) return *e;
      if (settings == &c.wecom)
        if (auto e = read(value, "corp_id", c.wecom.corp_id, path, at)) return *e;
      if (value.contains("callback_url")) {
        if (settings != &c.generic_chat && settings != &c.cti)
          return config_error(path, at + "/callback_url", "only chat/generic and hotline/cti have a callback URL");
        if (auto e = read(value, "callback_url", settings->callback_url, path, at)) return *e;
        if (!settings->callback_url.empty() && !channels::checked_api_base(settings->callback_url))
          return config_error(path, at + "/callback_url", "must be an https:// URL");
      }
    }
  }

  // Paths inside the file are relative to the file.
  const auto base = std::filesystem::absolute(path).parent_path();
  auto resolve = [&](std::filesystem::path& p) {
    if (!p.empty() && p.is_relative()) p = base / p;
  };
  resolve(c.rules);
  resolve(c.sla);
  resolve(c.calendar);
  resolve(c.corpus);
  resolve(c.tls_certificate);
  resolve(c.tls_private_key);
  resolve(c.mail.smtp.ca_file);
  resolve(c.outbox.ca_file);
  return c;
}

std::vector<Config::NamedChannel> Config::channels() {
  return {{"chat/generic", "INTAKE_CHAT_GENERIC_SECRET", &generic_chat},
          {"chat/telegram", "INTAKE_TELEGRAM_SECRET_TOKEN", &telegram},
          {"hotline/twilio-sms", "INTAKE_TWILIO_AUTH_TOKEN", &twilio_sms},
          {"hotline/twilio-voice", "INTAKE_TWILIO_AUTH_TOKEN", &twilio_voice},
          {"hotline/cti", "INTAKE_HOTLINE_CTI_SECRET", &cti},
          {"chat/wecom", "INTAKE_WECOM_TOKEN", &wecom},
          {"email/raw", "INTAKE_EMAIL_RAW_SECRET", &email_raw},
          {"email/mailgun", "INTAKE_MAILGUN_SIGNING_KEY", &mailgun}};
}

void read_secrets_from_environment(Config& config) {
  for (const Config::NamedChannel& channel : config.channels())
    if (const char* s = std::getenv(std::string(channel.secret_env).c_str()); s && *s) channel.settings->secret = s;
  if (const char* s = std::getenv("INTAKE_WECOM_AES_KEY"); s && *s) config.wecom.encoding_aes_key = s;
  if (const char* s = std::getenv("INTAKE_SMTP_PASSWORD"); s && *s) config.mail.smtp.password = s;
  if (const char* s = std::getenv("INTAKE_TELEGRAM_BOT_TOKEN"); s && *s) config.outbox.telegram.bot_token = s;
  if (const char* s = std::getenv("INTAKE_WECOM_SECRET"); s && *s) config.outbox.wecom.secret = s;
  if (const char* s = std::getenv("INTAKE_CHAT_WEB_SECRET"); s && *s) config.web_chat.secret = s;
}

}  // namespace intake::gateway
