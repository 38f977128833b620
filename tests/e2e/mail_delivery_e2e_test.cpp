// E-mail replies leaving through the outbox: the real gateway, a real PostgreSQL and a
// real SMTP server (aiosmtpd from Debian's python3-aiosmtpd) that requires STARTTLS and
// AUTH. The server refuses the first message for now (451) and one recipient for good
// (550), so that one run sees a retry, a permanent failure and a clean send.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "eventually.hpp"
#include "https_client.hpp"
#include "run_command.hpp"
#include "intake/channels/mail_message.hpp"
#include "server_process.hpp"
#include "test_certificate.hpp"
#include "test_gateway.hpp"
#include "test_database.hpp"

namespace intake {
namespace {

using testing::HttpsClient;
using testing::ServerProcess;
using testing::TempDir;
using testing::TestDatabase;
using testing::eventually;
using testing::sign_generic;

const std::string kSecret = "e2e-delivery-secret";
const std::string kOwnAddress = "service@factory.e2e.test";
const std::string kSmtpUser = "intake";
const std::string kSmtpPassword = "relay-password-e2e";

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class MailDeliveryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    dir_ = new TempDir("intake-e2e-delivery");
    testing::TestCertificate tls;
    ASSERT_TRUE(testing::make_test_certificate(dir_->path(), "sink", tls));
    const auto cert = tls.certificate, key = tls.private_key;
    std::filesystem::create_directories(dir_->path() / "sink");
    sink_ = new ServerProcess("/usr/bin/python3",
                              {std::string(INTAKE_SOURCE_DIR) + "/tests/support/smtp_sink.py", (dir_->path() / "sink").string(),
                               "--tls-cert", cert.string(), "--tls-key", key.string(), "--user", kSmtpUser, "--password",
                               kSmtpPassword, "--tempfail-first", "1", "--reject-rcpt", "reject-me"},
                              {}, std::chrono::seconds(30));
    const nlohmann::json config = {
        {"case_number_prefix", "OUT"},
        {"mail",
         {{"address", kOwnAddress},
          {"display_name", "客户服务中心"},
          {"smtp",
           {{"url", "smtp://127.0.0.1:" + std::to_string(sink_->port())},
            {"starttls", "required"},
            {"username", kSmtpUser},
            {"ca_file", cert.string()},
            {"timeout_seconds", 10}}}}},
        {"outbox", {{"retry_base_seconds", 1}, {"poll_seconds", 1}}}};
    gateway_ = testing::start_test_gateway(*dir_, db_->conninfo(), config,
                                           {{"INTAKE_EMAIL_RAW_SECRET", kSecret}, {"INTAKE_SMTP_PASSWORD", kSmtpPassword}})
                   .release();
  }
  static void TearDownTestSuite() {
    if (gateway_) {
      EXPECT_EQ(gateway_->stop(SIGTERM, std::chrono::seconds(30)), 0) << gateway_->log();
    }
    delete gateway_;
    delete sink_;
    delete dir_;
    delete db_;
  }

  static testing::HttpResult post_mail(const std::string& mail) {
    HttpsClient client("127.0.0.1", gateway_->port());
    return client.post("/webhooks/email/raw", mail,
                       {{"Content-Type", "message/rfc822"}, {"X-Intake-Signature", sign_generic(kSecret, mail)}});
  }
  static std::string sql(const std::string& query) { return db_->scalar(query); }
  static std::filesystem::path sink_file(int n, const char* ext) {
    return dir_->path() / "sink" / (std::to_string(n) + ext);
  }

  static TestDatabase* db_;
  static TempDir* dir_;
  static ServerProcess* sink_;
  static ServerProcess* gateway_;
};
TestDatabase* MailDeliveryTest::db_ = nullptr;
TempDir* MailDeliveryTest::dir_ = nullptr;
ServerProcess* MailDeliveryTest::sink_ = nullptr;
ServerProcess* MailDeliveryTest::gateway_ = nullptr;

std::string customer_mail(const std::string& from, const std::string& message_id) {
  return "From: =?utf-8?B?546L5YWI55Sf?= <" + from + ">\r\nTo: " + kOwnAddress +
         "\r\nSubject: =?utf-8?B?5rC05rO15ryP5rC0?=\r\nMessage-ID: <" + message_id +
         ">\r\nDate: Fri, 27 Nov 2026 09:30:00 +0800\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
         "\xE6\xB0\xB4\xE6\xB3\xB5\xE5\x87\xBA\xE6\xB0\xB4\xE5\x8F\xA3\xE6\xBC\x8F\xE6\xB0\xB4\xEF\xBC\x8C\xE8\xAE\xA2\xE5"
         "\x8D\x95\xE5\x8F\xB7 2026112701\r\n";  // 水泵出水口漏水，订单号 2026112701
}

TEST_F(MailDeliveryTest, TheReplyIsSentOnceOverStartTlsAfterATemporaryRefusal) {
  auto r = post_mail(customer_mail("wang@customer.e2e.test", "first@customer.e2e.test"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto answer = r.json();
  const std::string number = answer["case"]["number"], our_id = answer["reply"]["message_id"];

  // The relay said 451 to the first attempt; the retry a second later goes through.
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(sink_file(1, ".eml")); })) << gateway_->log();
  const std::string row = " FROM outbox WHERE payload->>'message_id' = '" + our_id + "'";
  ASSERT_TRUE(eventually([&] { return sql("SELECT status" + row) == "sent"; })) << gateway_->log();
  EXPECT_EQ(sql("SELECT attempts" + row), "2");
  EXPECT_EQ(sql("SELECT last_error IS NULL AND sent_at IS NOT NULL" + row), "t");

  const auto envelope = nlohmann::json::parse(read_file(sink_file(1, ".json")));
  EXPECT_EQ(envelope["mail_from"], kOwnAddress);
  EXPECT_EQ(envelope["rcpt_tos"], nlohmann::json::array({"wang@customer.e2e.test"}));
  EXPECT_TRUE(envelope["tls"].get<bool>());
  EXPECT_TRUE(envelope["auth"].get<bool>());

  const channels::MailMessage sent = channels::read_mail(read_file(sink_file(1, ".eml")));
  EXPECT_EQ(sent.subject, "Re: 水泵漏水 [" + number + "]");
  EXPECT_EQ(sent.message_id, our_id);
  EXPECT_EQ(sent.in_reply_to, std::vector<std::string>{"first@customer.e2e.test"});
  EXPECT_EQ(sent.references, std::vector<std::string>{"first@customer.e2e.test"});
  ASSERT_TRUE(sent.from);
  EXPECT_EQ(sent.from->address, kOwnAddress);
  EXPECT_EQ(sent.from->name, "客户服务中心");
  EXPECT_EQ(channels::header_value(sent, "auto-submitted"), "auto-replied");
  EXPECT_NE(sent.body.find(number), std::string::npos) << sent.body;
  EXPECT_EQ(sent.body, answer["reply"]["text"].get<std::string>());

  // The MTA redelivers the customer's mail: same answer, no second reply queued or sent.
  auto again = post_mail(customer_mail("wang@customer.e2e.test", "first@customer.e2e.test"));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(again.json()["duplicate"].get<bool>());
  EXPECT_EQ(sql("SELECT count(*) FROM outbox WHERE recipient->>'email' = 'wang@customer.e2e.test'"), "1");
  EXPECT_EQ(sql("SELECT count(*) FROM outbox WHERE status <> 'sent'"), "0");  // nothing left that could go out
  EXPECT_FALSE(std::filesystem::exists(sink_file(2, ".eml")));

  // The customer answers our reply: it threads onto the case, and that reply is sent too.
  std::string answer_mail = customer_mail("wang@customer.e2e.test", "second@customer.e2e.test");
  answer_mail.insert(answer_mail.find("Date:"), "In-Reply-To: <" + our_id + ">\r\n");
  auto threaded = post_mail(answer_mail);
  ASSERT_EQ(threaded.status, 200) << threaded.body;
  EXPECT_EQ(threaded.json()["case"]["number"], number);
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(sink_file(2, ".eml")); })) << gateway_->log();
  const channels::MailMessage second = channels::read_mail(read_file(sink_file(2, ".eml")));
  EXPECT_EQ(second.in_reply_to, std::vector<std::string>{"second@customer.e2e.test"});
  EXPECT_EQ(second.references, (std::vector<std::string>{our_id, "second@customer.e2e.test"}));
}

TEST_F(MailDeliveryTest, APermanentRefusalIsRecordedNotRetried) {
  auto r = post_mail(customer_mail("reject-me@customer.e2e.test", "rejected@customer.e2e.test"));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string row = "FROM outbox WHERE recipient->>'email' = 'reject-me@customer.e2e.test'";
  ASSERT_TRUE(eventually([&] { return sql("SELECT status " + row) == "failed"; })) << gateway_->log();
  EXPECT_EQ(sql("SELECT attempts " + row), "1");
  EXPECT_NE(sql("SELECT last_error " + row).find("550"), std::string::npos) << sql("SELECT last_error " + row);

  // The operator sees it, masked, and queues it again once the cause is fixed.
  const std::string ctl = std::string(INTAKECTL_BINARY) + " --config '" + (dir_->path() / "gateway.json").string() +
                          "' --database '" + db_->conninfo() + "' outbox ";
  const auto listed = testing::run_command(ctl + "list --status failed");
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("\"status\":\"failed\""), std::string::npos) << listed.output;
  EXPECT_EQ(listed.output.find("reject-me@"), std::string::npos) << "the address is masked: " << listed.output;
  EXPECT_NE(listed.output.find("550"), std::string::npos) << listed.output;
  const std::string id = sql("SELECT id " + row);
  const auto retried = testing::run_command(ctl + "retry " + id);
  ASSERT_EQ(retried.exit_code, 0) << retried.output;
  EXPECT_NE(retried.output.find("1 failed reply queued again"), std::string::npos) << retried.output;
  // The relay refuses it again: one more attempt, failed again, never more.
  ASSERT_TRUE(eventually([&] { return sql("SELECT status = 'failed' AND attempts = 1 AND last_error LIKE '%550%' " + row) == "t"; }))
      << gateway_->log();
  EXPECT_EQ(testing::run_command(ctl + "retry not-a-number").exit_code, 2);
  EXPECT_EQ(testing::run_command(ctl + "list --status lost").exit_code, 2);
}

TEST_F(MailDeliveryTest, ASendInterruptedByACrashIsNeverRepeated) {
  // What a worker that died between claiming and settling leaves behind.
  sql("INSERT INTO outbox (channel, provider, recipient, payload, status, attempts, claimed_at) VALUES "
      "('email', 'raw', '{\"email\": \"crash@customer.e2e.test\"}', '{\"text\": \"x\", \"subject\": \"s\", "
      "\"message_id\": \"intake.00000000000000ff@factory.e2e.test\"}', 'sending', 1, now() - interval '11 minutes') "
      "RETURNING id");
  const std::string row = "FROM outbox WHERE recipient->>'email' = 'crash@customer.e2e.test'";
  ASSERT_TRUE(eventually([&] { return sql("SELECT status " + row) == "failed"; })) << gateway_->log();
  EXPECT_NE(sql("SELECT last_error " + row).find("interrupted"), std::string::npos);
  EXPECT_EQ(sql("SELECT attempts " + row), "1");
}

}  // namespace
}  // namespace intake
