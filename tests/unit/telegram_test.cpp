// channels::Telegram: the secret token, Updates into Inbound, the reply as a sendMessage
// call in the webhook response. Telegram's own sample Updates are checked when the shared
// test data is there (INTAKE_SHARED_DIR).
#include "intake/channels/telegram.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "unit_support.hpp"

namespace {

using intake::channels::Telegram;
using nlohmann::json;
using unit::FakeRequest;
namespace errc = intake::channels::errc;

constexpr const char* kToken = "unit-telegram-token";
const intake::Timestamp kReceived = unit::utc(2026, 11, 23, 2, 0, 0, 0);

Telegram channel() { return Telegram({kToken, false}); }

json text_update() {
  return {{"update_id", 700123},
          {"message",
           {{"message_id", 88},
            {"date", 1795399200},
            {"chat", {{"id", 5550001}, {"type", "private"}, {"first_name", "李"}}},
            {"from", {{"id", 5550001}, {"first_name", "李"}, {"last_name", "娜"}, {"username", "lina"}}},
            {"text", "胶水涂上三天了还不干，怎么回事？"}}}};
}

FakeRequest request_with_token(const std::string& body, const std::string& token = kToken) {
  FakeRequest r{body, {}, "/webhooks/chat/telegram"};
  r.with("Content-Type", "application/json").with("X-Telegram-Bot-Api-Secret-Token", token);
  return r;
}

std::string error_code(const intake::Result<intake::Inbound>& r) { return r ? std::string("accepted") : r.error().code; }

TEST(TelegramAccept, TextMessageBecomesInbound) {
  const auto body = text_update().dump();
  auto in = channel().accept(request_with_token(body).view(), kReceived);
  ASSERT_TRUE(in) << in.error().message;
  EXPECT_EQ(in->channel, "chat");
  EXPECT_EQ(in->provider, "telegram");
  EXPECT_EQ(in->external_id, "700123");  // the update_id: a redelivery has the same one
  EXPECT_EQ(in->sender.id, "5550001");   // the chat, where the reply goes
  EXPECT_EQ(in->sender.name, "李 娜");
  EXPECT_EQ(in->text, "胶水涂上三天了还不干，怎么回事？");
  EXPECT_EQ(in->reply_reference, "88");
  ASSERT_TRUE(in->sent_at.has_value());
  EXPECT_EQ(*in->sent_at, intake::Timestamp{std::chrono::seconds{1795399200}});
  EXPECT_EQ(in->received_at, kReceived);
  EXPECT_EQ(in->raw, body);
}

TEST(TelegramAccept, TheSecretTokenIsRequiredAndMustMatch) {
  const auto body = text_update().dump();
  FakeRequest missing{body, {}, "/webhooks/chat/telegram"};
  EXPECT_EQ(error_code(channel().accept(missing.view(), kReceived)), errc::unauthorized);
  EXPECT_EQ(error_code(channel().accept(request_with_token(body, "wrong").view(), kReceived)), errc::unauthorized);
  EXPECT_EQ(error_code(channel().accept(request_with_token(body, std::string(kToken) + "x").view(), kReceived)),
            errc::unauthorized);
  // No token configured: refused unless unsigned requests are allowed on purpose.
  EXPECT_EQ(error_code(Telegram({std::nullopt, false}).accept(missing.view(), kReceived)), errc::unauthorized);
  EXPECT_TRUE(Telegram({std::nullopt, true}).accept(missing.view(), kReceived));
}

TEST(TelegramAccept, AnEditIsANewMessageDatedByItsEdit) {
  json update = text_update();
  update["edited_message"] = update["message"];
  update.erase("message");
  update["edited_message"]["text"] = "更正：已经五天了";
  update["edited_message"]["edit_date"] = 1795399900;
  auto in = channel().accept(request_with_token(update.dump()).view(), kReceived);
  ASSERT_TRUE(in) << in.error().message;
  EXPECT_EQ(in->text, "更正：已经五天了");
  EXPECT_EQ(*in->sent_at, intake::Timestamp{std::chrono::seconds{1795399900}});
}

TEST(TelegramAccept, MediaWithoutTextIsMarkedAndACaptionIsTheText) {
  json update = text_update();
  update["message"].erase("text");
  update["message"]["voice"] = {{"file_id", "v1"}, {"duration", 5}};
  auto voice = channel().accept(request_with_token(update.dump()).view(), kReceived);
  ASSERT_TRUE(voice) << voice.error().message;
  EXPECT_EQ(voice->text, "[voice]");

  update["message"].erase("voice");
  update["message"]["document"] = {{"file_id", "d1"}, {"file_name", "检测报告.pdf"}};
  auto document = channel().accept(request_with_token(update.dump()).view(), kReceived);
  ASSERT_TRUE(document);
  EXPECT_EQ(document->text, "[document] 检测报告.pdf");

  update["message"]["caption"] = "这是检测报告，数据不合格";
  auto captioned = channel().accept(request_with_token(update.dump()).view(), kReceived);
  ASSERT_TRUE(captioned);
  EXPECT_EQ(captioned->text, "这是检测报告，数据不合格");
}

TEST(TelegramAccept, UpdatesWithoutACustomerMessageAreNotMessages) {
  const json inline_query = {{"update_id", 1}, {"inline_query", {{"id", "q"}, {"query", "x"}}}};
  auto r = channel().accept(request_with_token(inline_query.dump()).view(), kReceived);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::not_a_message);
  EXPECT_NE(r.error().message.find("inline_query"), std::string::npos) << r.error().message;

  json empty = text_update();
  empty["message"].erase("text");  // no text, caption or media
  EXPECT_EQ(error_code(channel().accept(request_with_token(empty.dump()).view(), kReceived)), errc::not_a_message);
}

TEST(TelegramAccept, MalformedUpdatesAreRejectedWithTheField) {
  EXPECT_EQ(error_code(channel().accept(request_with_token("{\"update_id\": 1,").view(), kReceived)), errc::invalid_json);
  EXPECT_EQ(error_code(channel().accept(request_with_token("[1]").view(), kReceived)), errc::invalid_field);
  EXPECT_EQ(error_code(channel().accept(request_with_token(std::string("{\"text\":\"\xff\"}")).view(), kReceived)),
            errc::invalid_utf8);

  json update = text_update();
  update["update_id"] = "700123";
  auto r = channel().accept(request_with_token(update.dump()).view(), kReceived);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_field);
  EXPECT_NE(r.error().message.find("update_id"), std::string::npos);

  update = text_update();
  update["message"].erase("chat");
  r = channel().accept(request_with_token(update.dump()).view(), kReceived);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("message.chat"), std::string::npos) << r.error().message;

  update = text_update();
  update["message"]["text"] = 42;
  EXPECT_EQ(error_code(channel().accept(request_with_token(update.dump()).view(), kReceived)), errc::invalid_field);

  FakeRequest form = request_with_token(text_update().dump());
  form.headers[0].second = "application/x-www-form-urlencoded";
  EXPECT_EQ(error_code(channel().accept(form.view(), kReceived)), errc::unsupported_media_type);
}

TEST(TelegramRender, TheReplyIsASendMessageCallQuotingTheCustomer) {
  auto in = channel().accept(request_with_token(text_update().dump()).view(), kReceived);
  ASSERT_TRUE(in);
  intake::Acknowledgement ack;
  ack.reply_text = "您好，已为您登记工单 TS-20261123-0001";
  const auto reply = channel().render(*in, ack);
  EXPECT_EQ(reply.content_type, "application/json");
  const json call = json::parse(reply.body);
  EXPECT_EQ(call["method"], "sendMessage");
  EXPECT_EQ(call["chat_id"], 5550001);  // a number, as the Bot API documents it
  EXPECT_EQ(call["text"], *ack.reply_text);
  EXPECT_EQ(call["reply_to_message_id"], 88);
}

TEST(TelegramRender, SilenceIsAnEmptyResponse) {
  auto in = channel().accept(request_with_token(text_update().dump()).view(), kReceived);
  ASSERT_TRUE(in);
  intake::Acknowledgement staff_owned;  // no reply text: staff answer through the console
  staff_owned.handled_by = "staff";
  EXPECT_TRUE(channel().render(*in, staff_owned).body.empty());
}

// Telegram's published sample Updates (../shared/testdata/vectors/telegram): 01–10 are
// messages (text, forwards, a reply, an edit, entities, audio, voice, document), 11–13
// are an inline query, a chosen inline result and a button press.
TEST(TelegramVectors, TheOfficialSampleUpdates) {
  const char* shared = std::getenv("INTAKE_SHARED_DIR");
  if (shared == nullptr || !std::filesystem::is_directory(std::filesystem::path(shared) / "testdata/vectors/telegram"))
    GTEST_SKIP() << "INTAKE_SHARED_DIR is not set or has no testdata/vectors/telegram: Telegram's samples not checked";
  std::size_t messages = 0, others = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(shared) / "testdata/vectors/telegram")) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream file(entry.path(), std::ios::binary);
    std::stringstream body;
    body << file.rdbuf();
    const int number = std::stoi(entry.path().filename().string().substr(0, 2));
    auto in = channel().accept(request_with_token(body.str()).view(), kReceived);
    if (number <= 10) {
      ASSERT_TRUE(in) << entry.path() << ": " << in.error().message;
      EXPECT_EQ(in->external_id, "10000") << entry.path();
      EXPECT_EQ(in->sender.id, "1111111") << entry.path();
      EXPECT_TRUE(in->sender.name.ends_with(" Test Lastname")) << entry.path() << ": " << in->sender.name;
      EXPECT_FALSE(in->text.empty()) << entry.path();
      ++messages;
    } else {
      ASSERT_FALSE(in) << entry.path();
      EXPECT_EQ(in.error().code, errc::not_a_message) << entry.path();
      ++others;
    }
  }
  EXPECT_EQ(messages, 10u);
  EXPECT_EQ(others, 3u);
}

}  // namespace
