// Staff messages leaving through the outbox to Telegram, WeCom, SMS (Twilio) and the
// generic chat platform's callback: the real
// gateway and PostgreSQL, and the providers' send APIs played over real TLS by
// tests/support/provider_sink.py, which checks the credentials as the services do and
// answers with their error formats: a rate limit, a blocked bot, an expired WeCom token,
// an invalid number, a server error in the middle of a long message.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "eventually.hpp"
#include "form_encode.hpp"
#include "https_client.hpp"
#include "intake/channels/wecom_crypto.hpp"
#include "run_command.hpp"
#include "server_process.hpp"
#include "test_certificate.hpp"
#include "suite_gateway.hpp"

namespace intake {
namespace {

using nlohmann::json;
using testing::HttpResult;
using testing::HttpsClient;
using testing::ServerProcess;
using testing::TempDir;
using testing::eventually;

const std::string kTelegramBotToken = "7000001:e2e-bot-token";
const std::string kTwilioSid = "AC00000000000000000000000000e2e0";
const std::string kTwilioToken = "e2e-twilio-auth-token";
const std::string kOurNumber = "+8657100000000";
const std::string kPublicBaseUrl = "https://intake.e2e.test";
// WeCom's official sample values for the callback side (WeCom document 90968).
const std::string kWecomToken = "QDG6eK";
const std::string kWecomAesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const std::string kWecomCorpId = "wx5823bf96d3bd56c7";
const std::string kWecomSecret = "e2e-wecom-app-secret";
constexpr int kWecomAgentId = 1000002;
const std::string kGenericSecret = "e2e-generic-chat-secret";

class ChannelDeliveryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sink_dir_ = new TempDir("intake-e2e-providers");
    testing::TestCertificate tls;
    ASSERT_TRUE(testing::make_test_certificate(sink_dir_->path(), "providers", tls));
    const auto cert = tls.certificate, key = tls.private_key;
    sink_ = new ServerProcess("/usr/bin/python3",
                              {std::string(INTAKE_SOURCE_DIR) + "/tests/support/provider_sink.py", sink_dir_->path().string(),
                               "--tls-cert", cert.string(), "--tls-key", key.string(), "--telegram-token",
                               kTelegramBotToken, "--wecom-corp-id", kWecomCorpId, "--wecom-secret", kWecomSecret,
                               "--twilio-sid", kTwilioSid, "--twilio-token", kTwilioToken, "--callback-secret",
                               kGenericSecret},
                              {}, std::chrono::seconds(30));
    const std::string api = "https://127.0.0.1:" + std::to_string(sink_->port());
    const json patch = {
        {"case_number_prefix", "OUT"},
        {"public_base_url", kPublicBaseUrl},
        {"channels", {{"chat/telegram", {{"allow_unsigned", true}}},
                      {"chat/wecom", {{"corp_id", kWecomCorpId}}},
                      {"chat/generic", {{"callback_url", api + "/callback"}}}}},
        {"outbox",
         {{"retry_base_seconds", 1},
          {"poll_seconds", 1},
          {"ca_file", cert.string()},
          {"timeout_seconds", 10},
          {"telegram", {{"api_base", api}}},
          {"wecom", {{"api_base", api}, {"agent_id", kWecomAgentId}}},
          {"twilio", {{"api_base", api}, {"account_sid", kTwilioSid}, {"from", kOurNumber}}}}}};
    suite_ = new testing::SuiteGateway("intake-e2e-channel-delivery", patch,
                                       {{"INTAKE_TELEGRAM_BOT_TOKEN", kTelegramBotToken},
                                        {"INTAKE_TWILIO_AUTH_TOKEN", kTwilioToken},
                                        {"INTAKE_WECOM_TOKEN", kWecomToken},
                                        {"INTAKE_WECOM_AES_KEY", kWecomAesKey},
                                        {"INTAKE_WECOM_SECRET", kWecomSecret},
                                        {"INTAKE_CHAT_GENERIC_SECRET", kGenericSecret}});
    const auto added = testing::run_command(std::string(INTAKECTL_BINARY) + " --config '" +
                                            (suite_->dir().path() / "gateway.json").string() + "' --database '" +
                                            suite_->db().conninfo() + "' staff add --name '王芳' --role agent");
    ASSERT_EQ(added.exit_code, 0) << added.output;
    staff_token_ = new std::string(json::parse(added.output)["token"].get<std::string>());
  }
  static void TearDownTestSuite() {
    delete suite_;
    delete sink_;
    delete sink_dir_;
    delete staff_token_;
    suite_ = nullptr;
  }
  void TearDown() override {
    if (HasFailure() && suite_) std::cerr << "gateway log:\n" << suite_->gateway().log() << "\n";
  }

  static std::string sql(const std::string& query) { return suite_->db().scalar(query); }

  // Every request the providers got so far, in order.
  static std::vector<json> provider_requests() {
    std::vector<json> requests;
    std::ifstream in(sink_dir_->path() / "requests.jsonl");
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) requests.push_back(json::parse(line));
    return requests;
  }
  template <class Keep>
  static std::vector<json> provider_requests(Keep keep) {
    std::vector<json> kept;
    for (json& r : provider_requests())
      if (keep(r)) kept.push_back(std::move(r));
    return kept;
  }

  static HttpResult staff(const std::string& method_path, const json& body) {
    HttpsClient c("127.0.0.1", suite_->port());
    return c.post(method_path, body.dump(),
                  {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + *staff_token_}});
  }

  // The conversation of the customer known to `provider` as `external_id`.
  static std::string conversation(const std::string& provider, const std::string& external_id) {
    return sql("SELECT c.id FROM conversations c JOIN channel_identities i ON i.id = c.identity_id "
               "WHERE i.provider = '" + provider + "' AND i.external_id = '" + external_id + "'");
  }

  // Takes the conversation over and writes `text` in it; the API's answer.
  static json write_as_staff(const std::string& conversation_id, const std::string& text, const std::string& client_id) {
    const auto taken = staff("/api/v1/conversations/" + conversation_id + "/takeover", json::object());
    EXPECT_TRUE(taken.status == 200 || taken.status == 409) << taken.body;  // 409: already ours
    const auto sent = staff("/api/v1/conversations/" + conversation_id + "/messages", {{"text", text}, {"id", client_id}});
    EXPECT_EQ(sent.status, 200) << sent.body;
    return sent.json();
  }

  // The outbox row of the staff message `message_id`: "<status> <attempts>".
  static std::string outbox_state(std::int64_t message_id) {
    return sql("SELECT status || ' ' || attempts FROM outbox WHERE message_id = " + std::to_string(message_id));
  }

  static void telegram_customer(std::int64_t chat, const std::string& text) {
    static std::int64_t update = 880000;
    const json body = {{"update_id", ++update},
                       {"message", {{"message_id", 1}, {"date", 1795000000}, {"chat", {{"id", chat}, {"type", "private"}}},
                                    {"from", {{"id", chat}, {"is_bot", false}, {"first_name", "Wei"}}},
                                    {"text", text}}}};
    HttpsClient c("127.0.0.1", suite_->port());
    const auto r = c.post("/webhooks/chat/telegram", body.dump(), {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  static void wecom_customer(const std::string& user, const std::string& text, const std::string& msg_id) {
    const std::string inner = "<xml><ToUserName><![CDATA[" + kWecomCorpId + "]]></ToUserName><FromUserName><![CDATA[" +
                              user + "]]></FromUserName><CreateTime>1795000000</CreateTime><MsgType><![CDATA[text]]>"
                              "</MsgType><Content><![CDATA[" + text + "]]></Content><MsgId>" + msg_id +
                              "</MsgId><AgentID>" + std::to_string(kWecomAgentId) + "</AgentID></xml>";
    const auto cipher = channels::WecomCipher::from_encoding_aes_key(kWecomAesKey);
    ASSERT_TRUE(cipher.ok());
    const std::string encrypted = cipher->encrypt(inner, kWecomCorpId, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    const std::string timestamp = "1795000000", nonce = "e2e" + msg_id;
    const std::string body = "<xml><ToUserName><![CDATA[" + kWecomCorpId + "]]></ToUserName><Encrypt><![CDATA[" +
                             encrypted + "]]></Encrypt><AgentID><![CDATA[" + std::to_string(kWecomAgentId) +
                             "]]></AgentID></xml>";
    HttpsClient c("127.0.0.1", suite_->port());
    const auto r = c.post("/webhooks/chat/wecom?msg_signature=" + channels::wecom_signature(kWecomToken, timestamp, nonce, encrypted) +
                              "&timestamp=" + timestamp + "&nonce=" + nonce,
                          body, {{"Content-Type", "text/xml"}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  static void sms_customer(const std::string& from, const std::string& text, const std::string& sid) {
    const std::vector<std::pair<std::string, std::string>> form = {
        {"MessageSid", sid}, {"AccountSid", kTwilioSid}, {"From", from}, {"To", kOurNumber}, {"Body", text}};
    HttpsClient c("127.0.0.1", suite_->port());
    const auto r = c.post("/webhooks/hotline/twilio-sms", testing::form_encode(form),
                          {{"Content-Type", "application/x-www-form-urlencoded"},
                           {"X-Twilio-Signature",
                            testing::sign_twilio(kTwilioToken, kPublicBaseUrl + "/webhooks/hotline/twilio-sms", form)}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  static TempDir* sink_dir_;
  static ServerProcess* sink_;
  static testing::SuiteGateway* suite_;
  static std::string* staff_token_;
};
TempDir* ChannelDeliveryTest::sink_dir_ = nullptr;
ServerProcess* ChannelDeliveryTest::sink_ = nullptr;
testing::SuiteGateway* ChannelDeliveryTest::suite_ = nullptr;
std::string* ChannelDeliveryTest::staff_token_ = nullptr;

// ---- Telegram ------------------------------------------------------------------------

TEST_F(ChannelDeliveryTest, ATelegramStaffMessageGoesOutOnceThroughTheBotApi) {
  telegram_customer(5001, "转人工");
  const std::string id = conversation("telegram", "5001");
  ASSERT_FALSE(id.empty());
  const json sent = write_as_staff(id, "您好，我是客服王芳，明天上午给您回电。", "tg-1");
  ASSERT_EQ(sent["delivery"], "outbox");
  const std::int64_t message = sent["message"]["id"];
  ASSERT_TRUE(eventually([&] { return outbox_state(message) == "sent 1"; })) << outbox_state(message);

  const auto calls = provider_requests([](const json& r) { return r["path"].get<std::string>().ends_with("/sendMessage") &&
                                                                  r["body"]["chat_id"] == 5001; });
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["path"], "/bot" + kTelegramBotToken + "/sendMessage");
  EXPECT_EQ(calls[0]["body"]["text"], "您好，我是客服王芳，明天上午给您回电。");

  // The staff client retries its request: the same message, nothing new queued.
  const json again = write_as_staff(id, "您好，我是客服王芳，明天上午给您回电。", "tg-1");
  EXPECT_TRUE(again["duplicate"].get<bool>());
  EXPECT_EQ(again["message"]["id"], message);
  EXPECT_EQ(sql("SELECT count(*) FROM outbox o JOIN messages m ON m.id = o.message_id WHERE m.conversation_id = '" + id + "'"),
            "1");
}

TEST_F(ChannelDeliveryTest, TelegramsRateLimitIsWaitedOutThenTheMessageIsSent) {
  telegram_customer(429, "转人工");
  const json sent = write_as_staff(conversation("telegram", "429"), "稍等，马上为您查询。", "tg-429");
  const std::int64_t message = sent["message"]["id"];
  ASSERT_TRUE(eventually([&] { return outbox_state(message) == "sent 2"; })) << outbox_state(message);
  const auto calls = provider_requests([](const json& r) { return r["body"].is_object() && r["body"]["chat_id"] == 429; });
  ASSERT_EQ(calls.size(), 2u);  // refused once with retry_after, then accepted
  EXPECT_EQ(calls[1]["body"]["text"], "稍等，马上为您查询。");
}

TEST_F(ChannelDeliveryTest, ABotBlockedByTheCustomerIsAFailureForAPersonNotARetry) {
  telegram_customer(403, "转人工");
  const json sent = write_as_staff(conversation("telegram", "403"), "您好。", "tg-403");
  const std::int64_t message = sent["message"]["id"];
  ASSERT_TRUE(eventually([&] { return outbox_state(message) == "failed 1"; })) << outbox_state(message);
  EXPECT_EQ(sql("SELECT last_error FROM outbox WHERE message_id = " + std::to_string(message)),
            "Telegram 403: Forbidden: bot was blocked by the user");
}

// ---- WeCom ---------------------------------------------------------------------------

TEST_F(ChannelDeliveryTest, AWeComMessageRenewsTheExpiredAccessTokenAndIsSentInParts) {
  wecom_customer("ZhangSan", "转人工", "7000000000000000001");
  const std::string id = conversation("wecom", "ZhangSan");
  ASSERT_FALSE(id.empty());
  // Nearly 4,000 bytes of Chinese (the most a staff message has), WeCom takes 2,048.
  std::string text;
  for (int i = 0; text.size() + 40 <= 4000; ++i) text += "第" + std::to_string(i % 10) + "步：检查密封胶是否固化。";
  ASSERT_GT(text.size(), 2 * 1900u);  // two parts, not three
  const json sent = write_as_staff(id, text, "wc-1");
  ASSERT_EQ(sent.value("delivery", ""), "outbox") << sent;
  const std::int64_t message = sent["message"]["id"];
  ASSERT_TRUE(eventually([&] { return outbox_state(message) == "sent 1"; })) << outbox_state(message);

  const auto sends = provider_requests([](const json& r) { return r["path"] == "/cgi-bin/message/send"; });
  // The first token WeCom gave is reported expired on its first use: a new one is fetched
  // and the part sent again at once, within the same attempt.
  ASSERT_GE(sends.size(), 3u);
  EXPECT_EQ(sends[0]["query"]["access_token"], "wecom-token-1");
  EXPECT_EQ(sends[1]["query"]["access_token"], "wecom-token-2");
  EXPECT_EQ(sends[0]["body"], sends[1]["body"]);
  EXPECT_EQ(provider_requests([](const json& r) { return r["path"] == "/cgi-bin/gettoken"; }).size(), 2u);
  std::string delivered;
  for (std::size_t i = 1; i < sends.size(); ++i) {
    const json& body = sends[i]["body"];
    EXPECT_EQ(body["touser"], "ZhangSan");
    EXPECT_EQ(body["agentid"], kWecomAgentId);
    EXPECT_EQ(body["msgtype"], "text");
    EXPECT_LE(body["text"]["content"].get<std::string>().size(), 2048u);
    delivered += body["text"]["content"].get<std::string>();
  }
  EXPECT_EQ(sends.size(), 3u);  // two parts, the first sent twice only because of the token
  EXPECT_EQ(delivered, sent["message"]["text"].get<std::string>());
}

// ---- the generic chat's callback -----------------------------------------------------

TEST_F(ChannelDeliveryTest, TheGenericChatPlatformGetsStaffMessagesAtItsCallbackSigned) {
  auto chat = [](const std::string& sender, const std::string& id) {
    const json body = {{"message_id", id}, {"sender", {{"id", sender}}}, {"text", "转人工"}};
    HttpsClient c("127.0.0.1", suite_->port());
    const auto r = c.post("/webhooks/chat/generic", body.dump(),
                          {{"Content-Type", "application/json"},
                           {"X-Intake-Signature", testing::sign_generic(kGenericSecret, body.dump())}});
    EXPECT_EQ(r.status, 200) << r.body;
  };
  chat("member-77", "gc-1");
  const json sent = write_as_staff(conversation("generic", "member-77"), "您好，我是客服王芳。", "gc-1");
  const std::int64_t message = sent["message"]["id"];
  // The stand-in platform answers 401 to a wrong signature, so "sent" means it was right.
  ASSERT_TRUE(eventually([&] { return outbox_state(message) == "sent 1"; })) << outbox_state(message);
  const auto calls = provider_requests([](const json& r) { return r["path"] == "/callback"; });
  ASSERT_EQ(calls.size(), 1u);
  const json& body = calls[0]["body"];
  EXPECT_EQ(body["channel"], "chat/generic");
  EXPECT_EQ(body["recipient"], "member-77");
  EXPECT_EQ(body["author"], "staff");
  EXPECT_EQ(body["text"], "您好，我是客服王芳。");
  EXPECT_EQ(body["id"], sql("SELECT id FROM outbox WHERE message_id = " + std::to_string(message)));
  EXPECT_TRUE(body["case"].is_string()) << body;

  chat("gone", "gc-2");
  const json refused = write_as_staff(conversation("generic", "gone"), "您好。", "gc-2");
  const std::int64_t refused_message = refused["message"]["id"];
  ASSERT_TRUE(eventually([&] { return outbox_state(refused_message) == "failed 1"; })) << outbox_state(refused_message);
  EXPECT_EQ(sql("SELECT last_error FROM outbox WHERE message_id = " + std::to_string(refused_message)),
            "callback HTTP 410: {\"error\": \"no such customer\"}");
}

// ---- Twilio SMS ----------------------------------------------------------------------

TEST_F(ChannelDeliveryTest, AnSmsInPartsResendsNoPartAfterAFailureHalfWay) {
  sms_customer("+8613900002222", "转人工", "SMe2e00000000000000000000000000001");
  const std::string id = conversation("twilio-sms", "+8613900002222");
  ASSERT_FALSE(id.empty());
  // Two SMS parts (Twilio takes 1,600 characters); the second fails once with a 503.
  const std::string text = std::string(1590, 'a') + ". " + std::string(300, 'b') + " FAIL-ONCE";
  const json sent = write_as_staff(id, text, "sms-1");
  const std::int64_t message = sent["message"]["id"];
  ASSERT_TRUE(eventually([&] { return outbox_state(message) == "sent 2"; })) << outbox_state(message);

  const auto calls = provider_requests([](const json& r) {
    return r["path"].get<std::string>().ends_with("/Messages.json") && r["body"]["To"] == "+8613900002222";
  });
  ASSERT_EQ(calls.size(), 3u);  // part 1; part 2 refused; part 2 again, never part 1 again
  EXPECT_EQ(calls[0]["path"], "/2010-04-01/Accounts/" + kTwilioSid + "/Messages.json");
  EXPECT_EQ(calls[0]["body"]["From"], kOurNumber);
  EXPECT_EQ(calls[0]["body"]["Body"], std::string(1590, 'a') + ". ");
  EXPECT_EQ(calls[1]["body"]["Body"], std::string(300, 'b') + " FAIL-ONCE");
  EXPECT_EQ(calls[2]["body"]["Body"], calls[1]["body"]["Body"]);
  EXPECT_EQ(calls[0]["authorization"].get<std::string>().rfind("Basic ", 0), 0u);
}

TEST_F(ChannelDeliveryTest, AnInvalidNumberIsRecordedWithTwiliosOwnWords) {
  sms_customer("+10000000000", "转人工", "SMe2e00000000000000000000000000002");
  const json sent = write_as_staff(conversation("twilio-sms", "+10000000000"), "您好。", "sms-2");
  const std::int64_t message = sent["message"]["id"];
  ASSERT_TRUE(eventually([&] { return outbox_state(message) == "failed 1"; })) << outbox_state(message);
  EXPECT_EQ(sql("SELECT last_error FROM outbox WHERE message_id = " + std::to_string(message)),
            "Twilio 400 (error 21211): The 'To' number +10000000000 is not a valid phone number.");
}

}  // namespace
}  // namespace intake
