// Staff accounts and the case side of the staff API (/api/v1/) through the real binaries,
// real TLS and a real PostgreSQL: tokens made by intakectl and kept only as a digest;
// 401/403/404/409 with JSON bodies; the case lifecycle with an event for every change;
// SLA clocks recomputed on relabelling and moved by a pause; agents limited to their
// queue, contact details masked where not needed, and every read recorded.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <future>
#include <iostream>
#include <set>
#include <thread>

#include "eventually.hpp"
#include "https_client.hpp"
#include "intake/time.hpp"
#include "run_command.hpp"
#include "test_database.hpp"
#include "suite_gateway.hpp"
#include "test_gateway.hpp"
#include "websocket_client.hpp"

namespace intake {
namespace {

using nlohmann::json;
using testing::HttpResult;
using testing::HttpsClient;
using testing::ServerProcess;
using testing::TempDir;
using testing::TestDatabase;

struct Account {
  std::int64_t id = 0;
  std::string token;
};

class StaffApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const json patch = {{"case_number_prefix", "ST"},
                        {"mail", {{"address", "service@intake.test"}}},
                        {"channels", {{"chat/generic", {{"allow_unsigned", true}}},
                                      {"chat/telegram", {{"allow_unsigned", true}}},
                                      {"email/raw", {{"allow_unsigned", true}}}}}};
    suite_ = new testing::SuiteGateway("intake-e2e-staff", patch, {{"INTAKE_CHAT_WEB_SECRET", kChatSecret}});
    config_ = new std::string((suite_->dir().path() / "gateway.json").string());  // the suite's own file
    agent_ = add_staff("王芳", "agent");
    other_agent_ = add_staff("李强", "agent");
    supervisor_ = add_staff("张主管", "supervisor");
    for (int i = 0; i < kRacers; ++i) racers_.push_back(add_staff("抢单员" + std::to_string(i), "agent"));
  }
  static void TearDownTestSuite() {
    delete suite_;
    suite_ = nullptr;
    delete config_;
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "gateway log:\n" << suite_->gateway().log() << "\n";
  }

  static testing::CommandResult intakectl(const std::string& arguments) {
    return testing::run_command(std::string(INTAKECTL_BINARY) + " --config " + *config_ + " --database '" +
                                suite_->db().conninfo() + "' " + arguments);
  }
  static Account add_staff(const std::string& name, const std::string& role) {
    const auto r = intakectl("staff add --name '" + name + "' --role " + role);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    const json line = json::parse(r.output, nullptr, false);
    if (!line.is_object()) {
      ADD_FAILURE() << "staff add printed " << r.output;
      return {};
    }
    return {line["id"].get<std::int64_t>(), line["token"].get<std::string>()};
  }

  static HttpResult call(const std::string& method, const std::string& target, const Account& who,
                         const std::string& body = "") {
    HttpsClient c("127.0.0.1", suite_->gateway().port());
    std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + who.token}};
    if (method == "GET") return c.get(target, headers);
    headers["Content-Type"] = "application/json";
    return request(method, target, headers, body);
  }
  // Any method (the test client's helpers speak GET and POST), on a connection of its own.
  static HttpResult request(const std::string& method, const std::string& target,
                            const std::map<std::string, std::string>& headers, const std::string& body) {
    HttpsClient c("127.0.0.1", suite_->gateway().port());
    std::string raw = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const auto& [name, value] : headers) raw += name + ": " + value + "\r\n";
    raw += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    c.send_raw(raw);
    return c.read_response();
  }

  // A customer's complaint through the generic chat: the case number it got.
  static std::string file_complaint(const std::string& sender, const std::string& text) {
    HttpsClient c("127.0.0.1", suite_->gateway().port());
    static int n = 0;
    const json body = {{"message_id", "staff-api-" + std::to_string(++n)},
                       {"sender", {{"id", sender}, {"name", "陈先生"}, {"phone", "+8613812345678"}}},
                       {"text", text}};
    const auto r = c.post("/webhooks/chat/generic", body.dump(), {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()["case"]["number"].get<std::string>();
  }

  static std::string event_count(const std::string& number) {
    return suite_->db().scalar("SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.number = '" +
                       number + "'");
  }

  static testing::SuiteGateway* suite_;
  static std::string* config_;
  static Account agent_, other_agent_, supervisor_;
  static constexpr int kRacers = 6;
  static inline const std::string kChatSecret = "e2e-staff-web-chat-key-0123456789abcdef";
  static std::vector<Account> racers_;

  // A generic chat customer's message; the gateway's answer.
  static json chat(const std::string& sender, const std::string& text) {
    HttpsClient c("127.0.0.1", suite_->gateway().port());
    static int n = 0;
    const json body = {{"message_id", "conv-" + std::to_string(++n)}, {"sender", {{"id", sender}}}, {"text", text}};
    const auto r = c.post("/webhooks/chat/generic", body.dump(), {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  static std::string conversation_of(const json& answer) { return answer["conversation"]["id"].get<std::string>(); }
};
std::vector<Account> StaffApiTest::racers_;
testing::SuiteGateway* StaffApiTest::suite_ = nullptr;
std::string* StaffApiTest::config_ = nullptr;
Account StaffApiTest::agent_, StaffApiTest::other_agent_, StaffApiTest::supervisor_;

void expect_error(const HttpResult& r, unsigned status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  const json body = r.json();
  ASSERT_TRUE(body.is_object() && body.contains("error")) << r.body;
  EXPECT_EQ(body["error"]["code"], code) << r.body;
  EXPECT_TRUE(body["error"]["message"].is_string() && !body["error"]["message"].get<std::string>().empty()) << r.body;
}

// ---- accounts and tokens -----------------------------------------------------------

TEST_F(StaffApiTest, StaffAddPrintsTheTokenOnceAndTheDatabaseKeepsOnlyItsDigest) {
  const auto r = intakectl("staff add --name '赵六' --role manager");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json line = json::parse(r.output, nullptr, false);
  ASSERT_TRUE(line.is_object()) << r.output;
  EXPECT_EQ(line["name"], "赵六");
  EXPECT_EQ(line["role"], "manager");
  const std::string token = line["token"];
  EXPECT_EQ(token.rfind("ist_", 0), 0u) << token;
  EXPECT_EQ(token.size(), 4u + 64u);
  const std::string id = std::to_string(line["id"].get<std::int64_t>());
  EXPECT_EQ(suite_->db().scalar("SELECT token_hash = sha256('" + token + "'::bytea) FROM staff WHERE id = " + id), "t");
  EXPECT_EQ(suite_->db().scalar("SELECT count(*) FROM staff WHERE position('" + token.substr(4) + "' IN encode(token_hash, 'hex')) > 0"),
            "0");
  // The token works, and `staff list` never shows it.
  const auto me = call("GET", "/api/v1/me", {0, token});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["role"], "manager");
  const auto list = intakectl("staff list");
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find("赵六"), std::string::npos) << list.output;
  EXPECT_EQ(list.output.find(token.substr(4)), std::string::npos) << list.output;
}

TEST_F(StaffApiTest, ARevokedTokenStopsWorkingAtOnce) {
  const Account temp = add_staff("临时工", "agent");
  ASSERT_EQ(call("GET", "/api/v1/me", temp).status, 200);
  const auto revoked = intakectl("staff revoke " + std::to_string(temp.id));
  EXPECT_EQ(revoked.exit_code, 0) << revoked.output;
  expect_error(call("GET", "/api/v1/me", temp), 401, "unauthorized");
  const auto again = intakectl("staff revoke " + std::to_string(temp.id));
  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_NE(again.output.find("no live account"), std::string::npos) << again.output;
}

TEST_F(StaffApiTest, StaffCommandUsageErrorsExit2) {
  for (const char* args : {"staff add --name x --role boss", "staff add --role agent", "staff revoke abc",
                                  "staff fire 3", "staff"}) {
    const auto r = intakectl(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find("usage: intakectl staff"), std::string::npos) << r.output;
  }
}

TEST_F(StaffApiTest, WithoutAValidTokenEverythingIs401) {
  HttpsClient c("127.0.0.1", suite_->gateway().port());
  for (const auto& headers : std::vector<std::map<std::string, std::string>>{
           {}, {{"Authorization", "Basic dXNlcjpwYXNz"}}, {{"Authorization", "Bearer "}},
           {{"Authorization", "Bearer ist_0000000000000000000000000000000000000000000000000000000000000000"}}}) {
    const auto r = c.get("/api/v1/cases", headers);
    expect_error(r, 401, "unauthorized");
    EXPECT_EQ(r.headers.at("www-authenticate"), "Bearer realm=\"intake\"");
  }
  // The scheme's case does not matter (RFC 9110).
  EXPECT_EQ(c.get("/api/v1/me", {{"Authorization", "bearer " + agent_.token}}).status, 200);
}

// ---- reading cases -----------------------------------------------------------------

TEST_F(StaffApiTest, ACaseIsReadWithItsEventsAndTheReadIsRecorded) {
  const std::string number = file_complaint("u-read", "冰箱买回来第三天就坏了");
  const auto r = call("GET", "/api/v1/cases/" + number, supervisor_);
  ASSERT_EQ(r.status, 200) << r.body;
  const json c = r.json();
  EXPECT_EQ(c["number"], number);
  EXPECT_EQ(c["status"], "new");
  EXPECT_EQ(c["category"], "product_quality");
  ASSERT_TRUE(c["events"].is_array() && !c["events"].empty()) << r.body;
  EXPECT_EQ(c["events"][0]["kind"], "opened");
  EXPECT_EQ(c["events"][0]["actor"], "bot");
  // Every clock of the policy was stored at intake.
  ASSERT_TRUE(c["clocks"].is_array()) << r.body;
  std::vector<std::string> names;
  for (const auto& k : c["clocks"]) names.push_back(k["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"first_response", "opinion", "no_progress"}));
  EXPECT_EQ(c["customer"]["phone"], "+8613812345678");  // a supervisor sees it
  EXPECT_EQ(suite_->db().scalar("SELECT count(*) FROM access_log WHERE action = 'read_case' AND subject = '" + number +
                        "' AND staff_id = " + std::to_string(supervisor_.id)),
            "1");
  expect_error(call("GET", "/api/v1/cases/ST-20990101-9999", supervisor_), 404, "not_found");
  expect_error(call("GET", "/api/v1/cases/bad%20number", supervisor_), 404, "not_found");
}

TEST_F(StaffApiTest, AnAgentSeesTheQueueButContactDetailsOnlyOnTheirOwnCases) {
  const std::string number = file_complaint("u-queue", "快递太慢了，一直没收到");
  const auto unassigned = call("GET", "/api/v1/cases/" + number, agent_);
  ASSERT_EQ(unassigned.status, 200) << unassigned.body;
  const std::string masked = unassigned.json()["customer"]["phone"];
  EXPECT_EQ(masked.find("12345678"), std::string::npos) << masked;
  EXPECT_NE(masked.find("****"), std::string::npos) << masked;

  // The agent takes it: now the details are theirs to use, and the other agent loses sight of it.
  const auto taken = call("PATCH", "/api/v1/cases/" + number, agent_, json{{"assignee", agent_.id}}.dump());
  ASSERT_EQ(taken.status, 200) << taken.body;
  EXPECT_EQ(taken.json()["customer"]["phone"], "+8613812345678");
  EXPECT_EQ(taken.json()["assignee"]["id"], agent_.id);
  expect_error(call("GET", "/api/v1/cases/" + number, other_agent_), 404, "not_found");
  expect_error(call("PATCH", "/api/v1/cases/" + number, other_agent_, R"({"status": "in_progress"})"), 404,
               "not_found");
  // An agent may not hand a case to someone else; a supervisor may.
  expect_error(call("PATCH", "/api/v1/cases/" + number, agent_, json{{"assignee", other_agent_.id}}.dump()), 403,
               "forbidden");
  const auto handed = call("PATCH", "/api/v1/cases/" + number, supervisor_, json{{"assignee", other_agent_.id}}.dump());
  ASSERT_EQ(handed.status, 200) << handed.body;
  EXPECT_EQ(call("GET", "/api/v1/cases/" + number, other_agent_).status, 200);
  expect_error(call("PATCH", "/api/v1/cases/" + number, supervisor_, R"({"assignee": 999999})"), 400, "invalid_field");
}

TEST_F(StaffApiTest, ListsFilterAndStayInsideTheAgentsQueue) {
  const std::string mine = file_complaint("u-list-1", "师傅打的玻璃胶歪歪扭扭，能不能来重新打一下");
  const std::string theirs = file_complaint("u-list-2", "约好上午九点来装监测仪，等到下午三点也没见人");
  ASSERT_EQ(call("PATCH", "/api/v1/cases/" + mine, agent_, json{{"assignee", agent_.id}}.dump()).status, 200);
  ASSERT_EQ(call("PATCH", "/api/v1/cases/" + theirs, other_agent_, json{{"assignee", other_agent_.id}}.dump()).status,
            200);
  auto numbers = [](const HttpResult& r) {
    std::set<std::string> out;
    const json body = r.json();  // kept: a range over a temporary's member would dangle
    for (const auto& c : body["cases"]) out.insert(c["number"].get<std::string>());
    return out;
  };
  const auto agent_view = call("GET", "/api/v1/cases?category=installation_quality", agent_);
  ASSERT_EQ(agent_view.status, 200) << agent_view.body;
  EXPECT_TRUE(numbers(agent_view).count(mine));
  EXPECT_FALSE(numbers(agent_view).count(theirs));
  const auto all = numbers(call("GET", "/api/v1/cases?category=installation_quality", supervisor_));
  EXPECT_TRUE(all.count(mine) && all.count(theirs));
  const auto by_assignee = numbers(call("GET", "/api/v1/cases?assignee=" + std::to_string(other_agent_.id), supervisor_));
  EXPECT_TRUE(by_assignee.count(theirs));
  EXPECT_FALSE(by_assignee.count(mine));

  // Overdue: a first response whose time has passed.
  suite_->db().scalar("UPDATE cases SET first_response_due = now() - interval '1 hour' WHERE number = '" + theirs + "'");
  const auto overdue = call("GET", "/api/v1/cases?overdue=true", supervisor_);
  EXPECT_TRUE(numbers(overdue).count(theirs)) << overdue.body;
  EXPECT_FALSE(numbers(overdue).count(mine)) << overdue.body;

  for (const char* q : {"status=open", "category=billing", "overdue=yes", "limit=0", "limit=100000",
                               "assignee=me", "colour=red", "status=%zz"})
    expect_error(call("GET", std::string("/api/v1/cases?") + q, supervisor_), 400, "invalid_query");
}

// ---- changing cases ----------------------------------------------------------------

TEST_F(StaffApiTest, TheLifecycleIsCheckedAndEveryChangeIsAnEvent) {
  const std::string number = file_complaint("u-life", "产品有质量问题，冰箱不制冷");
  const std::string path = "/api/v1/cases/" + number;
  ASSERT_EQ(call("PATCH", path, agent_, json{{"assignee", agent_.id}}.dump()).status, 200);

  const auto working = call("PATCH", path, agent_, R"({"status": "in_progress", "note": "已电话联系客户"})");
  ASSERT_EQ(working.status, 200) << working.body;
  EXPECT_EQ(working.json()["status"], "in_progress");
  EXPECT_TRUE(working.json()["first_responded_at"].is_string()) << "taking up a new case is its first response";
  const json events = working.json()["events"];
  const json& status_event = events[events.size() - 2];
  EXPECT_EQ(status_event["kind"], "status_changed");
  EXPECT_EQ(status_event["actor"], "staff:" + std::to_string(agent_.id));
  EXPECT_EQ(status_event["before"]["status"], "new");
  EXPECT_EQ(status_event["after"]["status"], "in_progress");
  EXPECT_TRUE(status_event["at"].is_string());
  EXPECT_EQ(events.back()["kind"], "note");
  EXPECT_EQ(events.back()["after"]["text"], "已电话联系客户");

  // Not allowed by the lifecycle: 409, and nothing written.
  const std::string events_before = event_count(number);
  expect_error(call("PATCH", path, agent_, R"({"status": "closed", "note": "x"})"), 409, "conflict");
  expect_error(call("PATCH", path, agent_, R"({"status": "reopened"})"), 409, "conflict");
  EXPECT_EQ(event_count(number), events_before);
  EXPECT_EQ(suite_->db().scalar("SELECT status FROM cases WHERE number = '" + number + "'"), "in_progress");

  ASSERT_EQ(call("PATCH", path, agent_, R"({"status": "resolved"})").status, 200);
  EXPECT_EQ(suite_->db().scalar("SELECT resolved_at IS NOT NULL FROM cases WHERE number = '" + number + "'"), "t");
  ASSERT_EQ(call("PATCH", path, agent_, R"({"status": "closed"})").status, 200);
  const auto reopened = call("PATCH", path, agent_, R"({"status": "reopened"})");
  ASSERT_EQ(reopened.status, 200) << reopened.body;
  EXPECT_TRUE(reopened.json()["resolved_at"].is_null());
  EXPECT_TRUE(reopened.json()["closed_at"].is_null());
}

TEST_F(StaffApiTest, RelabellingRestartsTheClocksFromTheOpening) {
  const std::string number = file_complaint("u-relabel", "快递太慢了");
  const std::string path = "/api/v1/cases/" + number;
  const auto raised = call("PATCH", path, supervisor_, R"({"severity": "serious"})");
  ASSERT_EQ(raised.status, 200) << raised.body;
  const json c = raised.json();
  const auto opened = parse_rfc3339(c["opened_at"].get<std::string>());
  ASSERT_TRUE(opened.has_value()) << c["opened_at"];
  // config/sla.json: a serious complaint gets 4 wall-clock hours, counted from intake.
  const auto due = parse_rfc3339(c["first_response_due"].get<std::string>());
  ASSERT_TRUE(due.has_value()) << raised.body;
  EXPECT_EQ(*due - *opened, std::chrono::hours(4));
  std::vector<std::string> names;
  for (const auto& k : c["clocks"]) names.push_back(k["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"first_response", "preliminary_solution", "opinion", "no_progress"}));
  const json& event = c["events"].back();
  EXPECT_EQ(event["kind"], "labels_changed");
  EXPECT_EQ(event["before"]["severity"], "normal");
  EXPECT_EQ(event["after"]["severity"], "serious");
  EXPECT_EQ(event["before"]["clocks"].size(), 3u);
  EXPECT_EQ(event["after"]["clocks"].size(), 4u);
}

TEST_F(StaffApiTest, WaitingOnTheCustomerPausesTheClocks) {
  const std::string number = file_complaint("u-pause", "快递太慢了");
  const std::string path = "/api/v1/cases/" + number;
  // Serious: its preliminary solution is due in 24 wall-clock hours, so any pause counts.
  ASSERT_EQ(call("PATCH", path, supervisor_, R"({"severity": "serious"})").status, 200);
  auto preliminary_solution_due = [&] {
    const json c = call("GET", path, supervisor_).json();
    for (const auto& k : c["clocks"])
      if (k["name"] == "preliminary_solution") return parse_rfc3339(k["due"].get<std::string>());
    return std::optional<Timestamp>();
  };
  const auto before = preliminary_solution_due();
  ASSERT_TRUE(before.has_value());
  const auto paused = call("PATCH", path, supervisor_, R"({"status": "pending_customer"})");
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_TRUE(paused.json()["paused_at"].is_string());
  EXPECT_FALSE(paused.json()["overdue"].get<bool>());
  const auto resumed = call("PATCH", path, supervisor_, R"({"status": "in_progress"})");
  ASSERT_EQ(resumed.status, 200) << resumed.body;
  EXPECT_TRUE(resumed.json()["paused_at"].is_null());
  const auto after = preliminary_solution_due();
  ASSERT_TRUE(after.has_value());
  // The 24-hour clock moved later by the pause: the time between the two requests, more
  // than nothing and far less than half a minute.
  EXPECT_GT(*after, *before);
  EXPECT_LE(*after - *before, std::chrono::seconds(30));
}

TEST_F(StaffApiTest, BadChangesAre400AndChangeNothing) {
  const std::string number = file_complaint("u-bad", "产品坏了");
  const std::string path = "/api/v1/cases/" + number;
  const std::string events_before = event_count(number);
  for (const std::string& body : {std::string("not json"), std::string("[]"), std::string("{}"),
                                  std::string(R"({"status": "done"})"), std::string(R"({"category": "billing"})"),
                                  std::string(R"({"severity": 3})"), std::string(R"({"assignee": "me"})"),
                                  std::string(R"({"note": ""})"), std::string(R"({"note": "a\u0000b"})"),
                                  std::string(R"({"colour": "red"})")}) {
    const auto r = call("PATCH", path, supervisor_, body);
    EXPECT_EQ(r.status, 400) << body << " → " << r.body;
  }
  EXPECT_EQ(event_count(number), events_before);
  expect_error(call("PATCH", "/api/v1/cases/ST-20990101-0001", supervisor_, R"({"status": "in_progress"})"), 404,
               "not_found");
  expect_error(call("DELETE", path, supervisor_), 405, "method_not_allowed");
  expect_error(call("GET", "/api/v1/nothing", supervisor_), 404, "not_found");
}

// ---- conversations: the queue, takeover, staff messages, release --------------------

TEST_F(StaffApiTest, AFlaggedConversationIsInTheQueueWithItsReason) {
  const json answer = chat("u-flag", "转人工，我要跟客服说话");
  const std::string id = conversation_of(answer);
  const auto queue = call("GET", "/api/v1/conversations?flagged=true", agent_);
  ASSERT_EQ(queue.status, 200) << queue.body;
  const json body = queue.json();
  bool found = false;
  for (const auto& c : body["conversations"])
    if (c["id"] == id) {
      found = true;
      EXPECT_TRUE(c["flagged"].get<bool>());
      EXPECT_NE(c["flag_reason"].get<std::string>().find("human_request"), std::string::npos) << c.dump();
      EXPECT_EQ(c["handled_by"], "bot");
      EXPECT_EQ(c["channel"], "chat/generic");
    }
  EXPECT_TRUE(found) << queue.body;
  for (const char* q : {"flagged=maybe", "handled_by=robot", "limit=0", "sort=new"})
    expect_error(call("GET", std::string("/api/v1/conversations?") + q, agent_), 400, "invalid_query");
  expect_error(call("GET", "/api/v1/conversations/not-a-uuid", agent_), 404, "not_found");
  expect_error(call("GET", "/api/v1/conversations/00000000-0000-0000-0000-000000000000", agent_), 404, "not_found");
}

TEST_F(StaffApiTest, OfStaffRacingToTakeOverExactlyOneWins) {
  constexpr int kRounds = 12;
  for (int round = 0; round < kRounds; ++round) {
    const std::string id = conversation_of(chat("u-race-" + std::to_string(round), "转人工"));
    std::vector<std::future<HttpResult>> attempts;
    std::promise<void> go;
    std::shared_future<void> start = go.get_future().share();
    for (const Account& racer : racers_)
      attempts.push_back(std::async(std::launch::async, [&, racer, start] {
        start.wait();
        return call("POST", "/api/v1/conversations/" + id + "/takeover", racer, "{}");
      }));
    go.set_value();
    int won = 0, lost = 0;
    std::int64_t winner = 0;
    for (std::size_t i = 0; i < attempts.size(); ++i) {
      const HttpResult r = attempts[i].get();
      if (r.status == 200) {
        ++won;
        winner = racers_[i].id;
        EXPECT_EQ(r.json()["assignee"]["id"], winner) << r.body;
      } else {
        ++lost;
        expect_error(r, 409, "taken");
      }
    }
    EXPECT_EQ(won, 1) << "round " << round;
    EXPECT_EQ(lost, kRacers - 1) << "round " << round;
    EXPECT_EQ(suite_->db().scalar("SELECT assignee_id FROM conversations WHERE id = '" + id + "'"), std::to_string(winner));
    EXPECT_EQ(suite_->db().scalar("SELECT count(*) FROM case_events e JOIN cases k ON k.id = e.case_id "
                          "WHERE k.conversation_id = '" + id + "' AND e.kind = 'taken_over'"),
              "1");
  }
}

TEST_F(StaffApiTest, AfterTakeoverTheBotIsSilentAndOnlyTheOwnerWrites) {
  const std::string sender = "u-silent";
  const std::string id = conversation_of(chat(sender, "冰箱坏了，转人工"));
  const std::string path = "/api/v1/conversations/" + id;
  expect_error(call("POST", path + "/messages", agent_, R"({"text": "您好"})"), 409, "not_taken");
  const auto taken = call("POST", path + "/takeover", agent_, "{}");
  ASSERT_EQ(taken.status, 200) << taken.body;
  EXPECT_EQ(taken.json()["handled_by"], "staff");
  EXPECT_EQ(call("POST", path + "/takeover", agent_, "{}").status, 200) << "taking one's own again is fine";

  // The customer writes again: recorded, and the bot says nothing.
  const json later = chat(sender, "请问什么时候能修好？");
  EXPECT_TRUE(later["reply"].is_null()) << later.dump();
  EXPECT_EQ(later["conversation"]["handled_by"], "staff");

  // Only the owner writes to the customer.
  expect_error(call("POST", path + "/messages", supervisor_, R"({"text": "我是主管"})"), 409, "taken");
  expect_error(call("POST", path + "/messages", other_agent_, R"({"text": "你好"})"), 404, "not_found");
  auto no_progress_due = [&] {
    return suite_->db().scalar("SELECT k->>'due' FROM cases c, jsonb_array_elements(c.sla_clocks) k WHERE "
                               "c.conversation_id = '" + id + "' AND k->>'name' = 'no_progress'");
  };
  const std::string before_progress = no_progress_due();
  ASSERT_FALSE(before_progress.empty());
  const auto sent = call("POST", path + "/messages", agent_, R"({"text": "您好，我是客服王芳，师傅明天上午上门。", "id": "c-1"})");
  ASSERT_EQ(sent.status, 200) << sent.body;
  // A staff message is progress: the 72-hour clock starts again from it.
  const auto restarted = parse_rfc3339(no_progress_due()), first = parse_rfc3339(before_progress);
  ASSERT_TRUE(restarted && first);
  EXPECT_GT(*restarted, *first);
  EXPECT_EQ(sent.json()["duplicate"], false);
  const auto again = call("POST", path + "/messages", agent_, R"({"text": "您好，我是客服王芳，师傅明天上午上门。", "id": "c-1"})");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["duplicate"], true);
  EXPECT_EQ(again.json()["message"]["id"], sent.json()["message"]["id"]);
  EXPECT_EQ(suite_->db().scalar("SELECT count(*) FROM messages WHERE conversation_id = '" + id + "' AND author = 'staff'"), "1");
  for (const char* bad : {R"({"text": ""})", R"({"text": "   "})", R"({"text": 5})", R"({"words": "hi"})",
                          R"({"text": "a\u0000b"})", R"({"text": "hi", "id": ""})", "[]"})
    EXPECT_EQ(call("POST", path + "/messages", agent_, bad).status, 400) << bad;

  // The history shows everything, with who wrote it; the case had its first response.
  const auto history = call("GET", path, agent_);
  ASSERT_EQ(history.status, 200) << history.body;
  const json messages = history.json()["messages"];
  std::vector<std::string> authors;
  for (const auto& m : messages) authors.push_back(m["author"].get<std::string>());
  EXPECT_EQ(authors, (std::vector<std::string>{"customer", "bot", "customer", "staff"})) << history.body;
  EXPECT_EQ(messages.back()["staff_id"], agent_.id);
  EXPECT_EQ(suite_->db().scalar("SELECT count(*) FROM cases WHERE conversation_id = '" + id + "' AND first_responded_at IS NOT NULL"),
            "1");

  // Given back: the bot answers again and the flag is gone.
  expect_error(call("POST", path + "/release", other_agent_, "{}"), 404, "not_found");
  const auto released = call("POST", path + "/release", agent_, "{}");
  ASSERT_EQ(released.status, 200) << released.body;
  EXPECT_EQ(released.json()["handled_by"], "bot");
  EXPECT_FALSE(released.json()["flagged"].get<bool>());
  expect_error(call("POST", path + "/release", agent_, "{}"), 409, "not_taken");
  EXPECT_FALSE(chat(sender, "谢谢")["reply"].is_null());
}

TEST_F(StaffApiTest, AStaffMessageReachesTheWebChatPageLive) {
  testing::WebSocketClient page("127.0.0.1", suite_->gateway().port(), "/chat/ws");
  page.send_json({{"type", "hello"}, {"token", nullptr}, {"after", 0}});
  const json welcome = page.receive_json();
  ASSERT_EQ(welcome["type"], "welcome") << welcome.dump();
  const std::string customer = welcome["customer"];
  page.send_json({{"type", "message"}, {"id", "p-1"}, {"text", "我要找人工客服"}});
  // The ack and the pushed messages (customer's and bot's) arrive in some order.
  std::vector<json> seen;
  auto read_until = [&](auto done) {
    for (int i = 0; i < 20 && !done(); ++i) {
      json frame = page.receive_json();
      if (frame["type"] == "messages")
        for (auto& m : frame["messages"]) seen.push_back(m);
    }
    return done();
  };
  ASSERT_TRUE(read_until([&] { return seen.size() >= 2; }));
  const std::string id = suite_->db().scalar("SELECT c.id FROM conversations c JOIN channel_identities i ON i.id = c.identity_id "
                                     "WHERE i.channel = 'chat' AND i.provider = 'web' AND i.external_id = '" +
                                     customer + "'");
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(call("POST", "/api/v1/conversations/" + id + "/takeover", agent_, "{}").status, 200);
  const auto sent = call("POST", "/api/v1/conversations/" + id + "/messages", agent_, R"({"text": "您好，我是王芳"})");
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(sent.json()["delivery"], "live");
  ASSERT_TRUE(read_until([&] { return !seen.empty() && seen.back()["from"] == "staff"; }));
  EXPECT_EQ(seen.back()["text"], "您好，我是王芳");
  EXPECT_EQ(suite_->db().scalar("SELECT count(*) FROM outbox o JOIN messages m ON m.id = o.message_id "
                        "WHERE m.conversation_id = '" + id + "'"),
            "0");
  page.close();
}

TEST_F(StaffApiTest, AStaffMessageToAMailCustomerIsQueuedAsAPersonsThreadedReply) {
  HttpsClient c("127.0.0.1", suite_->gateway().port());
  const std::string mail =
      "From: =?UTF-8?B?5YiY5aWz5aOr?= <liu@example.cn>\r\nTo: service@intake.test\r\n"
      "Subject: =?UTF-8?B?5Lqn5ZOB6LSo6YeP6Zeu6aKY?=\r\nMessage-ID: <cust-1@example.cn>\r\n"
      "Date: Fri, 27 Nov 2026 10:00:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
      "买的胶水一点都不粘，转人工。\r\n";
  const auto filed = c.post("/webhooks/email/raw", mail, {{"Content-Type", "message/rfc822"}});
  ASSERT_EQ(filed.status, 200) << filed.body;
  const std::string id = filed.json()["conversation"]["id"];
  ASSERT_EQ(call("POST", "/api/v1/conversations/" + id + "/takeover", agent_, "{}").status, 200);
  const auto sent = call("POST", "/api/v1/conversations/" + id + "/messages", agent_, R"({"text": "刘女士您好，我们明天回电。"})");
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(sent.json()["delivery"], "outbox");
  const json payload = json::parse(suite_->db().scalar(
      "SELECT o.payload FROM outbox o JOIN messages m ON m.id = o.message_id WHERE m.author = 'staff' AND "
      "m.conversation_id = '" + id + "'"));
  EXPECT_EQ(payload["kind"], "email_reply");
  EXPECT_EQ(payload["automatic"], false) << "a person's reply is not marked Auto-Submitted";
  EXPECT_EQ(payload["in_reply_to"], "cust-1@example.cn");
  EXPECT_EQ(payload["subject"], "产品质量问题");
  EXPECT_EQ(payload["text"], "刘女士您好，我们明天回电。");
  EXPECT_EQ(payload["message_id"].get<std::string>().rfind("intake.", 0), 0u);
  EXPECT_EQ(suite_->db().scalar("SELECT recipient->>'email' FROM outbox o JOIN messages m ON m.id = o.message_id "
                        "WHERE m.author = 'staff' AND m.conversation_id = '" + id + "'"),
            "liu@example.cn");
}

TEST_F(StaffApiTest, AStaffMessageToATelegramCustomerWaitsInTheOutbox) {
  HttpsClient c("127.0.0.1", suite_->gateway().port());
  const json update = {{"update_id", 99001},
                       {"message", {{"message_id", 7}, {"date", 1795000000},
                                    {"chat", {{"id", 4242}, {"type", "private"}}},
                                    {"from", {{"id", 4242}, {"is_bot", false}, {"first_name", "Wei"}}},
                                    {"text", "转人工"}}}};
  const auto filed = c.post("/webhooks/chat/telegram", update.dump(), {{"Content-Type", "application/json"}});
  ASSERT_EQ(filed.status, 200) << filed.body;
  const std::string id = suite_->db().scalar("SELECT c.id FROM conversations c JOIN channel_identities i ON i.id = c.identity_id "
                                     "WHERE i.provider = 'telegram' AND i.external_id = '4242'");
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(call("POST", "/api/v1/conversations/" + id + "/takeover", agent_, "{}").status, 200);
  const auto sent = call("POST", "/api/v1/conversations/" + id + "/messages", agent_, R"({"text": "Hello, this is Wang Fang."})");
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(sent.json()["delivery"], "outbox");
  EXPECT_EQ(suite_->db().scalar("SELECT o.channel || '/' || o.provider || ' ' || o.status || ' ' || (o.recipient->>'id') FROM outbox o "
                        "JOIN messages m ON m.id = o.message_id WHERE m.conversation_id = '" + id + "'"),
            "chat/telegram pending 4242");
}

TEST_F(StaffApiTest, CasesAreFoundByNumberOrNameAndExportedAsCsv) {
  HttpsClient c("127.0.0.1", suite_->gateway().port());
  const json body = {{"message_id", "csv-1"}, {"sender", {{"id", "u-csv"}, {"name", "=HYPERLINK(\"x\"),陈"}}},
                     {"text", "水泵漏水，要求退货"}};
  const auto filed = c.post("/webhooks/chat/generic", body.dump(), {{"Content-Type", "application/json"}});
  ASSERT_EQ(filed.status, 200) << filed.body;
  const std::string number = filed.json()["case"]["number"];

  const auto by_name = call("GET", "/api/v1/cases?q=hyperlink", supervisor_);
  ASSERT_EQ(by_name.status, 200) << by_name.body;
  ASSERT_EQ(by_name.json()["cases"].size(), 1u) << by_name.body;
  EXPECT_EQ(by_name.json()["cases"][0]["number"], number);
  EXPECT_EQ(call("GET", "/api/v1/cases?q=" + number, supervisor_).json()["cases"].size(), 1u);
  EXPECT_EQ(call("GET", "/api/v1/cases?q=%25", supervisor_).json()["cases"].size(), 0u) << "% is a character, not a wildcard";

  const auto csv = call("GET", "/api/v1/cases?q=hyperlink&format=csv", supervisor_);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.headers.at("content-type"), "text/csv; charset=utf-8");
  EXPECT_NE(csv.headers.at("content-disposition").find("cases.csv"), std::string::npos);
  ASSERT_EQ(csv.body.rfind("\xEF\xBB\xBFnumber,status,category,", 0), 0u) << csv.body;
  const std::string row = csv.body.substr(csv.body.find("\r\n") + 2);
  EXPECT_EQ(row.rfind(number + ",new,product_quality,", 0), 0u) << row;
  // Quoted as RFC 4180 says, and not a formula a spreadsheet would run.
  EXPECT_NE(row.find(",\"'=HYPERLINK(\"\"x\"\"),陈\","), std::string::npos) << row;
  expect_error(call("GET", "/api/v1/cases?format=xml", supervisor_), 400, "invalid_query");
}

// ---- the console's sessions ------------------------------------------------------------

TEST_F(StaffApiTest, ASignedInBrowserUsesItsCookieAndCsrfTokenAndCanSignOut) {
  // Signing in with the token: the cookie is HttpOnly, Secure and SameSite=Strict.
  const auto signed_in = request("POST", "/api/v1/session", {{"Content-Type", "application/json"}},
                                 json{{"token", agent_.token}}.dump());
  ASSERT_EQ(signed_in.status, 201) << signed_in.body;
  const std::string set_cookie = signed_in.headers.at("set-cookie");
  for (const char* attribute : {"HttpOnly", "Secure", "SameSite=Strict", "Path=/"})
    EXPECT_NE(set_cookie.find(attribute), std::string::npos) << set_cookie;
  ASSERT_EQ(set_cookie.rfind("intake_session=", 0), 0u) << set_cookie;
  const std::string value = set_cookie.substr(15, set_cookie.find(';') - 15);
  const std::string cookie = "intake_session=" + value;
  const std::string csrf = signed_in.json()["csrf"];
  EXPECT_EQ(signed_in.json()["staff"]["id"], agent_.id);
  // The database keeps the cookie's digest only.
  EXPECT_EQ(suite_->db().scalar("SELECT count(*) FROM staff_sessions WHERE digest = sha256('" + value + "'::bytea)"), "1");
  EXPECT_EQ(suite_->db().scalar("SELECT count(*) FROM staff_sessions WHERE position('" + value.substr(0, 16) +
                                "' IN encode(digest, 'hex')) > 0 OR csrf = '" + value + "'"),
            "0");

  // Reads need the cookie alone; a change also needs the CSRF token.
  const auto me = request("GET", "/api/v1/me", {{"Cookie", "theme=dark; " + cookie}}, "");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["name"], "王芳");
  const std::string id = conversation_of(chat("u-console", "转人工"));
  const std::string takeover = "/api/v1/conversations/" + id + "/takeover";
  expect_error(request("POST", takeover, {{"Cookie", cookie}}, "{}"), 403, "csrf");
  expect_error(request("POST", takeover, {{"Cookie", cookie}, {"X-CSRF-Token", csrf + "0"}}, "{}"), 403, "csrf");
  EXPECT_EQ(suite_->db().scalar("SELECT handled_by FROM conversations WHERE id = '" + id + "'"), "bot");
  const auto taken = request("POST", takeover, {{"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Content-Type", "application/json"}}, "{}");
  ASSERT_EQ(taken.status, 200) << taken.body;
  EXPECT_EQ(taken.json()["assignee"]["id"], agent_.id);

  // A reloaded page gets the CSRF token back from its session.
  const auto again = request("GET", "/api/v1/session", {{"Cookie", cookie}}, "");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["csrf"], csrf);

  // Signing out needs the CSRF token too; afterwards the cookie is worth nothing.
  expect_error(request("DELETE", "/api/v1/session", {{"Cookie", cookie}}, ""), 403, "csrf");
  const auto out = request("DELETE", "/api/v1/session", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}, "");
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_NE(out.headers.at("set-cookie").find("Max-Age=0"), std::string::npos);
  expect_error(request("GET", "/api/v1/me", {{"Cookie", cookie}}, ""), 401, "unauthorized");
}

TEST_F(StaffApiTest, SessionsEndWhenIdleTooOldOrTheAccountIsRevoked) {
  auto sign_in = [](const Account& who) {
    const auto r = request("POST", "/api/v1/session", {{"Content-Type", "application/json"}}, json{{"token", who.token}}.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    const std::string set_cookie = r.headers.at("set-cookie");
    return set_cookie.substr(0, set_cookie.find(';'));
  };
  auto me = [](const std::string& cookie) { return request("GET", "/api/v1/me", {{"Cookie", cookie}}, "").status; };
  const std::string idle = sign_in(supervisor_), old = sign_in(supervisor_);
  ASSERT_EQ(me(idle), 200);
  auto digest_of = [](const std::string& cookie) { return "sha256('" + cookie.substr(15) + "'::bytea)"; };
  // 31 minutes without a request (the default idle limit is 30).
  suite_->db().scalar("UPDATE staff_sessions SET last_seen_at = now() - interval '31 minutes' WHERE digest = " +
                      digest_of(idle) + " RETURNING 1");
  EXPECT_EQ(me(idle), 401);
  // Busy, but signed in 13 hours ago (the default lifetime is 12).
  suite_->db().scalar("UPDATE staff_sessions SET created_at = now() - interval '13 hours' WHERE digest = " +
                      digest_of(old) + " RETURNING 1");
  EXPECT_EQ(me(old), 401);

  // A revoked account's sessions end with it.
  const Account leaving = add_staff("临时工", "agent");
  const std::string cookie = sign_in(leaving);
  ASSERT_EQ(me(cookie), 200);
  ASSERT_EQ(intakectl("staff revoke " + std::to_string(leaving.id)).exit_code, 0);
  EXPECT_EQ(me(cookie), 401);

  // A wrong token signs nobody in.
  const auto refused = request("POST", "/api/v1/session", {{"Content-Type", "application/json"}}, R"({"token": "ist_nope"})");
  expect_error(refused, 401, "unauthorized");
  EXPECT_EQ(refused.headers.count("set-cookie"), 0u);
  expect_error(request("POST", "/api/v1/session", {{"Content-Type", "application/json"}}, R"({"name": "x"})"), 400,
               "invalid_field");
  EXPECT_EQ(request("PUT", "/api/v1/session", {}, "").status, 405);
}

TEST_F(StaffApiTest, TheConsoleSocketTellsSignedInPagesWhatChangesInTheQueue) {
  const unsigned short port = suite_->gateway().port();
  const std::string origin = "https://127.0.0.1:" + std::to_string(port);
  // Without a session, or from another site's page: closed at once with 1008 (policy).
  testing::WebSocketClient anonymous("127.0.0.1", port, "/console/ws", std::chrono::seconds(15), {{"Origin", origin}});
  EXPECT_EQ(anonymous.wait_closed(std::chrono::seconds(10)), 1008);
  const auto signed_in = request("POST", "/api/v1/session", {{"Content-Type", "application/json"}},
                                 json{{"token", agent_.token}}.dump());
  ASSERT_EQ(signed_in.status, 201) << signed_in.body;
  const std::string set_cookie = signed_in.headers.at("set-cookie"), cookie = set_cookie.substr(0, set_cookie.find(';'));
  testing::WebSocketClient foreign("127.0.0.1", port, "/console/ws", std::chrono::seconds(15),
                                   {{"Cookie", cookie}, {"Origin", "https://elsewhere.example"}});
  EXPECT_EQ(foreign.wait_closed(std::chrono::seconds(10)), 1008);

  testing::WebSocketClient page("127.0.0.1", port, "/console/ws", std::chrono::seconds(15),
                                {{"Cookie", cookie}, {"Origin", origin}});
  const json hello = page.receive_json();
  EXPECT_EQ(hello["type"], "hello");
  EXPECT_EQ(hello["staff"]["id"], agent_.id);
  // The frames until the one about `id` (other changes may be announced in between).
  auto announced = [&page](const std::string& id) {
    for (int i = 0; i < 20; ++i) {
      const json frame = page.receive_json();
      EXPECT_EQ(frame["type"], "queue") << frame;
      if (frame["conversation"] == id) return true;
    }
    return false;
  };
  // A customer asks for a person: the conversation is flagged, and the page hears of it.
  const std::string id = conversation_of(chat("u-live-queue", "我要人工客服"));
  ASSERT_EQ(suite_->db().scalar("SELECT flagged FROM conversations WHERE id = '" + id + "'"), "t");
  EXPECT_TRUE(announced(id));
  // Another agent takes it over: heard again.
  ASSERT_EQ(call("POST", "/api/v1/conversations/" + id + "/takeover", other_agent_, "{}").status, 200);
  EXPECT_TRUE(announced(id));
  page.close();
}

// ---- who may do what ----------------------------------------------------------------

TEST_F(StaffApiTest, RoleByEndpointMatrix) {
  const Account manager = add_staff("经理", "manager"), admin = add_staff("管理员", "admin");
  const Account nobody{0, "ist_not-a-token"};
  // A case and a conversation owned by the other agent, and an unassigned case.
  const json owned = chat("u-matrix-owned", "冰箱坏了，转人工");
  const std::string owned_case = owned["case"]["number"], owned_conversation = conversation_of(owned);
  ASSERT_EQ(call("POST", "/api/v1/conversations/" + owned_conversation + "/takeover", other_agent_, "{}").status, 200);
  ASSERT_EQ(call("PATCH", "/api/v1/cases/" + owned_case, other_agent_, json{{"assignee", other_agent_.id}}.dump()).status,
            200);
  const std::string open_case = chat("u-matrix-open", "快递太慢了")["case"]["number"];

  struct Row {
    std::string method, target;
    std::vector<unsigned> expected;  // nobody, agent, supervisor, manager, admin
  };
  const std::vector<Row> matrix = {
      {"GET", "/api/v1/me", {401, 200, 200, 200, 200}},
      {"GET", "/api/v1/cases", {401, 200, 200, 200, 200}},
      {"GET", "/api/v1/cases/" + open_case, {401, 200, 200, 200, 200}},
      {"GET", "/api/v1/cases/" + owned_case, {401, 404, 200, 200, 200}},
      {"GET", "/api/v1/conversations", {401, 200, 200, 200, 200}},
      {"GET", "/api/v1/conversations/" + owned_conversation, {401, 404, 200, 200, 200}},
      // The loser of a takeover race learns it lost, even an agent.
      {"POST", "/api/v1/conversations/" + owned_conversation + "/takeover", {401, 409, 409, 409, 409}},
      {"POST", "/api/v1/conversations/" + owned_conversation + "/messages", {401, 404, 409, 409, 409}},
      {"GET", "/api/v1/reports/kpi", {401, 403, 200, 200, 200}},
  };
  const std::vector<const Account*> callers = {&nobody, &agent_, &supervisor_, &manager, &admin};
  for (const Row& row : matrix)
    for (std::size_t i = 0; i < callers.size(); ++i) {
      const auto r = call(row.method, row.target, *callers[i], row.method == "POST" ? R"({"text": "x"})" : "");
      EXPECT_EQ(r.status, row.expected[i]) << row.method << " " << row.target << " as caller " << i << ": " << r.body;
      if (r.status >= 400) {
        EXPECT_TRUE(r.json().contains("error")) << r.body;
      }
    }
  // And the release: another agent may not, a supervisor may.
  expect_error(call("POST", "/api/v1/conversations/" + owned_conversation + "/release", agent_, "{}"), 404, "not_found");
  EXPECT_EQ(call("POST", "/api/v1/conversations/" + owned_conversation + "/release", supervisor_, "{}").status, 200);
}

// ---- merging duplicates and the compensation path ----------------------------------

TEST_F(StaffApiTest, ADuplicateIsMergedAndItsNumberRedirects) {
  // The same customer writes twice about one fault; staff made a second case of it.
  const std::string kept = file_complaint("u-merge", "冰箱不制冷了");
  const std::string duplicate = file_complaint("u-merge-2", "冰箱还是不制冷");
  suite_->db().scalar("UPDATE cases SET customer_id = (SELECT customer_id FROM cases WHERE number = '" + kept +
                      "') WHERE number = '" + duplicate + "'");
  const std::string moved_messages =
      suite_->db().scalar("SELECT count(*) FROM messages WHERE case_id = (SELECT id FROM cases WHERE number = '" +
                          duplicate + "')");
  ASSERT_NE(moved_messages, "0");
  const std::string before = suite_->db().scalar("SELECT count(*) FROM messages WHERE case_id = (SELECT id FROM cases "
                                                 "WHERE number = '" + kept + "')");

  expect_error(call("POST", "/api/v1/cases/" + duplicate + "/merge", agent_, json{{"into", kept}}.dump()), 403,
               "forbidden");
  const auto merged = call("POST", "/api/v1/cases/" + duplicate + "/merge", supervisor_, json{{"into", kept}}.dump());
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(merged.json()["number"], kept);
  EXPECT_EQ(merged.json()["events"].back()["kind"], "merged");
  EXPECT_EQ(merged.json()["events"].back()["after"]["merged"], duplicate);
  EXPECT_EQ(suite_->db().scalar("SELECT count(*) FROM messages WHERE case_id = (SELECT id FROM cases WHERE number = '" +
                                kept + "')"),
            std::to_string(std::stoi(before) + std::stoi(moved_messages)));
  EXPECT_EQ(suite_->db().scalar("SELECT count(*) FROM case_events WHERE case_id = (SELECT id FROM cases WHERE number = '" +
                                duplicate + "')"),
            "0");
  // The old number redirects; it cannot be changed or merged again.
  const auto old = call("GET", "/api/v1/cases/" + duplicate, supervisor_);
  EXPECT_EQ(old.status, 308) << old.body;
  EXPECT_EQ(old.headers.at("location"), "/api/v1/cases/" + kept);
  EXPECT_EQ(old.json()["error"]["code"], "merged");
  expect_error(call("PATCH", "/api/v1/cases/" + duplicate, supervisor_, R"({"status": "reopened"})"), 409, "conflict");
  expect_error(call("POST", "/api/v1/cases/" + duplicate + "/merge", supervisor_, json{{"into", kept}}.dump()), 409,
               "conflict");
  // Not duplicates: another customer's case, the case itself, a case that does not exist.
  const std::string stranger = file_complaint("u-merge-stranger", "快递太慢了");
  expect_error(call("POST", "/api/v1/cases/" + stranger + "/merge", supervisor_, json{{"into", kept}}.dump()), 409,
               "conflict");
  expect_error(call("POST", "/api/v1/cases/" + kept + "/merge", supervisor_, json{{"into", kept}}.dump()), 409,
               "conflict");
  expect_error(call("POST", "/api/v1/cases/" + kept + "/merge", supervisor_, R"({"into": "ST-20990101-0001"})"), 404,
               "not_found");
  expect_error(call("POST", "/api/v1/cases/" + kept + "/merge", supervisor_, R"({"into": 5})"), 400, "invalid_field");
}

TEST_F(StaffApiTest, TheCompensationPathGoesStepByStep) {
  const std::string number = file_complaint("u-comp", "胶水不粘，损失了一批货，要求赔偿");
  const std::string path = "/api/v1/cases/" + number + "/compensation";
  expect_error(call("POST", path, supervisor_, R"({"step": "paid"})"), 409, "conflict");  // nothing applied yet
  auto step = [&](const Account& who, const json& body) { return call("POST", path, who, body.dump()); };
  ASSERT_EQ(step(agent_, {{"step", "applied"}, {"amount", 1200}, {"note", "客户申请赔偿一批货"}}).status, 200);
  ASSERT_EQ(step(agent_, {{"step", "reviewed"}, {"note", "专员已审核"}}).status, 200);
  expect_error(step(agent_, {{"step", "reviewed"}}), 409, "conflict");  // not twice
  ASSERT_EQ(step(agent_, {{"step", "confirmed"}, {"amount", 1000}, {"note", "工程师确认"}}).status, 200);
  expect_error(step(agent_, {{"step", "paid"}}), 403, "forbidden");  // money needs a supervisor
  const auto paid = step(supervisor_, {{"step", "paid"}});
  ASSERT_EQ(paid.status, 200) << paid.body;
  EXPECT_EQ(paid.json()["compensation"], (json{{"step", "paid"}, {"amount", 1000}, {"currency", "CNY"}}));
  std::vector<std::string> steps;
  const json events = paid.json()["events"];
  for (const auto& e : events)
    if (e["kind"] == "compensation_step") steps.push_back(e["after"]["step"]);
  EXPECT_EQ(steps, (std::vector<std::string>{"applied", "reviewed", "confirmed", "paid"}));
  expect_error(step(supervisor_, {{"step", "rejected"}}), 409, "conflict");  // the path has ended
  for (const json& bad : {json{{"step", "refunded"}}, json{{"amount", 5}}, json{{"step", "applied"}, {"amount", -1}},
                          json{{"step", "applied"}, {"colour", "red"}}})
    EXPECT_EQ(step(supervisor_, bad).status, 400) << bad.dump();
}

// ---- the 回访 after resolution ----------------------------------------------------

TEST_F(StaffApiTest, ResolvingACaseAsksTheCustomerForARatingWhichLandsOnTheCase) {
  const std::string sender = "u-rating";
  const json filed = chat(sender, "冰箱不制冷了");
  const std::string number = filed["case"]["number"], id = conversation_of(filed);
  const std::string path = "/api/v1/cases/" + number;
  ASSERT_EQ(call("PATCH", path, supervisor_, R"({"status": "in_progress"})").status, 200);
  ASSERT_EQ(call("PATCH", path, supervisor_, R"({"status": "resolved"})").status, 200);
  // The question went to the customer, in the bot's name, on the resolved case.
  const std::string question = suite_->db().scalar(
      "SELECT m.text FROM messages m JOIN cases k ON k.id = m.case_id WHERE k.number = '" + number +
      "' AND m.author = 'bot' ORDER BY m.id DESC LIMIT 1");
  EXPECT_NE(question.find(number), std::string::npos) << question;
  EXPECT_NE(question.find("1-5"), std::string::npos) << question;
  EXPECT_EQ(suite_->db().scalar("SELECT dialog->>'awaiting' || ' ' || (dialog->>'awaiting_case') FROM conversations "
                                "WHERE id = '" + id + "'"),
            "rating " + number);
  EXPECT_EQ(suite_->db().scalar("SELECT count(*) FROM case_events e JOIN cases k ON k.id = e.case_id WHERE k.number = '" +
                                number + "' AND e.kind = 'satisfaction_requested'"),
            "1");
  // Resolving again changes nothing and asks nothing again.
  ASSERT_EQ(call("PATCH", path, supervisor_, R"({"status": "resolved"})").status, 200);
  EXPECT_EQ(suite_->db().scalar("SELECT count(*) FROM case_events e JOIN cases k ON k.id = e.case_id WHERE k.number = '" +
                                number + "' AND e.kind = 'satisfaction_requested'"),
            "1");
  // The customer answers; the rating is stored on the case.
  chat(sender, "5分，师傅很专业");
  const json c = call("GET", path, supervisor_).json();
  EXPECT_EQ(c["satisfaction"]["rating"], 5) << c.dump();
  EXPECT_EQ(c["status"], "resolved");
}

// ---- the OpenAPI description matches the routes ---------------------------------------

TEST_F(StaffApiTest, EveryRouteOfTheOpenApiFileIsServed) {
  std::ifstream file(std::string(INTAKE_SOURCE_DIR) + "/gateway/openapi.json");
  const json spec = json::parse(file, nullptr, false);
  ASSERT_TRUE(spec.is_object() && spec["paths"].is_object()) << "gateway/openapi.json is not valid JSON";
  const json filed = chat("u-openapi", "冰箱坏了");
  const std::string number = filed["case"]["number"], id = conversation_of(filed);
  int checked = 0;
  for (const auto& [pattern, operations] : spec["paths"].items()) {
    std::string target = pattern;
    if (auto at = target.find("{number}"); at != std::string::npos) target.replace(at, 8, number);
    if (auto at = target.find("{id}"); at != std::string::npos) target.replace(at, 4, id);
    if (auto at = target.find("{version}"); at != std::string::npos) target.replace(at, 9, "1");
    for (const auto& [method, operation] : operations.items()) {
      if (method == "parameters") continue;
      std::string verb = method;
      for (char& ch : verb) ch = static_cast<char>(ch - 'a' + 'A');
      const auto r = call(verb, target, supervisor_, verb == "GET" ? "" : "{}");
      // Served: whatever the answer to an empty body, not "no such route" and not "method not allowed".
      EXPECT_NE(r.status, 405) << verb << " " << pattern << ": " << r.body;
      EXPECT_EQ(r.body.find("no such route"), std::string::npos) << verb << " " << pattern << ": " << r.body;
      EXPECT_TRUE(operation["responses"].contains(std::to_string(r.status)))
          << verb << " " << pattern << " answered " << r.status << ", which the file does not list: " << r.body;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 21);  // every operation the README lists
}

}  // namespace
}  // namespace intake
