// channels/send_api: the requests we make to Telegram, Twilio and WeCom for a message
// sent later, what their answers mean, and how a long message is cut for each.
#include "intake/channels/send_api.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "intake/channels/form_urlencoded.hpp"
#include "intake/channels/signature.hpp"

namespace {

using namespace intake::channels;
using nlohmann::json;
using Kind = SendVerdict::Kind;

std::string header(const ApiRequest& r, const std::string& name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return "";
}

TEST(SplitMessage, ShortTextIsOnePartAndEmptyTextNone) {
  EXPECT_EQ(split_message("水泵漏水", 100, TextUnit::utf8_bytes), std::vector<std::string>{"水泵漏水"});
  EXPECT_TRUE(split_message("", 100, TextUnit::utf8_bytes).empty());
}

TEST(SplitMessage, NeverCutsInsideACharacterAndCountsInTheProvidersUnit) {
  const std::string text = "水泵漏水水泵漏水";  // 8 characters, 24 bytes
  const auto by_bytes = split_message(text, 10, TextUnit::utf8_bytes);
  ASSERT_EQ(by_bytes.size(), 3u);
  EXPECT_EQ(by_bytes[0], "水泵漏");  // 9 bytes: a fourth character would make 12
  std::string joined;
  for (const auto& p : by_bytes) {
    EXPECT_LE(p.size(), 10u);
    joined += p;
  }
  EXPECT_EQ(joined, text);
  EXPECT_EQ(split_message(text, 4, TextUnit::utf16_units), (std::vector<std::string>{"水泵漏水", "水泵漏水"}));
  // A character outside the BMP is two UTF-16 units.
  EXPECT_EQ(split_message("ab😀", 3, TextUnit::utf16_units), (std::vector<std::string>{"ab", "😀"}));
}

TEST(SplitMessage, PrefersASentenceEndInTheSecondHalf) {
  const std::string text = "第一句话说完了。第二句话";  // 。 after 7 characters
  EXPECT_EQ(split_message(text, 10, TextUnit::utf16_units), (std::vector<std::string>{"第一句话说完了。", "第二句话"}));
  // In the first half a sentence end is too early a cut: the part is filled instead.
  EXPECT_EQ(split_message("好。一二三四五六七八九", 10, TextUnit::utf16_units),
            (std::vector<std::string>{"好。一二三四五六七八", "九"}));
}

TEST(SplitMessage, TheSpacesAfterASentenceStayWithIt) {
  EXPECT_EQ(split_message("One two.  Three four", 12, TextUnit::utf16_units),
            (std::vector<std::string>{"One two.  ", "Three four"}));
}

TEST(SplitMessage, AUnitTooSmallForOneCharacterGivesNoEndlessLoop) {
  EXPECT_TRUE(split_message("水", 2, TextUnit::utf8_bytes).empty());
}

TEST(ApiBase, MustBeHttpsAndLosesItsTrailingSlash) {
  EXPECT_EQ(*checked_api_base("https://api.telegram.org/"), "https://api.telegram.org");
  EXPECT_FALSE(checked_api_base("http://api.telegram.org").ok());
  EXPECT_FALSE(checked_api_base("https://").ok());
  EXPECT_NE(checked_api_base("ftp://x").error().message.find("https://"), std::string::npos);
}

TEST(TelegramApi, SendMessageRequest) {
  const auto r = telegram_api::send_message("https://api.telegram.org", "123:ABC", "-1001234", "您好");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://api.telegram.org/bot123:ABC/sendMessage");
  EXPECT_EQ(header(r, "Content-Type"), "application/json");
  const json body = json::parse(r.body);
  EXPECT_EQ(body["chat_id"], -1001234);  // a number, as Telegram's own ids are
  EXPECT_EQ(body["text"], "您好");
  EXPECT_EQ(json::parse(telegram_api::send_message("https://t", "k", "@service", "x").body)["chat_id"], "@service");
}

TEST(TelegramApi, Answers) {
  EXPECT_EQ(telegram_api::read_answer({200, R"({"ok":true,"result":{"message_id":5}})", {}}).kind, Kind::sent);
  const auto limited = telegram_api::read_answer(
      {429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}})", {}});
  EXPECT_EQ(limited.kind, Kind::retry);
  EXPECT_EQ(limited.retry_after, std::chrono::seconds(7));
  EXPECT_NE(limited.error.find("Too Many Requests"), std::string::npos);
  const auto blocked =
      telegram_api::read_answer({403, R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})", {}});
  EXPECT_EQ(blocked.kind, Kind::give_up);
  EXPECT_EQ(blocked.error, "Telegram 403: Forbidden: bot was blocked by the user");
  EXPECT_EQ(telegram_api::read_answer({401, R"({"ok":false,"description":"Unauthorized"})", {}}).kind, Kind::retry);
  EXPECT_EQ(telegram_api::read_answer({502, "<html>Bad Gateway</html>", {}}).kind, Kind::retry);
  // A 200 that is not Telegram's JSON is not a send.
  EXPECT_NE(telegram_api::read_answer({200, "<html>captive portal</html>", {}}).kind, Kind::sent);
}

TEST(TwilioApi, CreateMessageRequest) {
  const auto r = twilio_api::create_message("https://api.twilio.com", "AC123", "secret", "+8657100000000",
                                            "+8613812345678", "您好 & 再见");
  EXPECT_EQ(r.url, "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json");
  EXPECT_EQ(header(r, "Authorization"), "Basic QUMxMjM6c2VjcmV0");  // base64("AC123:secret")
  const auto fields = parse_form_urlencoded(r.body);
  ASSERT_TRUE(fields);
  EXPECT_EQ(form_value(*fields, "To"), "+8613812345678");
  EXPECT_EQ(form_value(*fields, "From"), "+8657100000000");
  EXPECT_EQ(form_value(*fields, "Body"), "您好 & 再见");
  const auto service = parse_form_urlencoded(
      twilio_api::create_message("https://api.twilio.com", "AC123", "secret", "MG9", "+8613812345678", "x").body);
  EXPECT_EQ(form_value(*service, "MessagingServiceSid"), "MG9");
  EXPECT_FALSE(form_value(*service, "From"));
}

TEST(TwilioApi, Answers) {
  EXPECT_EQ(twilio_api::read_answer({201, R"({"sid":"SM1","status":"queued"})", {}}).kind, Kind::sent);
  const auto bad = twilio_api::read_answer(
      {400, R"({"code":21211,"message":"The 'To' number 123 is not a valid phone number.","status":400})", {}});
  EXPECT_EQ(bad.kind, Kind::give_up);
  EXPECT_EQ(bad.error, "Twilio 400 (error 21211): The 'To' number 123 is not a valid phone number.");
  const auto limited = twilio_api::read_answer({429, "{}", std::chrono::seconds(3)});
  EXPECT_EQ(limited.kind, Kind::retry);
  EXPECT_EQ(limited.retry_after, std::chrono::seconds(3));
  EXPECT_EQ(twilio_api::read_answer({503, "", {}}).kind, Kind::retry);
}

TEST(WeComApi, TokenRequestAndAnswer) {
  const auto r = wecom_api::get_token("https://qyapi.weixin.qq.com", "ww1234", "s&cret");
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, "https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=ww1234&corpsecret=s%26cret");
  const auto token = wecom_api::read_token({200, R"({"errcode":0,"errmsg":"ok","access_token":"T1","expires_in":7200})", {}});
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->token, "T1");
  EXPECT_EQ(token->lifetime, std::chrono::seconds(7200));
  const auto refused = wecom_api::read_token({200, R"({"errcode":40001,"errmsg":"invalid credential"})", {}});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("40001"), std::string::npos);
  EXPECT_FALSE(wecom_api::read_token({200, R"({"errcode":0,"errmsg":"ok"})", {}}).ok());
}

TEST(WeComApi, SendTextRequestAndAnswers) {
  const auto r = wecom_api::send_text("https://qyapi.weixin.qq.com", "T/1", 1000002, "ZhangSan", "您好");
  EXPECT_EQ(r.url, "https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token=T%2F1");
  const json body = json::parse(r.body);
  EXPECT_EQ(body, json::parse(R"({"touser":"ZhangSan","msgtype":"text","agentid":1000002,"text":{"content":"您好"}})"));

  EXPECT_EQ(wecom_api::read_answer({200, R"({"errcode":0,"errmsg":"ok","invaliduser":""})", {}}).kind, Kind::sent);
  EXPECT_EQ(wecom_api::read_answer({200, R"({"errcode":42001,"errmsg":"access_token expired"})", {}}).kind,
            Kind::renew_credentials);
  EXPECT_EQ(wecom_api::read_answer({200, R"({"errcode":40014,"errmsg":"invalid access_token"})", {}}).kind,
            Kind::renew_credentials);
  EXPECT_EQ(wecom_api::read_answer({200, R"({"errcode":-1,"errmsg":"system busy"})", {}}).kind, Kind::retry);
  const auto unknown_user = wecom_api::read_answer({200, R"({"errcode":0,"errmsg":"ok","invaliduser":"Nobody"})", {}});
  EXPECT_EQ(unknown_user.kind, Kind::give_up);
  EXPECT_NE(unknown_user.error.find("Nobody"), std::string::npos);
  EXPECT_EQ(wecom_api::read_answer({200, R"({"errcode":60020,"errmsg":"not allow to access from your ip"})", {}}).kind,
            Kind::give_up);
  EXPECT_EQ(wecom_api::read_answer({502, "", {}}).kind, Kind::retry);
}

TEST(CallbackApi, TheMessageIsSignedLikeOurWebhooks) {
  const callback_api::Message m{"42", "chat/generic", "u-1", "staff", "您好", std::string("TS-20261128-0001")};
  const auto r = callback_api::deliver("https://platform.example/intake", "shared-secret", m);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://platform.example/intake");
  EXPECT_EQ(header(r, "X-Intake-Signature"), "sha256=" + hmac_sha256_hex("shared-secret", r.body));
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"id": "42", "channel": "chat/generic", "recipient": "u-1",
      "author": "staff", "text": "您好", "case": "TS-20261128-0001"})"));
  EXPECT_TRUE(json::parse(callback_api::deliver("https://p", "k", {"1", "hotline/cti", "+86", "bot", "x", {}}).body)["case"]
                  .is_null());
}

TEST(CallbackApi, Answers) {
  EXPECT_EQ(callback_api::read_answer({204, "", {}}).kind, Kind::sent);
  EXPECT_EQ(callback_api::read_answer({503, "", {}}).kind, Kind::retry);
  EXPECT_EQ(callback_api::read_answer({401, "", {}}).kind, Kind::retry);
  const auto gone = callback_api::read_answer({410, "no such customer", {}});
  EXPECT_EQ(gone.kind, Kind::give_up);
  EXPECT_EQ(gone.error, "callback HTTP 410: no such customer");
}

TEST(UrlEncode, EscapesAllButTheUnreservedCharacters) {
  EXPECT_EQ(url_encode("a-b_c.d~e f+g/水"), "a-b_c.d~e%20f%2Bg%2F%E6%B0%B4");
}

}  // namespace
