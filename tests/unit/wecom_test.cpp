// WeCom: WXBizMsgCrypt against the official vectors (facts copied below; the whole
// vector file too when INTAKE_SHARED_DIR is set), the flat XML reader, and the channel.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "intake/channels/flat_xml.hpp"
#include "intake/channels/wecom.hpp"
#include "intake/channels/wecom_crypto.hpp"
#include "unit_support.hpp"

namespace {

using namespace intake::channels;
using unit::FakeRequest;

// workweixin/weworkapi_cplusplus Sample.cpp; the same values are in WeCom's document 90968.
constexpr const char* kToken = "QDG6eK";
constexpr const char* kKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
constexpr const char* kCorp = "wx5823bf96d3bd56c7";
constexpr const char* kEchoCipher = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
constexpr const char* kEchoTarget =
    "/webhooks/chat/wecom?msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780"
    "&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D";
const intake::Timestamp kReceived = unit::utc(2026, 11, 23, 2, 0, 0, 0);

WeCom channel() { return WeCom({std::string(kToken), std::string(kKey), kCorp}); }

TEST(WecomCrypto, TheOfficialSignatureAndEchostr) {
  EXPECT_EQ(wecom_signature(kToken, "1409659589", "263014780", kEchoCipher), "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3");
  auto cipher = WecomCipher::from_encoding_aes_key(kKey);
  ASSERT_TRUE(cipher);
  auto plain = cipher->decrypt(kEchoCipher, kCorp);
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(*plain, "1616140317555161061");
  EXPECT_FALSE(cipher->decrypt(kEchoCipher, "ww-another-corp"));  // made for another receive id
  EXPECT_FALSE(WecomCipher::from_encoding_aes_key("too-short"));
}

TEST(WecomCrypto, EncryptionReproducesTheDeterministicVector) {
  // binarywang/WxJava's copy of the WeChat MP demo: a fixed 16-byte prefix.
  auto cipher = WecomCipher::from_encoding_aes_key("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
  ASSERT_TRUE(cipher);
  std::array<std::uint8_t, 16> prefix{};
  const std::string random16 = "aaaabbbbccccdddd";
  std::copy(random16.begin(), random16.end(), prefix.begin());
  const std::string encrypted = cipher->encrypt("我是中文abcd123", "wxb11529c136998cb6", prefix);
  EXPECT_EQ(encrypted, "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==");
  EXPECT_EQ(*cipher->decrypt(encrypted, "wxb11529c136998cb6"), "我是中文abcd123");
}

TEST(FlatXml, ReadsCdataTextAndEntitiesAndRefusesOtherShapes) {
  auto xml = parse_flat_xml("<?xml version=\"1.0\"?>\n<xml><A><![CDATA[你好 <b>]]></A>\n<B>1 &lt; 2 &amp; 3</B><C></C></xml>");
  ASSERT_TRUE(xml);
  EXPECT_EQ(xml->at("A"), "你好 <b>");
  EXPECT_EQ(xml->at("B"), "1 < 2 & 3");
  EXPECT_EQ(xml->at("C"), "");
  EXPECT_FALSE(parse_flat_xml("<xml><A x=\"1\">v</A></xml>"));
  EXPECT_FALSE(parse_flat_xml("<xml><A><B>v</B></A></xml>"));
  EXPECT_FALSE(parse_flat_xml("<xml><A>v</A>"));
  EXPECT_FALSE(parse_flat_xml("<xml><A>&bogus;</A></xml>"));
  EXPECT_FALSE(parse_flat_xml("<xml><A><![CDATA[open</A></xml>"));
  EXPECT_EQ(parse_flat_xml("<xml><A>" + cdata("x]]>y") + "</A></xml>")->at("A"), "x]]>y");
}

TEST(WecomChannel, VerifiesTheCallbackUrlWithTheOfficialEchostr) {
  FakeRequest get{"", {}, kEchoTarget};
  auto answer = channel().answer_get(get.view());
  ASSERT_TRUE(answer.has_value());
  ASSERT_TRUE(*answer) << answer->error().message;
  EXPECT_EQ((*answer)->body, "1616140317555161061");
  FakeRequest forged{"", {}, std::string(kEchoTarget).replace(std::string(kEchoTarget).find("5c45"), 4, "0000")};
  auto refused = channel().answer_get(forged.view());
  ASSERT_TRUE(refused.has_value());
  ASSERT_FALSE(*refused);
  EXPECT_EQ(refused->error().code, errc::unauthorized);
}

// A message as WeCom would post it: encrypted for kCorp, signed with kToken.
FakeRequest posted(const std::string& message_xml, const std::string& timestamp = "1795399200",
                   const std::string& nonce = "424242") {
  auto cipher = WecomCipher::from_encoding_aes_key(kKey);
  const std::string encrypted = cipher->encrypt(message_xml, kCorp, {});
  const std::string signature = wecom_signature(kToken, timestamp, nonce, encrypted);
  FakeRequest r{"<xml><ToUserName>" + cdata(kCorp) + "</ToUserName><Encrypt>" + cdata(encrypted) +
                    "</Encrypt><AgentID>218</AgentID></xml>",
                {},
                "/webhooks/chat/wecom?msg_signature=" + signature + "&timestamp=" + timestamp + "&nonce=" + nonce};
  r.with("Content-Type", "text/xml");
  return r;
}

std::string text_message(const std::string& content, const std::string& msg_id = "4561255354251345929") {
  return "<xml><ToUserName>" + cdata(kCorp) + "</ToUserName><FromUserName>" + cdata("zhangwei") +
         "</FromUserName><CreateTime>1795399200</CreateTime><MsgType>" + cdata("text") + "</MsgType><Content>" +
         cdata(content) + "</Content><MsgId>" + msg_id + "</MsgId><AgentID>218</AgentID></xml>";
}

TEST(WecomChannel, ADecryptedTextMessageBecomesInbound) {
  auto in = channel().accept(posted(text_message("客车后门关不严，行驶中有异响")).view(), kReceived);
  ASSERT_TRUE(in) << in.error().message;
  EXPECT_EQ(in->channel, "chat");
  EXPECT_EQ(in->provider, "wecom");
  EXPECT_EQ(in->external_id, "4561255354251345929");
  EXPECT_EQ(in->sender.id, "zhangwei");
  EXPECT_EQ(in->text, "客车后门关不严，行驶中有异响");
  EXPECT_EQ(in->sent_at, intake::Timestamp{std::chrono::seconds{1795399200}});
}

TEST(WecomChannel, EventsAreIgnoredAndForgeriesRefused) {
  const std::string event = "<xml><ToUserName>" + cdata(kCorp) + "</ToUserName><FromUserName>" + cdata("zhangwei") +
                            "</FromUserName><CreateTime>1</CreateTime><MsgType>" + cdata("event") + "</MsgType><Event>" +
                            cdata("enter_agent") + "</Event></xml>";
  auto ignored = channel().accept(posted(event).view(), kReceived);
  ASSERT_FALSE(ignored);
  EXPECT_EQ(ignored.error().code, errc::not_a_message);

  FakeRequest tampered = posted(text_message("你好"));
  tampered.target += "0";  // the nonce no longer matches the signature
  EXPECT_EQ(channel().accept(tampered.view(), kReceived).error().code, errc::unauthorized);
  FakeRequest not_xml = posted(text_message("你好"));
  not_xml.body = "{\"encrypt\": \"x\"}";
  EXPECT_EQ(channel().accept(not_xml.view(), kReceived).error().code, errc::unauthorized);
  EXPECT_EQ(WeCom({std::nullopt, std::nullopt, kCorp}).accept(posted(text_message("你好")).view(), kReceived).error().code,
            errc::unauthorized);
}

TEST(WecomChannel, TheReplyIsEncryptedSignedAndTheSameForARetry) {
  auto in = channel().accept(posted(text_message("产品坏了")).view(), kReceived);
  ASSERT_TRUE(in);
  intake::Acknowledgement ack;
  ack.reply_text = "已登记工单 TS-1，我们会尽快联系您。";
  const auto reply = channel().render(*in, ack);
  EXPECT_EQ(channel().render(*in, ack).body, reply.body);  // deterministic
  const auto outer = parse_flat_xml(reply.body);
  ASSERT_TRUE(outer) << reply.body;
  EXPECT_EQ(outer->at("MsgSignature"),
            wecom_signature(kToken, outer->at("TimeStamp"), outer->at("Nonce"), outer->at("Encrypt")));
  auto cipher = WecomCipher::from_encoding_aes_key(kKey);
  auto inner = parse_flat_xml(*cipher->decrypt(outer->at("Encrypt"), kCorp));
  ASSERT_TRUE(inner);
  EXPECT_EQ(inner->at("ToUserName"), "zhangwei");
  EXPECT_EQ(inner->at("FromUserName"), kCorp);
  EXPECT_EQ(inner->at("MsgType"), "text");
  EXPECT_EQ(inner->at("Content"), *ack.reply_text);
  EXPECT_TRUE(channel().render(*in, intake::Acknowledgement{}).body.empty());
}

TEST(WecomCrypto, TheSharedVectorFile) {
  const char* shared = std::getenv("INTAKE_SHARED_DIR");
  const auto path = std::filesystem::path(shared ? shared : "") / "testdata/vectors/wecom/wecom_wxbizmsgcrypt_vectors.json";
  if (shared == nullptr || !std::filesystem::exists(path))
    GTEST_SKIP() << "INTAKE_SHARED_DIR is not set or has no WeCom vectors: the vector file is not checked";
  std::ifstream in(path);
  const auto doc = nlohmann::json::parse(in);
  std::size_t checked = 0;
  for (const auto& v : doc["vectors"]) {
    EXPECT_EQ(wecom_signature(v["token"].get<std::string>(), v["timestamp"].get<std::string>(), v["nonce"].get<std::string>(),
                              v["encrypt"].get<std::string>()),
              v["msg_signature"])
        << v["name"];
    auto cipher = WecomCipher::from_encoding_aes_key(v["encoding_aes_key"].get<std::string>());
    ASSERT_TRUE(cipher) << v["name"];
    auto plain = cipher->decrypt(v["encrypt"].get<std::string>(), v["receive_id"].get<std::string>());
    ASSERT_TRUE(plain) << v["name"] << ": " << plain.error().message;
    EXPECT_EQ(*plain, v["expected_plaintext"]) << v["name"];
    ++checked;
  }
  for (const auto& v : doc["encrypt_vectors"]) {
    auto cipher = WecomCipher::from_encoding_aes_key(v["encoding_aes_key"].get<std::string>());
    ASSERT_TRUE(cipher);
    std::array<std::uint8_t, 16> prefix{};
    const std::string random16 = v["random16"];
    std::copy(random16.begin(), random16.end(), prefix.begin());
    for (const auto& c : v["cases"]) {
      EXPECT_EQ(cipher->encrypt(c["plaintext"].get<std::string>(), v["receive_id"].get<std::string>(), prefix),
                c["expected_encrypt"])
          << v["name"];
      ++checked;
    }
  }
  EXPECT_GE(checked, 7u);
}

}  // namespace
