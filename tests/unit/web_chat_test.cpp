// The web chat's frames and tokens.
#include "intake/channels/web_chat.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace intake::channels::web_chat {
namespace {

const std::string kCustomer = "w-0123456789abcdef0123456789abcdef";

TEST(WebChatToken, IssuedTokensVerifyAndNothingElseDoes) {
  const std::string token = issue_token(kCustomer, "secret-1");
  EXPECT_TRUE(token.starts_with("wc1." + kCustomer + "."));
  EXPECT_EQ(verify_token(token, "secret-1"), kCustomer);
  EXPECT_EQ(verify_token(token, "secret-2"), std::nullopt);  // another gateway's secret
  std::string tampered = token;
  tampered[6] = tampered[6] == '0' ? '1' : '0';  // another customer, same signature
  EXPECT_EQ(verify_token(tampered, "secret-1"), std::nullopt);
  EXPECT_EQ(verify_token("", "secret-1"), std::nullopt);
  EXPECT_EQ(verify_token("wc1.", "secret-1"), std::nullopt);
  EXPECT_EQ(verify_token("wc1.w-x.abc", "secret-1"), std::nullopt);
  EXPECT_EQ(verify_token(token, ""), std::nullopt);
  EXPECT_FALSE(valid_customer_id("w-0123"));
  EXPECT_FALSE(valid_customer_id("w-0123456789ABCDEF0123456789abcdef"));
  EXPECT_TRUE(valid_customer_id(kCustomer));
}

TEST(WebChatFrames, HelloAndMessageAreRead) {
  auto hello = parse_client_frame(R"({"type":"hello","token":"wc1.x","after":42})");
  ASSERT_TRUE(hello.ok()) << hello.error().message;
  ASSERT_TRUE(std::holds_alternative<Hello>(*hello));
  EXPECT_EQ(std::get<Hello>(*hello).token, "wc1.x");
  EXPECT_EQ(std::get<Hello>(*hello).after, 42);

  auto first = parse_client_frame(R"({"type":"hello","token":null})");
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(std::get<Hello>(*first).token);
  EXPECT_EQ(std::get<Hello>(*first).after, 0);

  auto message = parse_client_frame(R"({"type":"message","id":"c-1_a","text":"水泵漏水"})");
  ASSERT_TRUE(message.ok()) << message.error().message;
  EXPECT_EQ(std::get<ChatMessage>(*message).id, "c-1_a");
  EXPECT_EQ(std::get<ChatMessage>(*message).text, "水泵漏水");
}

TEST(WebChatFrames, BadFramesSayWhatIsWrong) {
  auto code = [](std::string_view frame) {
    auto r = parse_client_frame(frame);
    return r.ok() ? std::string("ok") : r.error().code;
  };
  EXPECT_EQ(code("not json"), "invalid_json");
  EXPECT_EQ(code("\xFF"), "invalid_utf8");
  EXPECT_EQ(code("[]"), "invalid_field");
  EXPECT_EQ(code(R"({"type":"bye"})"), "invalid_field");
  EXPECT_EQ(code(R"({"type":"hello","after":-1})"), "invalid_field");
  EXPECT_EQ(code(R"({"type":"hello","after":"1"})"), "invalid_field");
  EXPECT_EQ(code(R"({"type":"message","id":"has space","text":"x"})"), "invalid_field");
  EXPECT_EQ(code(R"({"type":"message","id":"a","text":"   "})"), "invalid_field");
  EXPECT_EQ(code(R"({"type":"message","id":"a","text":"a\u0000b"})"), "invalid_field");
  EXPECT_EQ(code(R"({"type":"message","id":"a"})"), "invalid_field");
  const std::string long_text = R"({"type":"message","id":"a","text":")" + std::string(kMaxTextBytes + 1, 'x') + "\"}";
  EXPECT_EQ(code(long_text), "invalid_field");
}

TEST(WebChatFrames, AMessageBecomesAnInbound) {
  const Timestamp at{std::chrono::seconds{1'795'000'000}};
  Inbound in = to_inbound(kCustomer, ChatMessage{"c-7", "订单还没到"}, at);
  EXPECT_EQ(in.channel, "chat");
  EXPECT_EQ(in.provider, "web");
  EXPECT_EQ(in.external_id, kCustomer + ":c-7");
  EXPECT_EQ(in.sender.id, kCustomer);
  EXPECT_EQ(in.text, "订单还没到");
  EXPECT_EQ(in.received_at, at);
}

TEST(WebChatFrames, TheGatewaysFramesAreJson) {
  auto welcome = nlohmann::json::parse(welcome_frame("wc1.t", kCustomer));
  EXPECT_EQ(welcome["type"], "welcome");
  EXPECT_EQ(welcome["token"], "wc1.t");

  Acknowledgement ack;
  ack.duplicate = true;
  ack.case_view = CaseView{"TS-20261127-0001", "logistics", "normal", "new", std::nullopt};
  auto a = nlohmann::json::parse(ack_frame("c-7", ack, kChinaStandardTime));
  EXPECT_EQ(a["type"], "ack");
  EXPECT_EQ(a["id"], "c-7");
  EXPECT_TRUE(a["duplicate"].get<bool>());
  EXPECT_EQ(a["case"]["number"], "TS-20261127-0001");

  const Timestamp at{std::chrono::seconds{1'795'000'000}};
  auto m = nlohmann::json::parse(messages_frame({{5, "customer", "订单还没到", at, "c-7"}, {6, "bot", "已登记", at, ""}},
                                                kChinaStandardTime));
  ASSERT_EQ(m["messages"].size(), 2u);
  EXPECT_EQ(m["messages"][0]["seq"], 5);
  EXPECT_EQ(m["messages"][0]["id"], "c-7");
  EXPECT_FALSE(m["messages"][1].contains("id"));
  EXPECT_EQ(m["messages"][1]["at"], format_rfc3339(at, kChinaStandardTime));

  auto e = nlohmann::json::parse(error_frame("invalid_field", "text must not be empty"));
  EXPECT_EQ(e["code"], "invalid_field");
  EXPECT_FALSE(e.contains("id"));
  auto about = nlohmann::json::parse(error_frame("unavailable", "later", "m-7"));
  EXPECT_EQ(about["id"], "m-7") << "the page learns which message to send again";
}

}  // namespace
}  // namespace intake::channels::web_chat
