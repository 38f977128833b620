// channels::GenericChat: signature, parsing into Inbound and rendering the reply
// (DESIGN.md, "The generic chat webhook").
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "intake/channels/generic_chat.hpp"
#include "intake/channels/signature.hpp"
#include "unit_support.hpp"

namespace {

using intake::channels::GenericChat;
using nlohmann::json;
namespace errc = intake::channels::errc;

constexpr const char* kSecret = "unit-test-secret";

using unit::FakeRequest;

json valid_message() {
  return {{"message_id", "m-1"},
          {"sender", {{"id", "u-42"}, {"name", "王先生"}, {"phone", "+8613812345678"}, {"email", "wang@example.com"}}},
          {"text", "冰箱买回来第三天就坏了"},
          {"sent_at", "2026-11-22T09:30:00+08:00"}};
}

FakeRequest signed_request(const std::string& body) {
  FakeRequest r{body, {}};
  r.with("Content-Type", "application/json").signed_with(kSecret);
  return r;
}

GenericChat signed_channel() { return GenericChat({kSecret, false, intake::kChinaStandardTime}); }

const intake::Timestamp kReceived = unit::utc(2026, 11, 22, 1, 30, 2, 250);

// The error code of a rejected request ("" when it was accepted, which fails the caller's check).
std::string rejection(const GenericChat& channel, const FakeRequest& request) {
  auto r = channel.accept(request.view(), kReceived);
  return r.ok() ? std::string() : r.error().code;
}

std::string rejection_of_body(const json& body) {
  return rejection(signed_channel(), signed_request(body.dump()));
}

// Found by fuzzing: nlohmann reports a number too large for a double as out_of_range,
// not as a parse error; it must still be a 400, never an uncaught exception.
TEST(GenericChatAccept, ANumberOutOfRangeIsInvalidJson) {
  EXPECT_EQ(rejection(signed_channel(), signed_request("72130277e70727272723236")), errc::invalid_json);
  EXPECT_EQ(rejection(signed_channel(), signed_request(R"({"message_id": "m", "n": 1e99999})")), errc::invalid_json);
}

TEST(GenericChatAccept, RouteIsChatGeneric) { EXPECT_EQ(signed_channel().route(), "chat/generic"); }

TEST(GenericChatAccept, ValidSignedRequestBecomesInbound) {
  json body = valid_message();
  body["unknown_field"] = {{"ignored", true}};  // unknown fields are ignored
  const FakeRequest request = signed_request(body.dump());
  auto in = signed_channel().accept(request.view(), kReceived);
  ASSERT_TRUE(in.ok()) << in.error().code << ": " << in.error().message;
  EXPECT_EQ(in->channel, "chat");
  EXPECT_EQ(in->provider, "generic");
  EXPECT_EQ(in->external_id, "m-1");
  EXPECT_EQ(in->sender.id, "u-42");
  EXPECT_EQ(in->sender.name, "王先生");
  EXPECT_EQ(in->sender.phone, std::optional<std::string>("+8613812345678"));
  EXPECT_EQ(in->sender.email, std::optional<std::string>("wang@example.com"));
  EXPECT_EQ(in->text, "冰箱买回来第三天就坏了");
  ASSERT_TRUE(in->sent_at.has_value());
  EXPECT_EQ(*in->sent_at, unit::utc(2026, 11, 22, 1, 30));
  EXPECT_EQ(in->received_at, kReceived);
  EXPECT_EQ(in->raw, request.body);  // kept byte for byte for audit
}

TEST(GenericChatAccept, OptionalFieldsMayBeAbsentOrNull) {
  const json body = {{"message_id", "m-2"}, {"sender", {{"id", "u-1"}, {"phone", nullptr}}}, {"text", "你好"},
                     {"sent_at", nullptr}};
  const FakeRequest request = signed_request(body.dump());
  auto in = signed_channel().accept(request.view(), kReceived);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->sender.name, "");
  EXPECT_FALSE(in->sender.phone.has_value());
  EXPECT_FALSE(in->sender.email.has_value());
  EXPECT_FALSE(in->sent_at.has_value());
}

TEST(GenericChatAccept, TextIsKeptExactlyAsSent) {
  json body = valid_message();
  body["text"] = "  ＡＢＣ　冰箱\n坏了 ";  // no normalisation on the way in
  const FakeRequest request = signed_request(body.dump());
  auto in = signed_channel().accept(request.view(), kReceived);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->text, "  ＡＢＣ　冰箱\n坏了 ");
}

TEST(GenericChatAccept, JsonEscapesAreDecoded) {
  const std::string body =
      R"({"message_id":"m-3","sender":{"id":"u-1"},"text":"\u51b0\u7bb1\u574f\u4e86 \ud83d\ude00"})";
  auto in = signed_channel().accept(signed_request(body).view(), kReceived);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->text, "冰箱坏了 \xF0\x9F\x98\x80");
}

TEST(GenericChatAccept, UpperCaseHexSignatureIsAccepted) {
  const std::string body = valid_message().dump();
  std::string hex = unit::reference_hmac_sha256_hex(kSecret, body);
  for (char& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  FakeRequest request{body, {}};
  request.with("Content-Type", "application/json").with("X-Intake-Signature", "sha256=" + hex);
  EXPECT_TRUE(signed_channel().accept(request.view(), kReceived).ok());
}

TEST(GenericChatAccept, SignatureOfAnotherBodyIsUnauthorized) {
  const std::string body = valid_message().dump();
  FakeRequest request{body, {}};
  request.with("Content-Type", "application/json")
      .with("X-Intake-Signature", "sha256=" + unit::reference_hmac_sha256_hex(kSecret, body + " "));
  EXPECT_EQ(rejection(signed_channel(), request), errc::unauthorized);
}

TEST(GenericChatAccept, SignatureWithAnotherKeyIsUnauthorized) {
  FakeRequest request{valid_message().dump(), {}};
  request.with("Content-Type", "application/json").signed_with("not-the-secret");
  EXPECT_EQ(rejection(signed_channel(), request), errc::unauthorized);
}

TEST(GenericChatAccept, MissingSignatureIsUnauthorized) {
  FakeRequest request{valid_message().dump(), {}};
  request.with("Content-Type", "application/json");
  auto r = signed_channel().accept(request.view(), kReceived);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::unauthorized);
  EXPECT_NE(r.error().message.find("X-Intake-Signature"), std::string::npos) << r.error().message;
}

TEST(GenericChatAccept, MalformedSignatureHeaderIsUnauthorized) {
  const std::string body = valid_message().dump();
  const std::string good = unit::reference_hmac_sha256_hex(kSecret, body);
  for (const std::string& header : std::vector<std::string>{
           good,                           // no scheme
           "sha1=" + good,                 // wrong scheme
           "sha256:" + good,               // wrong separator
           "sha256=",                      // no digest
           "sha256=" + good.substr(0, 63), // odd length
           "sha256=" + good.substr(0, 62), // truncated
           "sha256=" + std::string(64, 'z'),
           "sha256= " + good,
           std::string(),
       }) {
    FakeRequest request{body, {}};
    request.with("Content-Type", "application/json").with("X-Intake-Signature", header);
    EXPECT_EQ(rejection(signed_channel(), request), errc::unauthorized) << "header: " << header;
  }
}

TEST(GenericChatAccept, SignatureIsCheckedBeforeTheBody) {
  // Nothing in an unauthenticated body is looked at: a bad signature wins over bad JSON,
  // bad UTF-8 and a wrong content type.
  for (const std::string& body : {std::string("{not json"), std::string("{\"text\":\"\xC3\x28\"}")}) {
    FakeRequest request{body, {}};
    request.with("Content-Type", "application/json").signed_with("wrong-key");
    EXPECT_EQ(rejection(signed_channel(), request), errc::unauthorized);
  }
  FakeRequest form{valid_message().dump(), {}};
  form.with("Content-Type", "text/plain").signed_with("wrong-key");
  EXPECT_EQ(rejection(signed_channel(), form), errc::unauthorized);
}

TEST(GenericChatAccept, NoSecretAndNotAllowedUnsignedIsUnauthorized) {
  const GenericChat channel({std::nullopt, false, intake::kChinaStandardTime});
  FakeRequest unsigned_request{valid_message().dump(), {}};
  unsigned_request.with("Content-Type", "application/json");
  EXPECT_EQ(rejection(channel, unsigned_request), errc::unauthorized);
  // Even a request that carries a signature: there is no key to check it against.
  FakeRequest signed_anyway{valid_message().dump(), {}};
  signed_anyway.with("Content-Type", "application/json").signed_with("");
  EXPECT_EQ(rejection(channel, signed_anyway), errc::unauthorized);
}

TEST(GenericChatAccept, NoSecretAndAllowedUnsignedAcceptsUnsigned) {
  const GenericChat channel({std::nullopt, true, intake::kChinaStandardTime});
  FakeRequest request{valid_message().dump(), {}};
  request.with("Content-Type", "application/json");
  auto in = channel.accept(request.view(), kReceived);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->external_id, "m-1");
}

TEST(GenericChatAccept, AllowUnsignedDoesNotWaiveAConfiguredSecret) {
  // allow_unsigned only applies when no secret is configured.
  const GenericChat channel({kSecret, true, intake::kChinaStandardTime});
  FakeRequest request{valid_message().dump(), {}};
  request.with("Content-Type", "application/json");
  EXPECT_EQ(rejection(channel, request), errc::unauthorized);
  FakeRequest wrong{valid_message().dump(), {}};
  wrong.with("Content-Type", "application/json").signed_with("other");
  EXPECT_EQ(rejection(channel, wrong), errc::unauthorized);
}

TEST(GenericChatAccept, InvalidJsonIsInvalidJson) {
  for (const std::string& body : {std::string("{\"message_id\": "), std::string("not json at all"), std::string(""),
                                   std::string("{'message_id': 'm-1'}")})
    EXPECT_EQ(rejection(signed_channel(), signed_request(body)), errc::invalid_json) << body;
}

TEST(GenericChatAccept, InvalidUtf8IsInvalidUtf8) {
  // A JSON document whose text holds raw bytes that are not UTF-8.
  for (const std::string& bad : {std::string("\xC3\x28"), std::string("\xED\xA0\x80"), std::string("\xC0\xAF"),
                                 std::string("\xB9\xFA\xBC\xD2")}) {
    const std::string body = "{\"message_id\":\"m-1\",\"sender\":{\"id\":\"u-1\"},\"text\":\"" + bad + "\"}";
    EXPECT_EQ(rejection(signed_channel(), signed_request(body)), errc::invalid_utf8);
  }
}

TEST(GenericChatAccept, LoneSurrogateEscapeIsRejected) {
  // "\ud800" cannot become valid UTF-8, so it must never reach Inbound::text.
  const std::string body = R"({"message_id":"m-1","sender":{"id":"u-1"},"text":"bad \ud800 escape"})";
  auto r = signed_channel().accept(signed_request(body).view(), kReceived);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().code == errc::invalid_json || r.error().code == errc::invalid_utf8) << r.error().code;
}

TEST(GenericChatAccept, BodyMustBeAnObject) {
  EXPECT_EQ(rejection(signed_channel(), signed_request("[1,2,3]")), errc::invalid_field);
  EXPECT_EQ(rejection(signed_channel(), signed_request("\"text\"")), errc::invalid_field);
}

TEST(GenericChatAccept, MessageIdMustBeANonEmptyString) {
  json missing = valid_message();
  missing.erase("message_id");
  EXPECT_EQ(rejection_of_body(missing), errc::invalid_field);
  for (const json& value : {json(""), json(123), json(nullptr), json::array({"m-1"}), json(true)}) {
    json body = valid_message();
    body["message_id"] = value;
    EXPECT_EQ(rejection_of_body(body), errc::invalid_field) << value.dump();
  }
}

TEST(GenericChatAccept, SenderMustBeAnObject) {
  json missing = valid_message();
  missing.erase("sender");
  EXPECT_EQ(rejection_of_body(missing), errc::invalid_field);
  for (const json& value : {json("u-42"), json(42), json(nullptr), json::array({"u-42"})}) {
    json body = valid_message();
    body["sender"] = value;
    EXPECT_EQ(rejection_of_body(body), errc::invalid_field) << value.dump();
  }
}

TEST(GenericChatAccept, SenderIdMustBeANonEmptyString) {
  json missing = valid_message();
  missing["sender"].erase("id");
  EXPECT_EQ(rejection_of_body(missing), errc::invalid_field);
  for (const json& value : {json(""), json(42), json(nullptr), json::object()}) {
    json body = valid_message();
    body["sender"]["id"] = value;
    EXPECT_EQ(rejection_of_body(body), errc::invalid_field) << value.dump();
  }
}

TEST(GenericChatAccept, OptionalSenderFieldsMustBeStringsWhenPresent) {
  for (const char* field : {"name", "phone", "email"}) {
    json body = valid_message();
    body["sender"][field] = 13812345678;
    EXPECT_EQ(rejection_of_body(body), errc::invalid_field) << field;
  }
}

TEST(GenericChatAccept, TextMustBeANonBlankString) {
  json missing = valid_message();
  missing.erase("text");
  EXPECT_EQ(rejection_of_body(missing), errc::invalid_field);
  for (const json& value : {json(42), json(nullptr), json::array({"冰箱坏了"}), json::object()}) {
    json body = valid_message();
    body["text"] = value;
    EXPECT_EQ(rejection_of_body(body), errc::invalid_field) << value.dump();
  }
  for (const char* blank : {"", " ", "   ", "\t\r\n", "　", "　　　", " 　 \n　"}) {
    json body = valid_message();
    body["text"] = blank;
    EXPECT_EQ(rejection_of_body(body), errc::invalid_field) << '"' << blank << '"';
  }
}

TEST(GenericChatAccept, TextBlankToTheNormaliserIsRejectedToo) {
  // No-break, em and line-separator spaces are white space to dialog::normalize, which
  // turns such a text into "": there is nothing to classify or for a person to read.
  const std::string blank = "\xC2\xA0\xE2\x80\x83\xE2\x80\xA8";
  json body = valid_message();
  body["text"] = blank;
  EXPECT_EQ(rejection_of_body(body), errc::invalid_field);
}

TEST(GenericChatAccept, SentAtMustBeRfc3339WithOffset) {
  for (const json& value : {json("yesterday"), json("2026-02-30T10:00:00+08:00"), json("2026-11-22T09:30:00"),
                            json("2026-11-22"), json(""), json(1763775000), json::object()}) {
    json body = valid_message();
    body["sent_at"] = value;
    EXPECT_EQ(rejection_of_body(body), errc::invalid_field) << value.dump();
  }
}

TEST(GenericChatAccept, NonJsonContentTypeIsUnsupported) {
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                           "application/xml"}) {
    FakeRequest request{valid_message().dump(), {}};
    request.with("Content-Type", type).signed_with(kSecret);
    EXPECT_EQ(rejection(signed_channel(), request), errc::unsupported_media_type) << type;
  }
}

TEST(GenericChatAccept, JsonContentTypeWithParametersIsAccepted) {
  FakeRequest request{valid_message().dump(), {}};
  request.with("Content-Type", "application/json; charset=utf-8").signed_with(kSecret);
  EXPECT_TRUE(signed_channel().accept(request.view(), kReceived).ok());
}

TEST(GenericChatAccept, MediaTypeIsCaseInsensitive) {
  FakeRequest request{valid_message().dump(), {}};
  request.with("Content-Type", "Application/JSON").signed_with(kSecret);
  auto r = signed_channel().accept(request.view(), kReceived);
  EXPECT_TRUE(r.ok()) << r.error().message;
}

// ---- render ------------------------------------------------------------------------

intake::Acknowledgement sample_ack() {
  intake::Acknowledgement ack;
  ack.reply_text = "您好，您的反馈已登记，案件编号 TS-20261122-0007。";
  ack.case_view = intake::CaseView{"TS-20261122-0007", "product_quality", "normal", "open",
                                   unit::utc(2026, 11, 22, 9, 30)};
  ack.conversation_id = "c-9";
  ack.handled_by = "bot";
  ack.duplicate = false;
  return ack;
}

TEST(GenericChatRender, ProducesTheDesignResponseShape) {
  const auto reply = signed_channel().render(intake::Inbound{}, sample_ack());
  EXPECT_EQ(reply.content_type.rfind("application/json", 0), 0u) << reply.content_type;
  const json body = json::parse(reply.body);
  ASSERT_TRUE(body.is_object());
  EXPECT_EQ(body.at("reply").at("text"), "您好，您的反馈已登记，案件编号 TS-20261122-0007。");
  const json& c = body.at("case");
  EXPECT_EQ(c.at("number"), "TS-20261122-0007");
  EXPECT_EQ(c.at("category"), "product_quality");
  EXPECT_EQ(c.at("severity"), "normal");
  EXPECT_EQ(c.at("status"), "open");
  // 09:30 UTC shown in the company's zone.
  EXPECT_EQ(c.at("first_response_due"), "2026-11-22T17:30:00+08:00");
  EXPECT_EQ(body.at("conversation").at("id"), "c-9");
  EXPECT_EQ(body.at("conversation").at("handled_by"), "bot");
  EXPECT_EQ(body.at("duplicate"), false);
}

TEST(GenericChatRender, NoReplyAndNoCaseAreNull) {
  intake::Acknowledgement ack;
  ack.conversation_id = "c-1";
  ack.handled_by = "staff";
  ack.duplicate = true;
  const json body = json::parse(signed_channel().render(intake::Inbound{}, ack).body);
  EXPECT_TRUE(body.at("reply").is_null());
  EXPECT_TRUE(body.at("case").is_null());
  EXPECT_EQ(body.at("conversation").at("handled_by"), "staff");
  EXPECT_EQ(body.at("duplicate"), true);
}

TEST(GenericChatRender, CaseWithoutDueHasNullDue) {
  intake::Acknowledgement ack = sample_ack();
  ack.case_view->first_response_due.reset();
  const json body = json::parse(signed_channel().render(intake::Inbound{}, ack).body);
  EXPECT_TRUE(body.at("case").at("first_response_due").is_null());
}

TEST(GenericChatRender, DueIsWrittenWithTheConfiguredOffset) {
  const GenericChat utc_channel({kSecret, false, intake::UtcOffset{0}});
  const json body = json::parse(utc_channel.render(intake::Inbound{}, sample_ack()).body);
  EXPECT_EQ(body.at("case").at("first_response_due"), "2026-11-22T09:30:00Z");
}

TEST(GenericChatRender, RenderedBodyReadsBackAsTheSameAcknowledgement) {
  const intake::Acknowledgement ack = sample_ack();
  auto back = intake::acknowledgement_from_json(json::parse(signed_channel().render(intake::Inbound{}, ack).body));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->reply_text, ack.reply_text);
  ASSERT_TRUE(back->case_view.has_value());
  EXPECT_EQ(back->case_view->number, ack.case_view->number);
  EXPECT_EQ(back->case_view->first_response_due, ack.case_view->first_response_due);
  EXPECT_EQ(back->conversation_id, ack.conversation_id);
  EXPECT_EQ(back->handled_by, ack.handled_by);
  EXPECT_EQ(back->duplicate, ack.duplicate);
}

}  // namespace
