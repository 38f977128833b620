#pragma once
// The gateway's configuration: config/gateway.json, overridden by command-line flags;
// secrets only from the environment (INTAKE_<CHANNEL>_<NAME>).
//
// Relative paths inside the file (rules, sla, calendar, tls) are relative to the file's own
// folder; --data-dir is relative to the working directory.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intake/result.hpp"

namespace intake::gateway {

struct Config {
  std::filesystem::path source;  // the file this was read from
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8443;
  std::string public_base_url;
  std::filesystem::path data_dir = "var";
  std::string database_url;  // empty: embedded PostgreSQL under data_dir
  std::filesystem::path tls_certificate;  // empty: a self-signed one under data_dir
  std::filesystem::path tls_private_key;
  std::string case_number_prefix = "TS";
  std::filesystem::path rules = "rules/default.json";
  std::filesystem::path sla = "sla.json";
  std::filesystem::path calendar = "calendar";  // a folder of *.json calendar files, or one file
  std::filesystem::path corpus = "corpus/regression.jsonl";  // labelled messages a new rule version is judged on
  struct Limits {
    std::size_t body_bytes = 1024 * 1024;
    std::size_t header_bytes = 16 * 1024;
    std::size_t max_connections = 2048;
    int read_timeout_seconds = 15;
    int idle_timeout_seconds = 60;
    std::size_t mail_body_bytes = 25 * 1024 * 1024;  // /webhooks/email/*: mails carry attachments
  } limits;
  int threads = 2;
  struct Store {
    int connections = 4;
    int max_batch = 64;
  } store;
  // One webhook channel: "channels": {"<route>": {"enabled", "allow_unsigned"}} in the
  // file; its secret only ever from the environment (see channels() below).
  struct Channel {
    bool enabled = true;
    bool allow_unsigned = false;
    std::optional<std::string> secret;
    // chat/generic and hotline/cti only: where what we write later is POSTed, signed with
    // the secret (channels::callback_api). Empty: those messages wait in the outbox.
    std::string callback_url;
  };
  Channel generic_chat;  // chat/generic, INTAKE_CHAT_GENERIC_SECRET
  Channel telegram;      // chat/telegram, INTAKE_TELEGRAM_SECRET_TOKEN
  Channel twilio_sms;    // hotline/twilio-sms, INTAKE_TWILIO_AUTH_TOKEN
  Channel twilio_voice;  // hotline/twilio-voice, INTAKE_TWILIO_AUTH_TOKEN
  Channel cti;           // hotline/cti, INTAKE_HOTLINE_CTI_SECRET
  struct WeComChannel : Channel {
    std::optional<std::string> encoding_aes_key;  // INTAKE_WECOM_AES_KEY
    std::string corp_id;                          // channels."chat/wecom".corp_id
  } wecom;                                        // chat/wecom, token in INTAKE_WECOM_TOKEN
  Channel email_raw;     // email/raw, INTAKE_EMAIL_RAW_SECRET
  Channel mailgun;       // email/mailgun, INTAKE_MAILGUN_SIGNING_KEY

  // E-mail the gateway sends: "mail": {"address", "display_name", "auto_replies_per_hour",
  // "smtp": {…}}; the SMTP password only from INTAKE_SMTP_PASSWORD. How often a send is
  // retried is the outbox's (below), the same for every channel.
  struct Smtp {
    std::string url;                  // "smtp://relay:587" or "smtps://relay:465"; empty: nothing is sent
    std::string starttls = "required";  // for smtp://: "required", "if_available" or "off"
    std::string username;
    std::optional<std::string> password;  // INTAKE_SMTP_PASSWORD
    std::filesystem::path ca_file;    // trust this CA (a relay with its own certificate); empty: the system's
    int timeout_seconds = 30;
  };
  struct Mail {
    std::string address = "service@intake.localhost";  // From of replies, X-Loop marker
    std::string display_name;                           // shown with the address, e.g. "客户服务中心"
    int auto_replies_per_hour = 3;                      // per conversation (loop protection)
    Smtp smtp;
    std::string domain() const { return address.substr(address.find('@') + 1); }
  } mail;

  // The company's own web chat (/chat, /chat/ws): "web_chat": {"enabled"} in the file. The
  // key that signs customers' tokens from INTAKE_CHAT_WEB_SECRET; without it, one is
  // generated under data_dir (fine for one instance; several must share the variable).
  // The staff console's browser sessions: "console": {"idle_minutes", "session_hours"}.
  struct Console {
    int idle_minutes = 30;   // a session unused this long ends
    int session_hours = 12;  // and every session ends this long after signing in
  } console;

  struct WebChat {
    bool enabled = true;
    std::optional<std::string> secret;
  } web_chat;

  // What leaves later through the outbox (e-mail, and staff messages and satisfaction
  // questions to chat and SMS): "outbox": {"poll_seconds", "retry_base_seconds",
  // "max_attempts", "ca_file", "timeout_seconds", "telegram": {…}, "wecom": {…},
  // "twilio": {…}}. A channel sends once its credentials are there; until then its
  // messages wait in the outbox.
  struct Outbox {
    int poll_seconds = 5;         // how often retries and other instances' work are looked for
    int retry_base_seconds = 30;  // first retry after this, doubling, at most an hour apart
    int max_attempts = 8;         // then the message is marked failed for a person to see
    std::filesystem::path ca_file;  // for the provider APIs: trust this CA; empty: the system's
    int timeout_seconds = 15;       // per API call
    struct Telegram {             // chat/telegram: Bot API sendMessage
      std::string api_base = "https://api.telegram.org";
      std::optional<std::string> bot_token;  // INTAKE_TELEGRAM_BOT_TOKEN
    } telegram;
    struct WeCom {                // chat/wecom: message/send as the app; corp id of channels."chat/wecom"
      std::string api_base = "https://qyapi.weixin.qq.com";
      std::int64_t agent_id = 0;  // the app's AgentId
      std::optional<std::string> secret;  // INTAKE_WECOM_SECRET, the app's Secret
    } wecom;
    struct Twilio {               // hotline/twilio-sms and -voice: an SMS to the customer's number
      std::string api_base = "https://api.twilio.com";
      std::string account_sid;    // AC…; the auth token is INTAKE_TWILIO_AUTH_TOKEN
      std::string from;           // our number (E.164) or a Messaging Service SID (MG…)
    } twilio;
  } outbox;

  // SLA timers and the escalation ladder: "escalation": {"poll_seconds", "notify":
  // {"<level>": {"email": "…"}}} in the file. Levels: service_staff, after_sales_department,
  // sales_vice_president, general_manager. A level without an address is not notified
  // (the case still records its level and events).
  struct Escalation {
    int poll_seconds = 15;
    std::map<std::string, std::string> notify_email;
  } escalation;

  struct NamedChannel {
    std::string_view route;       // below /webhooks/
    std::string_view secret_env;  // the environment variable holding its secret
    Channel* settings;
  };
  // Every channel the gateway knows, for code that treats them alike (the config file,
  // the environment, the start-up warnings).
  std::vector<NamedChannel> channels();
};

// Reads a whole file; errors name the file.
Result<std::string> read_file(const std::filesystem::path& path);

// Reads the file; errors name the file and the JSON pointer of the bad value.
Result<Config> load_config(const std::filesystem::path& path);

// Parses "HOST:PORT" ("127.0.0.1:8443", "[::1]:0").
Result<std::pair<std::string, std::uint16_t>> parse_listen(std::string_view text);

// Reads the secrets from the environment into `config`.
void read_secrets_from_environment(Config& config);

}  // namespace intake::gateway
