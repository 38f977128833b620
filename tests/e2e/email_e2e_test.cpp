// email/raw through the real gateway binary, real HTTPS and a real PostgreSQL: a mail in
// GBK files a case and queues one reply; a retry changes nothing; answers thread onto
// their case; loop protection holds replies back and says why; the real Chinese mails of
// ../shared/testdata/eml are all accepted.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <ctime>
#include <fstream>
#include <sstream>

#include "server_process.hpp"
#include "test_gateway.hpp"
#include "https_client.hpp"
#include "test_database.hpp"

namespace intake {
namespace {

using testing::ServerProcess;
using testing::HttpResult;
using testing::HttpsClient;
using testing::TempDir;
using testing::TestDatabase;
using testing::sign_generic;

const std::string kSecret = "e2e-mail-secret";
const std::string kWebhook = "/webhooks/email/raw";
const std::string kOwnAddress = "service@factory.e2e.test";
const std::string kMailgunKey = "e2e-mailgun-signing-key";

std::unique_ptr<ServerProcess> start_gateway(const TempDir& dir, const std::string& conninfo) {
  return testing::start_test_gateway(
      dir, conninfo,
      {{"case_number_prefix", "MAIL"},
       {"limits", {{"body_bytes", 65536}, {"mail_body_bytes", 262144}}},
       {"mail", {{"address", kOwnAddress}, {"auto_replies_per_hour", 3}}}},
      {{"INTAKE_EMAIL_RAW_SECRET", kSecret}, {"INTAKE_MAILGUN_SIGNING_KEY", kMailgunKey}});
}

class EmailTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    dir_ = new TempDir("intake-e2e-mail");
    gateway_ = start_gateway(*dir_, db_->conninfo()).release();
  }
  static void TearDownTestSuite() {
    if (gateway_) {
      EXPECT_EQ(gateway_->stop(SIGTERM, std::chrono::seconds(30)), 0) << gateway_->log();
    }
    delete gateway_;
    delete dir_;
    delete db_;
  }
  HttpResult post_mail(const std::string& mail) {
    HttpsClient client("127.0.0.1", gateway_->port());
    return client.post(kWebhook, mail, {{"Content-Type", "message/rfc822"}, {"X-Intake-Signature", sign_generic(kSecret, mail)}});
  }
  static std::string count(const std::string& sql) { return db_->scalar(sql); }

  static TestDatabase* db_;
  static TempDir* dir_;
  static ServerProcess* gateway_;
};
TestDatabase* EmailTest::db_ = nullptr;
TempDir* EmailTest::dir_ = nullptr;
ServerProcess* EmailTest::gateway_ = nullptr;

std::string unique(const std::string& what) {
  static int n = 0;
  return std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" + what + "-" +
         std::to_string(++n);
}

struct Mail {
  std::string from;
  std::string message_id;
  std::string subject_header = "=?gb2312?B?svrGt9bKwb/Oyszi?=";  // 产品质量问题, GB2312
  std::string extra_headers;
  // "您好，我们的水泵漏水了，订单号 2026112301。" in GBK, 8-bit: not UTF-8 on the wire.
  std::string body = "\xC4\xFA\xBA\xC3\xA3\xAC\xCE\xD2\xC3\xC7\xB5\xC4\xCB\xAE\xB1\xC3\xC2\xA9\xCB\xAE\xC1\xCB\xA3\xAC"
                     "\xB6\xA9\xB5\xA5\xBA\xC5 2026112301\xA1\xA3\r\n";
  std::string text() const {
    return "From: =?gbk?B?zfXPyMn6?= <" + from + ">\r\nTo: " + kOwnAddress + "\r\nSubject: " + subject_header +
           "\r\nMessage-ID: <" + message_id + ">\r\nDate: Mon, 23 Nov 2026 09:30:00 +0800\r\n" + extra_headers +
           "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body;
  }
};

Mail mail_from(const std::string& who) {
  Mail m;
  m.from = who + "@customer.e2e.test";
  m.message_id = unique("id") + "@customer.e2e.test";
  return m;
}

TEST_F(EmailTest, AGbkMailFilesACaseAndQueuesOneReply) {
  const Mail m = mail_from(unique("wang"));
  auto r = post_mail(m.text());
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = r.json();
  const std::string number = j["case"]["number"];
  ASSERT_TRUE(number.starts_with("MAIL-")) << r.body;
  EXPECT_EQ(j["reply"]["to"], m.from);
  EXPECT_EQ(j["reply"]["subject"], "Re: 产品质量问题 [" + number + "]");
  EXPECT_EQ(j["reply"]["in_reply_to"], m.message_id);
  const std::string our_id = j["reply"]["message_id"];
  EXPECT_TRUE(our_id.ends_with("@factory.e2e.test")) << our_id;
  EXPECT_NE(j["reply"]["text"].get<std::string>().find(number), std::string::npos);

  // Stored: the decoded text, the exact bytes (GBK is not UTF-8, so in raw_bytes), the subject.
  const std::string where = "external_id = '" + m.message_id + "'";
  EXPECT_EQ(count("SELECT text LIKE '产品质量问题%水泵漏水了%' FROM messages WHERE " + where), "t");
  EXPECT_EQ(count("SELECT raw IS NULL AND length(raw_bytes) = " +
                  std::to_string(m.text().size()) + " FROM messages WHERE " + where),
            "t");
  EXPECT_EQ(count("SELECT meta->>'subject' FROM messages WHERE " + where), "产品质量问题");
  // One reply in the outbox, addressed and threaded.
  const std::string outbox = "SELECT count(*) FROM outbox WHERE recipient->>'email' = '" + m.from + "'";
  EXPECT_EQ(count(outbox), "1");
  EXPECT_EQ(count("SELECT payload->>'message_id' FROM outbox WHERE recipient->>'email' = '" + m.from + "'"), our_id);
  EXPECT_EQ(count("SELECT payload->>'in_reply_to' FROM outbox WHERE recipient->>'email' = '" + m.from + "'"), m.message_id);

  // The MTA retries the same delivery: the same answer, nothing new written.
  auto retry = post_mail(m.text());
  ASSERT_EQ(retry.status, 200) << retry.body;
  auto again = retry.json();
  EXPECT_TRUE(again["duplicate"].get<bool>());
  EXPECT_EQ(again["case"]["number"], number);
  EXPECT_EQ(count(outbox), "1");
  EXPECT_EQ(count("SELECT count(*) FROM messages WHERE " + where), "1");
}

TEST_F(EmailTest, AnswersThreadOntoTheirCase) {
  const std::string who = unique("li");
  const Mail first = mail_from(who);
  auto r1 = post_mail(first.text());
  ASSERT_EQ(r1.status, 200) << r1.body;
  const std::string number = r1.json()["case"]["number"], our_id = r1.json()["reply"]["message_id"];

  // A second, unrelated complaint opens a case of its own…
  Mail other = mail_from(who);
  other.subject_header = "=?utf-8?B?" "5Y+R6LSn5aSq5oWi" "?=";  // 发货太慢
  other.body = "\xB7\xA2\xBB\xF5\xCC\xAB\xC2\xFD\xC1\xCB\xA3\xAC\xD2\xBB\xD6\xDC\xC1\xCB\xBB\xB9\xC3\xBB\xB5\xBD\r\n";
  auto r2 = post_mail(other.text());
  ASSERT_EQ(r2.status, 200) << r2.body;

  // …and an answer to our first reply (In-Reply-To, no case number anywhere) joins the first case.
  Mail answer = mail_from(who);
  answer.subject_header = "Re: hello";
  answer.extra_headers = "In-Reply-To: <" + our_id + ">\r\nReferences: <" + first.message_id + "> <" + our_id + ">\r\n";
  answer.body = "still leaking\r\n";
  auto r3 = post_mail(answer.text());
  ASSERT_EQ(r3.status, 200) << r3.body;
  EXPECT_EQ(r3.json()["case"]["number"], number) << r3.body;

  // The case number in the subject threads too, whatever the headers say.
  Mail by_subject = mail_from(who);
  by_subject.subject_header = "Re: [" + number + "] any news?";
  by_subject.body = "when will the engineer come\r\n";
  auto r4 = post_mail(by_subject.text());
  ASSERT_EQ(r4.status, 200) << r4.body;
  EXPECT_EQ(r4.json()["case"]["number"], number) << r4.body;

  // A stranger quoting the same Message-ID is not put on someone else's case.
  Mail stranger = mail_from(unique("stranger"));
  stranger.extra_headers = "In-Reply-To: <" + our_id + ">\r\n";
  auto r5 = post_mail(stranger.text());
  ASSERT_EQ(r5.status, 200) << r5.body;
  EXPECT_NE(r5.json()["case"]["number"], number) << r5.body;
}

TEST_F(EmailTest, LoopProtectionHoldsRepliesBackAndSaysWhy) {
  struct Case {
    std::string headers, from_user, reason;
  };
  for (const Case& c : {Case{"Auto-Submitted: auto-replied\r\n", unique("ooo"), "auto_submitted"},
                        Case{"List-Id: <spice-devel.lists.e2e.test>\r\n", unique("list"), "mailing_list"},
                        Case{"Precedence: bulk\r\n", unique("bulk"), "bulk_precedence"},
                        Case{"", "mailer-daemon", "system_sender"},
                        Case{"X-Loop: " + kOwnAddress + "\r\n", unique("loop"), "own_loop_marker"}}) {
    SCOPED_TRACE(c.reason);
    Mail m = mail_from(c.from_user);
    m.extra_headers = c.headers;
    auto r = post_mail(m.text());
    ASSERT_EQ(r.status, 200) << r.body;
    const auto j = r.json();
    EXPECT_TRUE(j["reply"].is_null()) << r.body;
    EXPECT_EQ(j["suppressed_reason"], c.reason) << r.body;
    EXPECT_TRUE(j["case"].is_object()) << r.body;  // still filed for a person
    EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE recipient->>'email' = '" + m.from + "'"), "0");
    // A redelivery replays the same answer, reason included.
    auto retry = post_mail(m.text());
    EXPECT_EQ(retry.json()["suppressed_reason"], c.reason) << retry.body;
  }
}

TEST_F(EmailTest, AutomaticRepliesToOneSenderAreRateLimited) {
  const std::string who = unique("chatty");
  std::vector<std::string> reasons;
  for (int i = 0; i < 4; ++i) {
    Mail m = mail_from(who);
    auto r = post_mail(m.text());
    ASSERT_EQ(r.status, 200) << r.body;
    const auto j = r.json();
    reasons.push_back(j.contains("suppressed_reason") ? j["suppressed_reason"].get<std::string>() : "sent");
  }
  EXPECT_EQ(reasons, (std::vector<std::string>{"sent", "sent", "sent", "rate_limited"}));
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE recipient->>'email' = '" + who + "@customer.e2e.test'"), "3");
}

TEST_F(EmailTest, BadDeliveriesAreRefusedAndChangeNothing) {
  const Mail m = mail_from(unique("bad"));
  const std::string before = count("SELECT count(*) FROM messages");
  HttpsClient client("127.0.0.1", gateway_->port());
  auto forged = client.post(kWebhook, m.text(), {{"Content-Type", "message/rfc822"}, {"X-Intake-Signature", sign_generic("wrong", m.text())}});
  EXPECT_EQ(forged.status, 401) << forged.body;
  auto wrong_type = client.post(kWebhook, m.text(), {{"Content-Type", "text/plain"}, {"X-Intake-Signature", sign_generic(kSecret, m.text())}});
  EXPECT_EQ(wrong_type.status, 415) << wrong_type.body;
  EXPECT_EQ(wrong_type.json()["error"]["code"], "unsupported_media_type");
  auto empty = client.post(kWebhook, "", {{"Content-Type", "message/rfc822"}, {"X-Intake-Signature", sign_generic(kSecret, "")}});
  EXPECT_EQ(empty.status, 400) << empty.body;
  EXPECT_EQ(empty.json()["error"]["code"], "invalid_field");
  EXPECT_EQ(count("SELECT count(*) FROM messages"), before);
}

TEST_F(EmailTest, AMessageNobodyCanParseIsStillFiledForAPerson) {
  const std::string junk = std::string("\xFF\xFE\x01\x02 not a mail \x80\x81", 18);
  auto r = post_mail(junk);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string number = r.json()["case"]["number"];
  ASSERT_FALSE(number.empty()) << r.body;
  EXPECT_EQ(r.json()["suppressed_reason"], "no_address") << r.body;  // neither From nor an envelope sender
  EXPECT_EQ(count("SELECT flagged AND flag_reason LIKE '%unreadable_message%' FROM conversations c JOIN cases k ON "
                  "k.conversation_id = c.id WHERE k.number = '" + number + "'"),
            "t");
  EXPECT_EQ(count("SELECT length(raw_bytes) FROM messages m JOIN cases k ON k.id = m.case_id WHERE k.number = '" + number +
                  "' AND m.direction = 'inbound'"),
            std::to_string(junk.size()));
}

// scripts/mail-pipe as Postfix's pipe transport runs it: the message on stdin, the exit
// status read as sysexits(3).
int mail_pipe(const TempDir& dir, const std::string& message, const std::string& url, const std::string& secret) {
  const auto input = dir.path() / "pipe-input.eml";
  std::ofstream(input, std::ios::binary) << message;
  const auto secret_file = dir.path() / "pipe-secret";
  std::ofstream(secret_file) << secret << "\n";
  const std::string command = std::string(INTAKE_SOURCE_DIR) + "/scripts/mail-pipe --url '" + url + "' --insecure --timeout 20" +
                              " --secret-file '" + secret_file.string() + "' --sender bounce-me@customer.e2e.test < '" +
                              input.string() + "' 2>>'" + (dir.path() / "pipe-stderr").string() + "'";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(EmailTest, MailPipeMapsTheGatewaysAnswersToTheMtasOutcomes) {
  const std::string url = "https://127.0.0.1:" + std::to_string(gateway_->port()) + kWebhook;
  Mail m = mail_from(unique("piped"));
  EXPECT_EQ(mail_pipe(*dir_, m.text(), url, kSecret), 0);  // delivered
  EXPECT_EQ(count("SELECT count(*) FROM messages WHERE external_id = '" + m.message_id + "'"), "1");
  EXPECT_EQ(mail_pipe(*dir_, m.text(), url, kSecret), 0);  // the MTA's retry: still delivered, nothing doubled
  EXPECT_EQ(count("SELECT count(*) FROM messages WHERE external_id = '" + m.message_id + "'"), "1");

  Mail other = mail_from(unique("piped"));
  EXPECT_EQ(mail_pipe(*dir_, other.text(), url, "a-wrong-secret"), 75);  // kept by the MTA, not bounced
  EXPECT_EQ(mail_pipe(*dir_, "", url, kSecret), 65);                     // refused for good
  Mail huge = mail_from(unique("piped"));
  huge.body = std::string(300 * 1024, 'x') + "\r\n";
  EXPECT_EQ(mail_pipe(*dir_, huge.text(), url, kSecret), 65);  // over limits.mail_body_bytes
  EXPECT_EQ(mail_pipe(*dir_, other.text(), "https://127.0.0.1:1/webhooks/email/raw", kSecret), 75);  // nobody there
  EXPECT_EQ(count("SELECT count(*) FROM messages WHERE external_id = '" + other.message_id + "'"), "0");
  // A sender the message does not name comes from the envelope.
  EXPECT_EQ(mail_pipe(*dir_, "Subject: no from\r\n\r\n\xE4\xBA\xA7\xE5\x93\x81\xE6\xBC\x8F\xE6\xB0\xB4\r\n", url, kSecret), 0);
  EXPECT_EQ(count("SELECT count(*) FROM channel_identities WHERE external_id = 'bounce-me@customer.e2e.test'"), "1");
}

// ---- email/mailgun --------------------------------------------------------------------

std::string hmac_hex(const std::string& key, const std::string& data) {
  // sign_generic gives "sha256=<hex>" of the same HMAC-SHA256.
  return sign_generic(key, data).substr(7);
}

std::string mailgun_form(const std::string& message_id, const std::string& from, long long timestamp,
                         const std::string& token, const std::string& key) {
  auto part = [](const std::string& name, const std::string& value) {
    return "--MG\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
  };
  const std::string ts = std::to_string(timestamp);
  return part("sender", from) + part("from", "Zhao <" + from + ">") + part("subject", "发货太慢") +
         part("body-plain", "订单号 2026112702 一周了还没到，物流也查不到") +
         part("message-headers", "[[\"Message-Id\", \"<" + message_id + ">\"], [\"From\", \"Zhao <" + from + ">\"]]") +
         part("timestamp", ts) + part("token", token) + part("signature", hmac_hex(key, ts + token)) + "--MG--\r\n";
}

TEST_F(EmailTest, MailgunPostsAreVerifiedFiledOnceAndAnswered) {
  HttpsClient client("127.0.0.1", gateway_->port());
  const std::map<std::string, std::string> form_type{{"Content-Type", "multipart/form-data; boundary=MG"}};
  const long long now = static_cast<long long>(std::time(nullptr));
  const std::string id = unique("mg") + "@customer.e2e.test", from = unique("zhao") + "@customer.e2e.test";

  auto r = client.post("/webhooks/email/mailgun", mailgun_form(id, from, now, "tok-" + id, kMailgunKey), form_type);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = r.json();
  const std::string number = j["case"]["number"];
  EXPECT_EQ(j["case"]["category"], "logistics") << r.body;
  EXPECT_EQ(j["reply"]["to"], from);
  EXPECT_EQ(j["reply"]["subject"], "Re: 发货太慢 [" + number + "]");
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE recipient->>'email' = '" + from + "'"), "1");

  // Mailgun retries a post it got no 2xx for, with a new token: the Message-Id dedupes it.
  auto retry = client.post("/webhooks/email/mailgun", mailgun_form(id, from, now, "tok2-" + id, kMailgunKey), form_type);
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_TRUE(retry.json()["duplicate"].get<bool>());
  EXPECT_EQ(retry.json()["case"]["number"], number);
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE recipient->>'email' = '" + from + "'"), "1");

  const std::string other = unique("mg") + "@customer.e2e.test";
  auto forged = client.post("/webhooks/email/mailgun", mailgun_form(other, from, now, "t", "not-the-key"), form_type);
  EXPECT_EQ(forged.status, 401) << forged.body;
  auto stale = client.post("/webhooks/email/mailgun", mailgun_form(other, from, now - 3600, "t", kMailgunKey), form_type);
  EXPECT_EQ(stale.status, 401) << stale.body;
  auto malformed = client.post("/webhooks/email/mailgun", "x", {{"Content-Type", "multipart/form-data"}});
  EXPECT_EQ(malformed.status, 400) << malformed.body;
  EXPECT_EQ(malformed.json()["error"]["code"], "invalid_field");
  auto json_post = client.post("/webhooks/email/mailgun", "{}", {{"Content-Type", "application/json"}});
  EXPECT_EQ(json_post.status, 415) << json_post.body;
  EXPECT_EQ(count("SELECT count(*) FROM messages WHERE external_id = '" + other + "'"), "0");
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(EmailTest, EveryRealMailOfTheSharedTestdataIsAccepted) {
  const char* shared = std::getenv("INTAKE_SHARED_DIR");
  const std::filesystem::path dir = shared ? std::filesystem::path(shared) / "testdata" / "eml" : std::filesystem::path();
  if (!shared || !std::filesystem::exists(dir / "MANIFEST.json"))
    GTEST_SKIP() << "INTAKE_SHARED_DIR is not set or has no testdata/eml: the real mails were not posted";
  int posted = 0;
  for (const auto& entry : nlohmann::json::parse(read_file(dir / "MANIFEST.json"))) {
    const std::string file = entry["file"];
    SCOPED_TRACE(file);
    const std::string mail = read_file(dir / file);
    auto r = post_mail(mail);
    ASSERT_EQ(r.status, 200) << r.body;
    ++posted;
    const auto j = r.json();
    EXPECT_TRUE(j["case"].is_object() || j["reply"].is_object()) << r.body;
    // Mailing-list posts (nearly all of these) must not be answered.
    if (mail.find("\nList-Id:") != std::string::npos) {
      EXPECT_EQ(j["suppressed_reason"], "mailing_list") << r.body;
    }
    const std::string subject = entry["subject_decoded"];
    if (!subject.empty() && subject.find("\xEF\xBF\xBD") == std::string::npos) {
      EXPECT_EQ(count("SELECT meta->>'subject' FROM messages WHERE direction = 'inbound' AND sha256(coalesce(raw_bytes, "
                      "convert_to(raw, 'UTF8'))) = '\\x" + entry["sha256"].get<std::string>() + "'"),
                subject);
    }
  }
  EXPECT_EQ(posted, 23);
}

}  // namespace
}  // namespace intake
