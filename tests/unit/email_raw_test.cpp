// The email/raw adapter: signature, media type, and how a mail becomes an Inbound.
#include "intake/channels/email_raw.hpp"

#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <map>
#include <nlohmann/json.hpp>

namespace intake::channels {
namespace {

const std::string kSecret = "mail-secret";
const Timestamp kReceived = Timestamp{std::chrono::milliseconds{1'795'000'000'000}};

std::string sign(const std::string& body) {
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  std::string hex = "sha256=";
  for (unsigned i = 0; i < len; ++i) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", mac[i]);
    hex += b;
  }
  return hex;
}

struct FakeRequest {
  std::string body;
  std::map<std::string, std::string> headers;
  HttpRequestView view() const {
    return HttpRequestView{"POST", "/webhooks/email/raw", body, [this](std::string_view name) -> std::optional<std::string_view> {
                             for (const auto& [k, v] : headers)
                               if (strcasecmp(k.c_str(), std::string(name).c_str()) == 0) return std::string_view(v);
                             return std::nullopt;
                           }};
  }
};

FakeRequest signed_mail(const std::string& mail, std::map<std::string, std::string> extra = {}) {
  FakeRequest r{mail, {{"Content-Type", "message/rfc822"}, {"X-Intake-Signature", sign(mail)}}};
  for (auto& [k, v] : extra) r.headers[k] = v;
  return r;
}

EmailRaw adapter() { return EmailRaw({kSecret, false, {"service@factory.example", "factory.example", kChinaStandardTime}}); }

const std::string kMail =
    "From: =?utf-8?B?546L5YWI55Sf?= <Wang@Example.cn>\r\n"
    "Subject: =?utf-8?B?5rC05rO15ryP5rC0?=\r\n"
    "Message-ID: <m1@example.cn>\r\n"
    "In-Reply-To: <intake.0123456789abcdef@factory.example>\r\n"
    "References: <a@example.cn> <b@example.cn>\r\n"
    "Date: Mon, 23 Nov 2026 09:30:00 +0800\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    "出水口一直在滴水。\r\n";

TEST(EmailRaw, AMailBecomesAnInbound) {
  auto in = adapter().accept(signed_mail(kMail).view(), kReceived);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->channel, "email");
  EXPECT_EQ(in->provider, "raw");
  EXPECT_EQ(in->external_id, "m1@example.cn");
  EXPECT_EQ(in->reply_reference, "m1@example.cn");
  EXPECT_EQ(in->sender.id, "wang@example.cn");  // addresses are matched case-insensitively
  EXPECT_EQ(in->sender.email, "Wang@Example.cn");
  EXPECT_EQ(in->sender.name, "王先生");
  EXPECT_EQ(in->subject, "水泵漏水");
  EXPECT_EQ(in->text, "水泵漏水\n\n出水口一直在滴水。\r\n");
  EXPECT_EQ(in->thread_references,
            (std::vector<std::string>{"intake.0123456789abcdef@factory.example", "b@example.cn", "a@example.cn"}));
  EXPECT_EQ(in->raw, kMail);
  EXPECT_FALSE(in->needs_person);
  ASSERT_TRUE(in->sent_at);
}

TEST(EmailRaw, SignatureAndMediaTypeAreChecked) {
  FakeRequest forged = signed_mail(kMail);
  forged.headers["X-Intake-Signature"] = sign(kMail + "x");
  EXPECT_EQ(adapter().accept(forged.view(), kReceived).error().code, errc::unauthorized);
  FakeRequest json_body = signed_mail(kMail, {{"Content-Type", "application/json"}});
  EXPECT_EQ(adapter().accept(json_body.view(), kReceived).error().code, errc::unsupported_media_type);
  EXPECT_EQ(adapter().accept(signed_mail("").view(), kReceived).error().code, errc::invalid_field);
}

TEST(EmailRaw, AMailWithoutMessageIdIsIdentifiedByItsBytes) {
  const std::string mail = "From: a@example.cn\r\nSubject: hi\r\n\r\n订单怎么还没到\r\n";
  auto a = adapter().accept(signed_mail(mail).view(), kReceived);
  auto b = adapter().accept(signed_mail(mail).view(), kReceived);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(a->external_id.starts_with("sha256:"));
  EXPECT_EQ(a->external_id, b->external_id);
  auto other = adapter().accept(signed_mail(mail + ".").view(), kReceived);
  EXPECT_NE(other->external_id, a->external_id);
}

TEST(EmailRaw, WhatCannotBeReadGoesToAPerson) {
  auto garbage = adapter().accept(signed_mail("\xFF\xFE\x00\x01 binary", {{"X-Intake-Envelope-From", "bob@example.cn"}}).view(),
                                  kReceived);
  ASSERT_TRUE(garbage.ok()) << garbage.error().message;
  EXPECT_EQ(garbage->needs_person, "unreadable_message");
  EXPECT_EQ(garbage->sender.id, "bob@example.cn");  // the envelope sender, as the MTA gave it
  EXPECT_FALSE(garbage->text.empty());

  auto attachment_only = adapter().accept(
      signed_mail("From: a@example.cn\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
                  "Content-Type: image/jpeg\r\nContent-Disposition: attachment; filename=leak.jpg\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\n/9j/4AAQ\r\n--x--\r\n")
          .view(),
      kReceived);
  ASSERT_TRUE(attachment_only.ok());
  EXPECT_EQ(attachment_only->needs_person, "attachments_only");
  ASSERT_EQ(attachment_only->attachments.size(), 1u);
  EXPECT_EQ(attachment_only->attachments[0].filename, "leak.jpg");
}

TEST(EmailRaw, TheAnswerCarriesTheReplyEnvelopeOrWhyThereIsNone) {
  auto in = adapter().accept(signed_mail(kMail).view(), kReceived);
  ASSERT_TRUE(in.ok());
  Acknowledgement ack;
  ack.reply_text = "已收到";
  ack.case_view = CaseView{"TS-20261123-0001", "product_quality", "normal", "new", std::nullopt};
  ack.conversation_id = "c1";
  auto sent = nlohmann::json::parse(adapter().render(*in, ack).body);
  EXPECT_EQ(sent["reply"]["to"], "Wang@Example.cn");
  EXPECT_EQ(sent["reply"]["subject"], "Re: 水泵漏水 [TS-20261123-0001]");
  EXPECT_EQ(sent["reply"]["in_reply_to"], "m1@example.cn");
  EXPECT_TRUE(sent["reply"]["message_id"].get<std::string>().ends_with("@factory.example"));
  EXPECT_EQ(sent["case"]["number"], "TS-20261123-0001");

  ack.reply_text.reset();
  ack.suppressed_reason = "mailing_list";
  auto held = nlohmann::json::parse(adapter().render(*in, ack).body);
  EXPECT_TRUE(held["reply"].is_null());
  EXPECT_EQ(held["suppressed_reason"], "mailing_list");
}

TEST(EmailRaw, ReplySubjectsDoNotPileUpPrefixes) {
  EXPECT_EQ(reply_subject("水泵漏水", std::string("TS-1")), "Re: 水泵漏水 [TS-1]");
  EXPECT_EQ(reply_subject("Re: RE: 回复：水泵漏水", std::string("TS-1")), "Re: 水泵漏水 [TS-1]");
  EXPECT_EQ(reply_subject("回复: 水泵漏水 [TS-1]", std::string("TS-1")), "Re: 水泵漏水 [TS-1]");
  EXPECT_EQ(reply_subject("Report on 2026 orders", std::nullopt), "Re: Report on 2026 orders");
  EXPECT_EQ(reply_subject("", std::nullopt), "Re:");
}

}  // namespace
}  // namespace intake::channels
