// Our replies, written with GMime and read back with our own reader.
#include "intake/channels/mail_compose.hpp"

#include <gtest/gtest.h>

#include "intake/channels/mail_message.hpp"

namespace intake::channels {
namespace {

ReplyMail reply() {
  ReplyMail m;
  m.from_address = "service@factory.example";
  m.from_name = "客户服务中心";
  m.to_address = "wang@example.cn";
  m.to_name = "王先生";
  m.subject = "Re: 水泵漏水 [TS-20261127-0003]";
  m.message_id = "intake.0123456789abcdef@factory.example";
  m.in_reply_to = "abc@example.cn";
  m.references = {"first@example.cn", "abc@example.cn"};
  m.text = "您好，您的投诉已登记，编号 TS-20261127-0003，我们将在4小时内联系您。\n";
  m.date = Timestamp{std::chrono::seconds{1'795'000'000}};
  return m;
}

TEST(MailCompose, AReplyReadsBackAsWritten) {
  const std::string raw = compose_mail(reply());
  const MailMessage back = read_mail(raw);
  EXPECT_EQ(back.subject, "Re: 水泵漏水 [TS-20261127-0003]");
  ASSERT_TRUE(back.from);
  EXPECT_EQ(back.from->name, "客户服务中心");
  EXPECT_EQ(back.from->address, "service@factory.example");
  EXPECT_EQ(back.message_id, "intake.0123456789abcdef@factory.example");
  EXPECT_EQ(back.in_reply_to, std::vector<std::string>{"abc@example.cn"});
  EXPECT_EQ(back.references, (std::vector<std::string>{"first@example.cn", "abc@example.cn"}));
  EXPECT_NE(back.body.find("TS-20261127-0003"), std::string::npos) << back.body;
  EXPECT_NE(back.body.find("我们将在4小时内联系您"), std::string::npos) << back.body;
  EXPECT_EQ(header_value(back, "auto-submitted"), "auto-replied");
  EXPECT_EQ(header_value(back, "x-loop"), "service@factory.example");
  ASSERT_TRUE(back.date);
  EXPECT_EQ(*back.date, reply().date);
  EXPECT_TRUE(back.problems.empty());
}

TEST(MailCompose, TheWireFormatIsSevenBitWithCrlfLineEnds) {
  const std::string raw = compose_mail(reply());
  for (unsigned char c : raw) ASSERT_LT(c, 0x80) << "8-bit byte in the message";
  for (std::size_t i = raw.find('\n'); i != std::string::npos; i = raw.find('\n', i + 1))
    ASSERT_TRUE(i > 0 && raw[i - 1] == '\r') << "a bare LF at byte " << i;
  EXPECT_NE(raw.find("charset=utf-8"), std::string::npos) << raw;
}

TEST(MailCompose, APersonsReplyIsNotMarkedAutomatic) {
  ReplyMail m = reply();
  m.automatic = false;
  const MailMessage back = read_mail(compose_mail(m));
  EXPECT_FALSE(header_value(back, "auto-submitted"));
  EXPECT_EQ(header_value(back, "x-loop"), "service@factory.example");
}

}  // namespace
}  // namespace intake::channels
