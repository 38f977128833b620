// channels::Cti: the documented JSON events of a call-centre platform.
#include "intake/channels/cti.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "unit_support.hpp"

namespace {

using intake::channels::Cti;
using nlohmann::json;
using unit::FakeRequest;
namespace errc = intake::channels::errc;

constexpr const char* kSecret = "unit-cti-secret";
const intake::Timestamp kReceived = unit::utc(2026, 11, 23, 2, 0, 0, 0);

Cti cti() { return Cti({kSecret, false, intake::kChinaStandardTime}); }

json event(const std::string& type) {
  return {{"event_id", "e-1"}, {"call_id", "c-77"}, {"type", type},
          {"caller", {{"number", "+8613812345678"}, {"name", "王先生"}}}, {"at", "2026-11-23T09:30:00+08:00"}};
}

FakeRequest signed_event(const json& body) {
  FakeRequest r{body.dump(), {}, "/webhooks/hotline/cti"};
  r.with("Content-Type", "application/json").signed_with(kSecret);
  return r;
}

std::string code_of(const intake::Result<intake::Inbound>& r) { return r ? "accepted" : r.error().code; }

TEST(CtiAccept, ATranscriptIsTheCallersMessage) {
  json e = event("transcript");
  e["text"] = "客车空调不制冷，司机投诉好几次了";
  auto in = cti().accept(signed_event(e).view(), kReceived);
  ASSERT_TRUE(in) << in.error().message;
  EXPECT_EQ(in->channel, "hotline");
  EXPECT_EQ(in->provider, "cti");
  EXPECT_EQ(in->external_id, "c-77:e-1");
  EXPECT_EQ(in->sender.id, "+8613812345678");
  EXPECT_EQ(in->sender.phone, std::optional<std::string>("+8613812345678"));
  EXPECT_EQ(in->sender.name, "王先生");
  EXPECT_EQ(in->text, "客车空调不制冷，司机投诉好几次了");
  EXPECT_EQ(in->sent_at, unit::utc(2026, 11, 23, 1, 30, 0, 0));
}

TEST(CtiAccept, AnIvrChoiceAndARecordingAreMessagesTooTheOthersAreNot) {
  json ivr = event("ivr_choice");
  ivr["digit"] = "0";
  ivr["label"] = "转人工";
  auto choice = cti().accept(signed_event(ivr).view(), kReceived);
  ASSERT_TRUE(choice) << choice.error().message;
  EXPECT_EQ(choice->text, "按0转人工");

  json rec = event("recording");
  rec["recording_url"] = "https://cti.example.com/rec/c-77.mp3";
  auto recording = cti().accept(signed_event(rec).view(), kReceived);
  ASSERT_TRUE(recording);
  EXPECT_EQ(recording->text, "[通话录音] https://cti.example.com/rec/c-77.mp3");

  EXPECT_EQ(code_of(cti().accept(signed_event(event("call_started")).view(), kReceived)), errc::not_a_message);
  EXPECT_EQ(code_of(cti().accept(signed_event(event("call_ended")).view(), kReceived)), errc::not_a_message);
}

TEST(CtiAccept, AnAgentsNoteIsMarkedAsTheAgentsNotTheCallers) {
  json e = event("agent_note");
  e["agent"] = {{"id", "8001"}, {"name", "李娜"}};
  e["text"] = "已安排明天上门";
  auto in = cti().accept(signed_event(e).view(), kReceived);
  ASSERT_TRUE(in) << in.error().message;
  ASSERT_TRUE(in->agent_note);
  EXPECT_EQ(in->agent_note->id, "8001");
  EXPECT_EQ(in->agent_note->name, "李娜");
  EXPECT_EQ(in->text, "已安排明天上门");
  EXPECT_EQ(in->reply_reference, "c-77");  // the call, whose case the note belongs to
  EXPECT_EQ(in->sender.id, "+8613812345678");

  // A transcript is the caller's own.
  json said = event("transcript");
  said["text"] = "空调坏了";
  EXPECT_FALSE(cti().accept(signed_event(said).view(), kReceived)->agent_note);

  json nameless = e;
  nameless["agent"] = {{"id", "8001"}};
  EXPECT_EQ(cti().accept(signed_event(nameless).view(), kReceived)->agent_note->name, "");
  for (const json& bad : {json{{"name", "李娜"}}, json("8001"), json(nullptr)}) {
    json wrong = e;
    wrong["agent"] = bad;
    EXPECT_EQ(code_of(cti().accept(signed_event(wrong).view(), kReceived)), errc::invalid_field) << bad;
  }
  json empty = e;
  empty.erase("text");
  EXPECT_EQ(code_of(cti().accept(signed_event(empty).view(), kReceived)), errc::invalid_field);
}

TEST(CtiAccept, BadEventsAreRefusedNamingTheField) {
  EXPECT_EQ(code_of(cti().accept(signed_event(event("hold_music")).view(), kReceived)), errc::invalid_field);
  json no_text = event("transcript");
  EXPECT_EQ(code_of(cti().accept(signed_event(no_text).view(), kReceived)), errc::invalid_field);
  json bad_url = event("recording");
  bad_url["recording_url"] = "file:///etc/passwd";
  EXPECT_EQ(code_of(cti().accept(signed_event(bad_url).view(), kReceived)), errc::invalid_field);
  json no_number = event("transcript");
  no_number["text"] = "你好";
  no_number["caller"].erase("number");
  auto r = cti().accept(signed_event(no_number).view(), kReceived);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("caller.number"), std::string::npos) << r.error().message;
  json bad_time = event("transcript");
  bad_time["text"] = "你好";
  bad_time["at"] = "yesterday";
  EXPECT_EQ(code_of(cti().accept(signed_event(bad_time).view(), kReceived)), errc::invalid_field);
}

TEST(CtiAccept, TheSignatureIsRequired) {
  json e = event("transcript");
  e["text"] = "你好";
  FakeRequest unsigned_request{e.dump(), {}, "/webhooks/hotline/cti"};
  EXPECT_EQ(code_of(cti().accept(unsigned_request.view(), kReceived)), errc::unauthorized);
  FakeRequest forged = unsigned_request;
  forged.signed_with("another-secret");
  EXPECT_EQ(code_of(cti().accept(forged.view(), kReceived)), errc::unauthorized);
  auto r = Cti({std::nullopt, false, intake::kChinaStandardTime}).accept(unsigned_request.view(), kReceived);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("INTAKE_HOTLINE_CTI_SECRET"), std::string::npos);
}

TEST(CtiRender, TheAnswerCarriesTheReplyToSpeak) {
  intake::Acknowledgement ack;
  ack.reply_text = "已登记工单 TS-20261123-0007。";
  ack.case_view = intake::CaseView{"TS-20261123-0007", "product_quality", "normal", "new", std::nullopt};
  ack.conversation_id = "conv-1";
  const json out = json::parse(cti().render(intake::Inbound{}, ack).body);
  EXPECT_EQ(out["speak"], "已登记工单 T S 2 0 2 6 1 1 2 3 0 0 0 7。");
  EXPECT_EQ(out["case"]["number"], "TS-20261123-0007");
  EXPECT_EQ(out["reply"]["text"], *ack.reply_text);
  EXPECT_TRUE(json::parse(cti().render(intake::Inbound{}, intake::Acknowledgement{}).body)["speak"].is_null());
}

}  // namespace
