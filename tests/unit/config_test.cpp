// gateway/config: load_config (errors name the file and the JSON pointer; paths inside the
// file are relative to it), parse_listen and the secrets from the environment.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "gateway/bootstrap.hpp"
#include "gateway/config.hpp"

namespace {

namespace fs = std::filesystem;
using intake::gateway::Config;
using intake::gateway::load_config;
using intake::gateway::parse_listen;

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "\"" << (haystack) << "\" lacks \"" << (needle) << "\""

// Sets an environment variable for one test and puts back what was there.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* before = std::getenv(name)) saved_ = before;
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (saved_)
      ::setenv(name_, saved_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> saved_;
};

// Each test writes its files into its own folder under the system's temporary directory.
class LoadConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("intake-unit-config-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  fs::path write(const std::string& relative, const std::string& text) const {
    const fs::path path = dir_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // The error message of a config that must not load.
  std::string error_of(const std::string& text) const {
    const fs::path path = write("etc/gateway.json", text);
    auto r = load_config(path);
    if (r.ok()) {
      ADD_FAILURE() << "the config loaded but should not have:\n" << text;
      return {};
    }
    EXPECT_EQ(r.error().code, "invalid_config");
    EXPECT_CONTAINS(r.error().message, path.string());
    return r.error().message;
  }

  fs::path dir_;
};

TEST_F(LoadConfig, EmptyObjectGivesTheDefaults) {
  const fs::path path = write("gateway.json", "{}");
  auto r = load_config(path);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Config& c = *r;
  EXPECT_EQ(c.source, path);
  EXPECT_EQ(c.listen_host, "127.0.0.1");
  EXPECT_EQ(c.listen_port, 8443);
  EXPECT_EQ(c.case_number_prefix, "TS");
  EXPECT_FALSE(c.generic_chat.allow_unsigned);
  EXPECT_TRUE(c.generic_chat.enabled);
  EXPECT_FALSE(c.generic_chat.secret.has_value());  // secrets never come from the file
}

TEST_F(LoadConfig, ReadsEveryField) {
  const fs::path path = write("gateway.json", R"({
    // comments are allowed
    "listen": "0.0.0.0:9443",
    "public_base_url": "https://intake.example.com",
    "data_dir": "/srv/intake",
    "database_url": "postgresql://intake@db/intake",
    "case_number_prefix": "SH2",
    "threads": 4,
    "limits": {"body_bytes": 65536, "header_bytes": 8192, "max_connections": 100,
               "read_timeout_seconds": 5, "idle_timeout_seconds": 30},
    "store": {"connections": 8, "max_batch": 16},
    "channels": {"chat/generic": {"enabled": false, "allow_unsigned": true, "secret": "ignored"},
                 "chat/telegram": {"enabled": true, "allow_unsigned": false}}
  })");
  auto r = load_config(path);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Config& c = *r;
  EXPECT_EQ(c.listen_host, "0.0.0.0");
  EXPECT_EQ(c.listen_port, 9443);
  EXPECT_EQ(c.public_base_url, "https://intake.example.com");
  EXPECT_EQ(c.data_dir, fs::path("/srv/intake"));
  EXPECT_EQ(c.database_url, "postgresql://intake@db/intake");
  EXPECT_EQ(c.case_number_prefix, "SH2");
  EXPECT_EQ(c.threads, 4);
  EXPECT_EQ(c.limits.body_bytes, 65536u);
  EXPECT_EQ(c.limits.header_bytes, 8192u);
  EXPECT_EQ(c.limits.max_connections, 100u);
  EXPECT_EQ(c.limits.read_timeout_seconds, 5);
  EXPECT_EQ(c.limits.idle_timeout_seconds, 30);
  EXPECT_EQ(c.store.connections, 8);
  EXPECT_EQ(c.store.max_batch, 16);
  EXPECT_FALSE(c.generic_chat.enabled);
  EXPECT_TRUE(c.generic_chat.allow_unsigned);
  EXPECT_FALSE(c.generic_chat.secret.has_value());
}

TEST_F(LoadConfig, ANumberOutOfRangeIsAnErrorNamingTheFile) {
  const fs::path path = write("gateway.json", R"({"threads": 1e99999})");
  auto r = load_config(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("gateway.json"), std::string::npos) << r.error().message;
}

TEST_F(LoadConfig, RelativePathsAreResolvedAgainstTheFilesFolder) {
  const fs::path path = write("etc/intake/gateway.json", R"({
    "rules": "rules/custom.json",
    "tls": {"certificate": "tls/cert.pem", "private_key": "tls/key.pem"}
  })");
  auto r = load_config(path);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const fs::path folder = fs::absolute(path).parent_path();
  EXPECT_EQ(r->rules, folder / "rules/custom.json");
  EXPECT_EQ(r->sla, folder / "sla.json");  // the default is relative too
  EXPECT_EQ(r->tls_certificate, folder / "tls/cert.pem");
  EXPECT_EQ(r->tls_private_key, folder / "tls/key.pem");
  EXPECT_TRUE(r->rules.is_absolute());
  // --data-dir semantics: relative to the working directory, not to the file.
  EXPECT_EQ(r->data_dir, fs::path("var"));
}

TEST_F(LoadConfig, AbsolutePathsAreKept) {
  const fs::path path = write("gateway.json", R"({"rules": "/opt/intake/rules.json", "sla": "/opt/intake/sla.json"})");
  auto r = load_config(path);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->rules, fs::path("/opt/intake/rules.json"));
  EXPECT_EQ(r->sla, fs::path("/opt/intake/sla.json"));
}

TEST_F(LoadConfig, EmptyTlsMeansNone) {
  const fs::path path = write("gateway.json", R"({"tls": {"certificate": "", "private_key": ""}})");
  auto r = load_config(path);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->tls_certificate.empty());
  EXPECT_TRUE(r->tls_private_key.empty());
}

TEST_F(LoadConfig, ErrorsNameTheFileAndThePointer) {
  EXPECT_CONTAINS(error_of(R"({"listen": "localhost"})"), "/listen");
  EXPECT_CONTAINS(error_of(R"({"listen": "127.0.0.1:99999"})"), "/listen");
  EXPECT_CONTAINS(error_of(R"({"listen": 8443})"), "/listen");
  EXPECT_CONTAINS(error_of(R"({"threads": 0})"), "/threads");
  EXPECT_CONTAINS(error_of(R"({"threads": "2"})"), "/threads");
  EXPECT_CONTAINS(error_of(R"({"threads": 1.5})"), "/threads");
  EXPECT_CONTAINS(error_of(R"({"rules": 7})"), "/rules");
  EXPECT_CONTAINS(error_of(R"({"sla": ["sla.json"]})"), "/sla");
  EXPECT_CONTAINS(error_of(R"({"limits": {"body_bytes": -1}})"), "/limits/body_bytes");
  EXPECT_CONTAINS(error_of(R"({"limits": {"read_timeout_seconds": 0}})"), "/limits/read_timeout_seconds");
  EXPECT_CONTAINS(error_of(R"({"limits": 5})"), "/limits");
  EXPECT_CONTAINS(error_of(R"({"store": {"connections": "4"}})"), "/store/connections");
  EXPECT_CONTAINS(error_of(R"({"tls": {"certificate": "cert.pem"}})"), "/tls");
  EXPECT_CONTAINS(error_of(R"({"tls": {"certificate": 1, "private_key": "k.pem"}})"), "/tls/certificate");
  EXPECT_CONTAINS(error_of(R"({"channels": {"chat/unknown": {}}})"), "/channels/chat/unknown");
  EXPECT_CONTAINS(error_of(R"({"channels": {"chat/generic": {"allow_unsigned": "yes"}}})"),
                  "/channels/chat/generic/allow_unsigned");
  EXPECT_CONTAINS(error_of(R"({"channels": {"chat/generic": true}})"), "/channels/chat/generic");
}

TEST_F(LoadConfig, IntegersTooLargeForTheFieldAreRefused) {
  // 2^32 does not fit an int: it must be refused, not wrapped around to 0.
  const fs::path path = write("gateway.json", R"({"threads": 4294967296, "limits": {"read_timeout_seconds": 4294967296}})");
  auto r = load_config(path);
  ASSERT_FALSE(r.ok());
  EXPECT_CONTAINS(r.error().message, "/threads");
}

TEST_F(LoadConfig, CaseNumberPrefixMustBeOneToEightCapitalsOrDigits) {
  for (const char* prefix : {"ts", "", "T-S", "TOOLONGPX", "案件"})
    EXPECT_CONTAINS(error_of(std::string(R"({"case_number_prefix": ")") + prefix + "\"}"), "/case_number_prefix")
        << prefix;
  const fs::path path = write("gateway.json", R"({"case_number_prefix": "ABCD1234"})");
  auto r = load_config(path);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->case_number_prefix, "ABCD1234");
}

TEST_F(LoadConfig, MailSettingsAreReadAndChecked) {
  const fs::path path = write("etc/gateway.json", R"({"mail": {"address": "service@factory.example", "display_name": "客服",
      "auto_replies_per_hour": 5, "smtp": {"url": "smtp://relay:587", "starttls": "if_available", "username": "u",
      "ca_file": "relay.crt"}}})");
  auto c = load_config(path);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->mail.address, "service@factory.example");
  EXPECT_EQ(c->mail.domain(), "factory.example");
  EXPECT_EQ(c->mail.display_name, "客服");
  EXPECT_EQ(c->mail.auto_replies_per_hour, 5);
  EXPECT_EQ(c->mail.smtp.url, "smtp://relay:587");
  EXPECT_EQ(c->mail.smtp.starttls, "if_available");
  EXPECT_EQ(c->mail.smtp.ca_file, dir_ / "etc" / "relay.crt");
  EXPECT_EQ(c->mail.smtp.timeout_seconds, 30);  // the default

  EXPECT_CONTAINS(error_of(R"({"mail": {"address": "Service Desk <s@x.cn>"}})"), "/mail/address");
  EXPECT_CONTAINS(error_of(R"({"mail": {"address": "nobody"}})"), "/mail/address");
  EXPECT_CONTAINS(error_of(R"({"mail": {"smtp": {"url": "http://relay"}}})"), "/mail/smtp/url");
  EXPECT_CONTAINS(error_of(R"({"mail": {"smtp": {"starttls": "maybe"}}})"), "/mail/smtp/starttls");
  // The retry policy is the outbox's now; the old place says where it went.
  EXPECT_CONTAINS(error_of(R"({"mail": {"smtp": {"max_attempts": 3}}})"), "/mail/smtp/max_attempts: moved to /outbox/max_attempts");
  EXPECT_CONTAINS(error_of(R"({"mail": {"auto_replies_per_hour": -1}})"), "/mail/auto_replies_per_hour");
  EXPECT_CONTAINS(error_of(R"({"limits": {"mail_body_bytes": "big"}})"), "/limits/mail_body_bytes");
}

TEST_F(LoadConfig, OutboxSettingsAreReadAndChecked) {
  const Config defaults = *load_config(write("empty.json", "{}"));
  EXPECT_EQ(defaults.outbox.max_attempts, 8);
  EXPECT_EQ(defaults.outbox.telegram.api_base, "https://api.telegram.org");
  EXPECT_EQ(defaults.outbox.wecom.api_base, "https://qyapi.weixin.qq.com");
  EXPECT_EQ(defaults.outbox.twilio.api_base, "https://api.twilio.com");

  const fs::path path = write("etc/outbox.json", R"({"outbox": {"retry_base_seconds": 2, "max_attempts": 3,
      "poll_seconds": 1, "ca_file": "providers.crt", "timeout_seconds": 9,
      "telegram": {"api_base": "https://127.0.0.1:9000/"},
      "wecom": {"agent_id": 1000002},
      "twilio": {"account_sid": "AC0123", "from": "+8657100000000"}}})");
  auto c = load_config(path);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->outbox.retry_base_seconds, 2);
  EXPECT_EQ(c->outbox.max_attempts, 3);
  EXPECT_EQ(c->outbox.poll_seconds, 1);
  EXPECT_EQ(c->outbox.timeout_seconds, 9);
  EXPECT_EQ(c->outbox.ca_file, dir_ / "etc" / "providers.crt");
  EXPECT_EQ(c->outbox.telegram.api_base, "https://127.0.0.1:9000");
  EXPECT_EQ(c->outbox.wecom.agent_id, 1000002);
  EXPECT_EQ(c->outbox.twilio.account_sid, "AC0123");
  EXPECT_EQ(c->outbox.twilio.from, "+8657100000000");

  EXPECT_CONTAINS(error_of(R"({"outbox": {"max_attempts": 0}})"), "/outbox/max_attempts");
  EXPECT_CONTAINS(error_of(R"({"outbox": {"telegram": {"api_base": "http://api.telegram.org"}}})"),
                  "/outbox/telegram/api_base: \"http://api.telegram.org\" must be an https:// URL");
  EXPECT_CONTAINS(error_of(R"({"outbox": {"wecom": {"agent_id": "1000002"}}})"), "/outbox/wecom/agent_id");
  EXPECT_CONTAINS(error_of(R"({"outbox": {"twilio": {"account_sid": "AC1/../x"}}})"), "/outbox/twilio/account_sid");
  EXPECT_CONTAINS(error_of(R"({"outbox": {"twilio": []}})"), "/outbox/twilio: must be an object");

  // The way back of our own signed webhooks.
  auto callback = load_config(write("callback.json", R"({"channels": {"hotline/cti": {"callback_url": "https://cc.example/intake"}}})"));
  ASSERT_TRUE(callback.ok()) << callback.error().message;
  EXPECT_EQ(callback->cti.callback_url, "https://cc.example/intake");
  EXPECT_CONTAINS(error_of(R"({"channels": {"chat/generic": {"callback_url": "http://platform/intake"}}})"),
                  "/channels/chat/generic/callback_url: must be an https:// URL");
  EXPECT_CONTAINS(error_of(R"({"channels": {"chat/telegram": {"callback_url": "https://x"}}})"),
                  "only chat/generic and hotline/cti have a callback URL");
}

TEST_F(LoadConfig, ConsoleSessionLimitsAreReadAndChecked) {
  const Config defaults = *load_config(write("defaults.json", "{}"));
  EXPECT_EQ(defaults.console.idle_minutes, 30);
  EXPECT_EQ(defaults.console.session_hours, 12);
  auto c = load_config(write("console.json", R"({"console": {"idle_minutes": 15, "session_hours": 8}})"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->console.idle_minutes, 15);
  EXPECT_EQ(c->console.session_hours, 8);
  EXPECT_CONTAINS(error_of(R"({"console": {"idle_minutes": 0}})"), "/console/idle_minutes");
  EXPECT_CONTAINS(error_of(R"({"console": {"session_hours": 1000}})"), "/console/session_hours: must be at most 168");
}

TEST_F(LoadConfig, TheWebChatCanBeSwitchedOffAndItsKeyComesFromTheEnvironment) {
  EXPECT_TRUE(load_config(write("on.json", "{}"))->web_chat.enabled);
  auto off = load_config(write("off.json", R"({"web_chat": {"enabled": false}})"));
  ASSERT_TRUE(off.ok()) << off.error().message;
  EXPECT_FALSE(off->web_chat.enabled);
  EXPECT_CONTAINS(error_of(R"({"web_chat": {"enabled": "yes"}})"), "/web_chat/enabled");
  EXPECT_CONTAINS(error_of(R"({"web_chat": true})"), "/web_chat");

  ScopedEnv key("INTAKE_CHAT_WEB_SECRET", "web-chat-key-from-env");
  Config c;
  intake::gateway::read_secrets_from_environment(c);
  EXPECT_EQ(c.web_chat.secret, std::optional<std::string>("web-chat-key-from-env"));
}

TEST_F(LoadConfig, AGeneratedKeyIsMadeOnceReadableByItsOwnerOnlyAndKept) {
  const fs::path file = dir_ / "var" / "secrets" / "web_chat.key";
  auto made = intake::gateway::ensure_generated_secret(file);
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(made->size(), 64u);
  EXPECT_EQ(fs::status(file).permissions() & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  auto again = intake::gateway::ensure_generated_secret(file);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *made) << "a restart keeps the key, so customers keep their conversations";

  const fs::path other = dir_ / "other.key";
  auto different = intake::gateway::ensure_generated_secret(other);
  ASSERT_TRUE(different.ok());
  EXPECT_NE(*different, *made);

  write("short.key", "abc\n");
  auto refused = intake::gateway::ensure_generated_secret(dir_ / "short.key");
  ASSERT_FALSE(refused.ok());
  EXPECT_CONTAINS(refused.error().message, "short.key");
}

TEST_F(LoadConfig, NotJsonOrNotAnObjectNamesTheFile) {
  error_of("{\"listen\": ");
  error_of("[1, 2]");
  error_of("");
}

TEST_F(LoadConfig, MissingFileNamesTheFile) {
  const fs::path missing = dir_ / "nowhere" / "gateway.json";
  auto r = load_config(missing);
  ASSERT_FALSE(r.ok());
  EXPECT_CONTAINS(r.error().message, missing.string());
}

// ---- parse_listen ------------------------------------------------------------------

TEST(ParseListen, HostAndPort) {
  auto r = parse_listen("127.0.0.1:8443");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->first, "127.0.0.1");
  EXPECT_EQ(r->second, 8443);
  auto any = parse_listen("0.0.0.0:0");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->second, 0);
  auto name = parse_listen("localhost:65535");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->first, "localhost");
  EXPECT_EQ(name->second, 65535);
}

TEST(ParseListen, BracketedIpv6) {
  auto r = parse_listen("[::1]:0");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->first, "::1");
  EXPECT_EQ(r->second, 0);
  auto full = parse_listen("[2001:db8::7]:8443");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->first, "2001:db8::7");
  EXPECT_EQ(full->second, 8443);
}

TEST(ParseListen, RejectsMalformedInput) {
  for (const char* text : {"", "127.0.0.1", ":8443", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
                           "127.0.0.1:http", "127.0.0.1:80x", "127.0.0.1: 80", "127.0.0.1:99999999999"}) {
    auto r = parse_listen(text);
    EXPECT_FALSE(r.ok()) << '"' << text << '"';
    if (!r.ok()) {
      EXPECT_CONTAINS(r.error().message, text);
    }
  }
}

// ---- secrets -----------------------------------------------------------------------

TEST(ReadSecrets, GenericChatSecretComesFromTheEnvironment) {
  ScopedEnv secret("INTAKE_CHAT_GENERIC_SECRET", "from-env");
  Config c;
  intake::gateway::read_secrets_from_environment(c);
  EXPECT_EQ(c.generic_chat.secret, std::optional<std::string>("from-env"));

  ::setenv("INTAKE_CHAT_GENERIC_SECRET", "", 1);  // set but empty counts as unset
  Config empty;
  intake::gateway::read_secrets_from_environment(empty);
  EXPECT_FALSE(empty.generic_chat.secret.has_value());

  ::unsetenv("INTAKE_CHAT_GENERIC_SECRET");
  Config unset;
  intake::gateway::read_secrets_from_environment(unset);
  EXPECT_FALSE(unset.generic_chat.secret.has_value());
}

TEST(ReadSecrets, EachChannelHasItsOwnVariable) {
  ScopedEnv token("INTAKE_TELEGRAM_SECRET_TOKEN", "telegram-from-env");
  Config c;
  intake::gateway::read_secrets_from_environment(c);
  EXPECT_EQ(c.telegram.secret, std::optional<std::string>("telegram-from-env"));
  EXPECT_NE(c.generic_chat.secret, c.telegram.secret);
}

}  // namespace
