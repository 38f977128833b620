// Twilio: the X-Twilio-Signature check against Twilio's published vectors (the facts are
// copied below; the whole vector file is read too when INTAKE_SHARED_DIR is set), the
// form parser, and the SMS channel.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "intake/channels/form_urlencoded.hpp"
#include "intake/channels/twilio_signature.hpp"
#include "intake/channels/twilio_sms.hpp"
#include "intake/channels/spoken.hpp"
#include "intake/channels/twilio_voice.hpp"
#include "tests/support/form_encode.hpp"
#include "unit_support.hpp"

namespace {

using namespace intake::channels;
using unit::FakeRequest;

// From twilio-python's tests/unit/test_request_validator.py (also in Twilio's docs).
constexpr const char* kToken = "12345";
constexpr const char* kUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";
const FormFields kParams = {{"CallSid", "CA1234567890ABCDE"}, {"Digits", "1234"}, {"From", "+14158675309"},
                            {"To", "+18005551212"}, {"Caller", "+14158675309"}};

TEST(TwilioSignature, TheDocumentedExample) {
  EXPECT_EQ(twilio_signature(kToken, kUrl, kParams), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  EXPECT_TRUE(twilio_form_signature_valid(kToken, kUrl, kParams, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
}

TEST(TwilioSignature, PortsAreAcceptedBothWays) {
  // A non-default port in the URL we see, signed without it …
  EXPECT_TRUE(twilio_form_signature_valid(kToken, "https://mycompany.com:1234/myapp.php?foo=1&bar=2", kParams,
                                          "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
  // … or signed with it.
  EXPECT_TRUE(twilio_form_signature_valid(kToken, "http://mycompany.com:1234/myapp.php?foo=1&bar=2", kParams,
                                          "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="));
  // Signed with the default port, which our URL does not show.
  EXPECT_TRUE(twilio_form_signature_valid(kToken, kUrl, kParams, "kvajT1Ptam85bY51eRf/AJRuM3w="));
  EXPECT_TRUE(twilio_form_signature_valid(kToken, "http://mycompany.com/myapp.php?foo=1&bar=2", kParams,
                                          "0ZXoZLH/DfblKGATFgpif+LLRf4="));
}

TEST(TwilioSignature, RepeatedNamesSortTheirValues) {
  const FormFields params = {{"Sid", "CA123"}, {"SidAccount", "AC123"}, {"Digits", "5678"}, {"Digits", "1234"}};
  EXPECT_TRUE(twilio_form_signature_valid(kToken, kUrl, params, "IK+Dwps556ElfBT0I3Rgjkr1wJU="));
}

TEST(TwilioSignature, AJsonBodyIsSignedThroughBodySha256) {
  const std::string body = R"({"property": "value", "boolean": true})";
  const std::string url =
      "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
  EXPECT_TRUE(twilio_body_signature_valid(kToken, url, body, "a9nBmqA0ju/hNViExpshrM61xv4="));
  EXPECT_FALSE(twilio_body_signature_valid(kToken, url, body + " ", "a9nBmqA0ju/hNViExpshrM61xv4="));
  EXPECT_FALSE(twilio_body_signature_valid(kToken, kUrl, body, "a9nBmqA0ju/hNViExpshrM61xv4="));  // no bodySHA256
}

TEST(TwilioSignature, AnythingChangedFails) {
  FormFields changed = kParams;
  changed[1].second = "9999";
  EXPECT_FALSE(twilio_form_signature_valid(kToken, kUrl, changed, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
  EXPECT_FALSE(twilio_form_signature_valid("54321", kUrl, kParams, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
  EXPECT_FALSE(twilio_form_signature_valid(kToken, "https://mycompany.com/other.php?foo=1&bar=2", kParams,
                                           "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
  EXPECT_FALSE(twilio_form_signature_valid("", kUrl, kParams, twilio_signature("", kUrl, kParams)));
}

// Every vector of the shared file, as published.
TEST(TwilioSignature, TheSharedVectorFile) {
  const char* shared = std::getenv("INTAKE_SHARED_DIR");
  const auto path = std::filesystem::path(shared ? shared : "") / "testdata/vectors/twilio/twilio_signature_vectors.json";
  if (shared == nullptr || !std::filesystem::exists(path))
    GTEST_SKIP() << "INTAKE_SHARED_DIR is not set or has no Twilio vectors: the vector file is not checked";
  std::ifstream in(path);
  const auto doc = nlohmann::json::parse(in);
  const std::string token = doc["auth_token"];
  std::size_t checked = 0;
  FormFields basic;
  for (const auto& v : doc["vectors"]) {
    FormFields params;
    if (v.contains("params_multi")) {
      for (const auto& pair : v["params_multi"]) params.emplace_back(pair[0], pair[1]);
    } else if (v["params"].is_object()) {
      for (const auto& [name, value] : v["params"].items()) params.emplace_back(name, value.get<std::string>());
      if (basic.empty()) basic = params;
    } else {
      params = basic;  // "same as form_params_basic"
    }
    const bool valid = v.contains("body") ? twilio_body_signature_valid(token, v["url"].get<std::string>(),
                                                                       v["body"].get<std::string>(), v["signature"].get<std::string>())
                                          : twilio_form_signature_valid(token, v["url"].get<std::string>(), params,
                                                                        v["signature"].get<std::string>());
    EXPECT_EQ(valid, v["valid"].get<bool>()) << v["name"];
    ++checked;
  }
  EXPECT_GE(checked, 7u);
}

TEST(FormUrlencoded, DecodesAndKeepsOrderAndRepeats) {
  auto fields = parse_form_urlencoded("Body=%E8%83%B6%E6%B0%B4+%E4%B8%8D%E5%B9%B2&Digits=1&Digits=2&Empty=&Flag");
  ASSERT_TRUE(fields);
  ASSERT_EQ(fields->size(), 5u);
  EXPECT_EQ((*fields)[0], (std::pair<std::string, std::string>{"Body", "胶水 不干"}));
  EXPECT_EQ((*fields)[2].second, "2");
  EXPECT_EQ((*fields)[3].second, "");
  EXPECT_EQ((*fields)[4].first, "Flag");
  EXPECT_EQ(form_value(*fields, "Digits"), std::optional<std::string>("1"));
  EXPECT_FALSE(form_value(*fields, "Missing").has_value());
  EXPECT_FALSE(parse_form_urlencoded("a=%4").has_value());
  EXPECT_FALSE(parse_form_urlencoded("a=%zz").has_value());
  EXPECT_FALSE(parse_form_urlencoded("a=%").has_value());
}

// ---- the SMS channel ---------------------------------------------------------------

const intake::Timestamp kReceived = unit::utc(2026, 11, 23, 2, 0, 0, 0);
constexpr const char* kBase = "https://intake.example.com";
constexpr const char* kTarget = "/webhooks/hotline/twilio-sms";

std::string form(const FormFields& fields) { return intake::testing::form_encode(fields); }

const FormFields kSms = {{"MessageSid", "SM0123456789abcdef"}, {"AccountSid", "AC1"}, {"From", "+8613812345678"},
                         {"To", "+8640012345"}, {"Body", "你们的密封胶不固化，要求退货"}};

FakeRequest sms_request(const FormFields& fields, const std::string& signed_url) {
  FakeRequest r{form(fields), {}, kTarget};
  r.with("Content-Type", "application/x-www-form-urlencoded").with("X-Twilio-Signature", twilio_signature(kToken, signed_url, fields));
  return r;
}

TwilioSms sms() { return TwilioSms({std::string(kToken), false, kBase}); }

TEST(TwilioSms, ASignedMessageBecomesInbound) {
  auto in = sms().accept(sms_request(kSms, std::string(kBase) + kTarget).view(), kReceived);
  ASSERT_TRUE(in) << in.error().message;
  EXPECT_EQ(in->channel, "hotline");
  EXPECT_EQ(in->provider, "twilio-sms");
  EXPECT_EQ(in->external_id, "SM0123456789abcdef");
  EXPECT_EQ(in->sender.id, "+8613812345678");
  EXPECT_EQ(in->sender.phone, std::optional<std::string>("+8613812345678"));
  EXPECT_EQ(in->text, "你们的密封胶不固化，要求退货");
}

TEST(TwilioSms, TheSignatureMustCoverTheUrlTwilioCalled) {
  // Signed for another host: refused.
  auto other = sms().accept(sms_request(kSms, std::string("https://elsewhere.example.com") + kTarget).view(), kReceived);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, errc::unauthorized);
  // No public base URL configured: the Host header names it.
  FakeRequest via_host = sms_request(kSms, std::string("https://gw.example.org:8443") + kTarget);
  via_host.with("Host", "gw.example.org:8443");
  EXPECT_TRUE(TwilioSms({std::string(kToken), false, ""}).accept(via_host.view(), kReceived));
  // A missing signature, or none configured.
  FakeRequest unsigned_request{form(kSms), {}, kTarget};
  EXPECT_EQ(sms().accept(unsigned_request.view(), kReceived).error().code, errc::unauthorized);
  EXPECT_EQ(TwilioSms({std::nullopt, false, kBase}).accept(unsigned_request.view(), kReceived).error().code,
            errc::unauthorized);
}

TEST(TwilioSms, MissingFieldsAreNamed) {
  FormFields no_sid(kSms.begin() + 1, kSms.end());
  auto r = sms().accept(sms_request(no_sid, std::string(kBase) + kTarget).view(), kReceived);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_field);
  EXPECT_NE(r.error().message.find("MessageSid"), std::string::npos);
  FormFields blank = kSms;
  blank.back().second = "  ";
  EXPECT_EQ(sms().accept(sms_request(blank, std::string(kBase) + kTarget).view(), kReceived).error().code,
            errc::invalid_field);
}

TEST(TwilioSms, TheReplyIsTwimlWithTheTextEscaped) {
  auto in = sms().accept(sms_request(kSms, std::string(kBase) + kTarget).view(), kReceived);
  ASSERT_TRUE(in);
  intake::Acknowledgement ack;
  ack.reply_text = "工单 TS-1 <已登记> & 4小时内回复";
  const auto reply = sms().render(*in, ack);
  EXPECT_NE(reply.content_type.find("xml"), std::string::npos);
  EXPECT_EQ(reply.body, R"(<?xml version="1.0" encoding="UTF-8"?><Response><Message>工单 TS-1 &lt;已登记&gt; &amp; 4小时内回复</Message></Response>)");
  EXPECT_EQ(sms().render(*in, intake::Acknowledgement{}).body, R"(<?xml version="1.0" encoding="UTF-8"?><Response/>)");
}

// ---- the voice channel -------------------------------------------------------------

constexpr const char* kVoiceRoute = "/webhooks/hotline/twilio-voice";
const FormFields kCall = {{"CallSid", "CA42"}, {"AccountSid", "AC1"}, {"From", "+8613812345678"}, {"To", "+8640012345"},
                          {"CallStatus", "in-progress"}};

FakeRequest voice_request(FormFields fields, const std::string& query, std::optional<std::string> speech) {
  if (speech) fields.emplace_back("SpeechResult", *speech);
  const std::string target = std::string(kVoiceRoute) + query;
  FakeRequest r{form(fields), {}, target};
  r.with("Content-Type", "application/x-www-form-urlencoded")
      .with("X-Twilio-Signature", twilio_signature(kToken, std::string(kBase) + target, fields));
  return r;
}

TwilioVoice voice() { return TwilioVoice({std::string(kToken), false, kBase}); }

TEST(TwilioVoice, ACallThatStartsIsGreetedAndHeard) {
  auto r = voice().accept(voice_request(kCall, "", std::nullopt).view(), kReceived);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::not_a_message);
  const auto answer = voice().render_not_a_message(r.error().message);
  EXPECT_NE(answer.content_type.find("xml"), std::string::npos);
  EXPECT_NE(answer.body.find(R"(<Gather input="speech" language="zh-CN")"), std::string::npos) << answer.body;
  EXPECT_NE(answer.body.find(R"(action="/webhooks/hotline/twilio-voice?turn=1")"), std::string::npos) << answer.body;
  EXPECT_NE(answer.body.find("<Hangup/>"), std::string::npos);
}

TEST(TwilioVoice, WhatTheCallerSaidIsTheMessageKeyedByCallAndTurn) {
  auto in = voice().accept(voice_request(kCall, "?turn=1", "我买的密封胶不固化，要求退货").view(), kReceived);
  ASSERT_TRUE(in) << in.error().message;
  EXPECT_EQ(in->channel, "hotline");
  EXPECT_EQ(in->provider, "twilio-voice");
  EXPECT_EQ(in->external_id, "CA42:1");
  EXPECT_EQ(in->sender.id, "+8613812345678");
  EXPECT_EQ(in->text, "我买的密封胶不固化，要求退货");
  auto second = voice().accept(voice_request(kCall, "?turn=2", "订单号是 55-20931").view(), kReceived);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->external_id, "CA42:2");
}

TEST(TwilioVoice, TheAnswerReadsTheCaseNumberDigitByDigitThenListensAgain) {
  auto in = voice().accept(voice_request(kCall, "?turn=1", "产品坏了").view(), kReceived);
  ASSERT_TRUE(in);
  intake::Acknowledgement ack;
  ack.reply_text = "已为您登记工单 TS-20261123-0007，我们将在明天10:00前回复。";
  ack.case_view = intake::CaseView{"TS-20261123-0007", "product_quality", "normal", "new", std::nullopt};
  const auto answer = voice().render(*in, ack);
  EXPECT_NE(answer.body.find("T S 2 0 2 6 1 1 2 3 0 0 0 7"), std::string::npos) << answer.body;
  EXPECT_EQ(answer.body.find("TS-20261123-0007"), std::string::npos) << answer.body;
  EXPECT_NE(answer.body.find("明天10:00前回复"), std::string::npos);
  EXPECT_NE(answer.body.find(R"(action="/webhooks/hotline/twilio-voice?turn=2")"), std::string::npos) << answer.body;
  EXPECT_LT(answer.body.find("<Say"), answer.body.find("<Gather"));
  EXPECT_NE(answer.body.find("<Hangup/>"), std::string::npos);
}

TEST(TwilioVoice, SilenceAndBadTurnsAreHandled) {
  auto silent = voice().accept(voice_request(kCall, "?turn=1", "  ").view(), kReceived);
  ASSERT_FALSE(silent);
  EXPECT_EQ(silent.error().code, errc::not_a_message);
  const auto goodbye = voice().render_not_a_message(silent.error().message);
  EXPECT_EQ(goodbye.body.find("<Gather"), std::string::npos) << goodbye.body;
  EXPECT_NE(goodbye.body.find("<Hangup/>"), std::string::npos);
  EXPECT_EQ(voice().accept(voice_request(kCall, "?turn=x", "你好").view(), kReceived).error().code, errc::invalid_field);
  // The signature covers the query: a turn changed after signing is refused.
  FakeRequest moved = voice_request(kCall, "?turn=1", "你好");
  moved.target = std::string(kVoiceRoute) + "?turn=2";
  EXPECT_EQ(voice().accept(moved.view(), kReceived).error().code, errc::unauthorized);
}

TEST(TwilioVoice, SpellOutDropsSeparators) { EXPECT_EQ(spell_out("TS-2026-07"), "T S 2 0 2 6 0 7"); }

}  // namespace
