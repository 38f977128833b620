#include "intake/dialog/reply_guard.hpp"

#include <gtest/gtest.h>

#include "intake/mail_ids.hpp"

namespace intake::dialog {
namespace {

const ReplyGuardPolicy kPolicy{"service@factory.example", "factory.example", 3};

Inbound mail_from(const std::string& address, std::vector<std::pair<std::string, std::string>> headers = {}) {
  Inbound m;
  m.channel = "email";
  m.provider = "raw";
  m.external_id = "x1@example.cn";
  m.reply_reference = "x1@example.cn";
  m.sender.id = address;
  m.sender.email = address;
  m.headers = std::move(headers);
  return m;
}

TEST(ReplyGuard, APersonsMailMayBeAnswered) {
  EXPECT_EQ(reply_suppression(mail_from("wang@example.cn"), 0, kPolicy), std::nullopt);
  EXPECT_EQ(reply_suppression(mail_from("wang@example.cn", {{"auto-submitted", "no"}}), 2, kPolicy), std::nullopt);
  EXPECT_EQ(reply_suppression(mail_from("wang@example.cn", {{"precedence", "first-class"}}), 0, kPolicy), std::nullopt);
}

TEST(ReplyGuard, AutomaticSendersAreNeverAnswered) {
  EXPECT_EQ(reply_suppression(mail_from("a@example.cn", {{"auto-submitted", "auto-replied"}}), 0, kPolicy), "auto_submitted");
  EXPECT_EQ(reply_suppression(mail_from("a@example.cn", {{"auto-submitted", "Auto-Generated; x=1"}}), 0, kPolicy),
            "auto_submitted");
  EXPECT_EQ(reply_suppression(mail_from("a@example.cn", {{"precedence", "bulk"}}), 0, kPolicy), "bulk_precedence");
  EXPECT_EQ(reply_suppression(mail_from("a@example.cn", {{"precedence", " JUNK"}}), 0, kPolicy), "bulk_precedence");
  EXPECT_EQ(reply_suppression(mail_from("a@example.cn", {{"precedence", "list"}}), 0, kPolicy), "mailing_list");
  EXPECT_EQ(reply_suppression(mail_from("a@example.cn", {{"precedence", "list"}, {"list-id", "<l.example.cn>"}}), 0, kPolicy),
            "mailing_list");
  EXPECT_EQ(reply_suppression(mail_from("a@example.cn", {{"list-id", "<spice-devel.lists.freedesktop.org>"}}), 0, kPolicy),
            "mailing_list");
  for (const char* sender : {"MAILER-DAEMON@mx.example.cn", "postmaster@example.cn", "no-reply@shop.example",
                             "noreply@shop.example", "donotreply@bank.example", "bounces+123@list.example"})
    EXPECT_EQ(reply_suppression(mail_from(sender), 0, kPolicy), "system_sender") << sender;
}

TEST(ReplyGuard, OurOwnMailIsNeverAnswered) {
  EXPECT_EQ(reply_suppression(mail_from("a@example.cn", {{"x-loop", "Service@Factory.example"}}), 0, kPolicy),
            "own_loop_marker");
  EXPECT_EQ(reply_suppression(mail_from("SERVICE@factory.example"), 0, kPolicy), "own_address");
  Inbound ours = mail_from("a@example.cn");
  Inbound answered = mail_from("b@example.cn");
  ours.reply_reference = reply_message_id(answered, "factory.example");
  EXPECT_EQ(reply_suppression(ours, 0, kPolicy), "own_message");
  ours.reply_reference = reply_message_id(answered, "other.example");
  EXPECT_EQ(reply_suppression(ours, 0, kPolicy), std::nullopt);
}

TEST(ReplyGuard, ASenderWithoutAddressCannotBeAnswered) {
  Inbound unknown = mail_from("unknown-sender");
  unknown.sender.email.reset();
  EXPECT_EQ(reply_suppression(unknown, 0, kPolicy), "no_address");
}

TEST(ReplyGuard, AutomaticRepliesPerConversationAreLimited) {
  EXPECT_EQ(reply_suppression(mail_from("wang@example.cn"), 2, kPolicy), std::nullopt);
  EXPECT_EQ(reply_suppression(mail_from("wang@example.cn"), 3, kPolicy), "rate_limited");
  ReplyGuardPolicy silent = kPolicy;
  silent.replies_per_hour = 0;
  EXPECT_EQ(reply_suppression(mail_from("wang@example.cn"), 0, silent), "rate_limited");
}

TEST(MailIds, OurMessageIdsAreStableAndRecognisable) {
  Inbound m = mail_from("wang@example.cn");
  const std::string id = reply_message_id(m, "factory.example");
  EXPECT_EQ(id, reply_message_id(m, "factory.example"));
  EXPECT_TRUE(id.starts_with("intake.")) << id;
  EXPECT_TRUE(id.ends_with("@factory.example")) << id;
  EXPECT_TRUE(is_own_message_id(id, "factory.example"));
  EXPECT_TRUE(is_own_message_id("INTAKE.0123456789abcdef@FACTORY.example", "factory.example"));
  EXPECT_FALSE(is_own_message_id("intake.x@factory.example", "factory.example"));  // too short to be ours
  EXPECT_FALSE(is_own_message_id("abc@factory.example", "factory.example"));
  m.external_id = "x2@example.cn";
  EXPECT_NE(reply_message_id(m, "factory.example"), id);
}

}  // namespace
}  // namespace intake::dialog
