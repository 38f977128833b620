// Rule pack versions through the staff API (/api/v1/rules), the real binaries, TLS and
// PostgreSQL: a bad pack refused naming its JSON pointer and RE2's words, a good one
// stored but not in force, a dry run under either version with the matched spans, the
// activation reaching the webhooks, a rollback, and everything recorded with who.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>

#include "eventually.hpp"
#include "https_client.hpp"
#include "run_command.hpp"
#include "suite_gateway.hpp"

namespace intake {
namespace {

using nlohmann::json;
using testing::HttpResult;
using testing::HttpsClient;

class RulesApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    suite_ = new testing::SuiteGateway("intake-e2e-rules-api", {{"channels", {{"chat/generic", {{"allow_unsigned", true}}}}}});
    manager_ = new std::string(add_staff("钱经理", "manager"));
    supervisor_ = new std::string(add_staff("张主管", "supervisor"));
  }
  static void TearDownTestSuite() {
    delete suite_;
    delete manager_;
    delete supervisor_;
    suite_ = nullptr;
  }
  void TearDown() override {
    if (HasFailure() && suite_) std::cerr << "gateway log:\n" << suite_->gateway().log() << "\n";
  }

  static std::string add_staff(const std::string& name, const std::string& role) {
    const auto r = testing::run_command(std::string(INTAKECTL_BINARY) + " --config '" +
                                        (suite_->dir().path() / "gateway.json").string() + "' --database '" +
                                        suite_->db().conninfo() + "' staff add --name '" + name + "' --role " + role);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return json::parse(r.output)["token"].get<std::string>();
  }
  static HttpResult call(const std::string& method, const std::string& target, const std::string& token,
                         const json& body = nullptr) {
    HttpsClient c("127.0.0.1", suite_->port());
    const std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + token},
                                                        {"Content-Type", "application/json"}};
    if (method == "GET") return c.get(target, headers);
    return c.post(target, body.is_null() ? std::string("{}") : body.dump(), headers);
  }
  static json shipped_pack() {
    std::ifstream in(std::string(INTAKE_SOURCE_DIR) + "/config/rules/default.json");
    return json::parse(in, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  }
  static json greet(const std::string& id) {
    HttpsClient c("127.0.0.1", suite_->port());
    const json body = {{"message_id", id}, {"sender", {{"id", "u-" + id}}}, {"text", "你好"}};
    const auto r = c.post("/webhooks/chat/generic", body.dump(), {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  static int version_in_force() {
    HttpsClient c("127.0.0.1", suite_->port());
    return c.get("/readyz").json()["checks"]["rule_version"].get<int>();
  }

  static testing::SuiteGateway* suite_;
  static std::string* manager_;
  static std::string* supervisor_;
};
testing::SuiteGateway* RulesApiTest::suite_ = nullptr;
std::string* RulesApiTest::manager_ = nullptr;
std::string* RulesApiTest::supervisor_ = nullptr;

TEST_F(RulesApiTest, OnlyManagersAndAdminsReachTheRules) {
  EXPECT_EQ(call("GET", "/api/v1/rules", *supervisor_).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/rules/dry-run", *supervisor_, {{"text", "你好"}}).status, 403);
  EXPECT_EQ(call("GET", "/api/v1/rules", "ist_not-a-token").status, 401);
  EXPECT_EQ(call("GET", "/api/v1/rules/1/activate", *manager_).status, 405);
  EXPECT_EQ(call("GET", "/api/v1/rules/x", *manager_).status, 404);
}

TEST_F(RulesApiTest, AVersionIsCheckedStoredTriedActivatedAndRolledBack) {
  // The gateway took its rule file in as version 1, in force.
  const auto listed = call("GET", "/api/v1/rules", *manager_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json()["active"], 1);
  EXPECT_TRUE(listed.json()["versions"][0]["from_file"].get<bool>());
  const std::string before = greet("r-1")["reply"]["text"];

  // A broken pattern: refused with the pointer and RE2's own words; nothing stored.
  json broken = shipped_pack();
  broken["rules"][0]["pattern"] = "(unclosed";
  const auto refused = call("POST", "/api/v1/rules", *manager_, {{"pack", broken}});
  EXPECT_EQ(refused.status, 400) << refused.body;
  const std::string why = refused.json()["error"]["message"];
  EXPECT_NE(why.find("/rules/0/pattern"), std::string::npos) << why;
  EXPECT_NE(why.find("missing )"), std::string::npos) << why;
  EXPECT_EQ(suite_->db().scalar("SELECT count(*) FROM rule_versions"), "1");

  // A new greeting: stored as version 2, not yet in force.
  json pack = shipped_pack();
  pack["version"] = "greeting-2";
  pack["templates"]["greeting"]["zh-Hans"] = "您好，这里是新版本的问候。";
  const auto added = call("POST", "/api/v1/rules", *manager_, {{"pack", pack}, {"note", "新的问候语"}});
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(added.json()["id"], 2);
  EXPECT_FALSE(added.json()["active"].get<bool>());
  EXPECT_EQ(added.json()["created_by"]["name"], "钱经理");
  EXPECT_EQ(greet("r-2")["reply"]["text"], before);

  // The dry run shows either version's decision; the matched words come with it.
  const auto tried = call("POST", "/api/v1/rules/dry-run", *manager_, {{"text", "你好"}, {"version", 2}});
  ASSERT_EQ(tried.status, 200) << tried.body;
  EXPECT_EQ(tried.json()["decision"]["reply"], "您好，这里是新版本的问候。");
  EXPECT_EQ(tried.json()["version"]["label"].get<std::string>().rfind("greeting-2+", 0), 0u);
  const auto current = call("POST", "/api/v1/rules/dry-run", *manager_, {{"text", "你好"}});
  EXPECT_EQ(current.json()["decision"]["reply"], before);
  const auto explained = call("POST", "/api/v1/rules/dry-run", *manager_, {{"text", "水泵漏水，质量太差了"}});
  ASSERT_EQ(explained.status, 200) << explained.body;
  bool matched = false;
  const json explanation = explained.json();  // kept: a range-for over a temporary's member dangles
  for (const json& hit : explanation["classification"]["rules"]) {
    const auto span = hit["span"];
    EXPECT_EQ(hit["matched"], explanation["normalized"].get<std::string>().substr(span[0], span[1].get<std::size_t>() - span[0].get<std::size_t>()));
    matched = matched || hit["matched"] == "漏水";
  }
  EXPECT_TRUE(matched) << explained.body;
  EXPECT_EQ(call("POST", "/api/v1/rules/dry-run", *manager_, {{"text", "你好"}, {"version", 99}}).status, 404);
  EXPECT_EQ(call("POST", "/api/v1/rules/dry-run", *manager_, {{"words", "你好"}}).status, 400);

  // Activated: the webhooks answer with it at once (this instance hears its own NOTIFY).
  const auto activated = call("POST", "/api/v1/rules/2/activate", *manager_);
  ASSERT_EQ(activated.status, 200) << activated.body;
  EXPECT_TRUE(activated.json()["active"].get<bool>());
  ASSERT_TRUE(testing::eventually([] { return version_in_force() == 2; }));
  const json after = greet("r-3");
  EXPECT_EQ(after["reply"]["text"], "您好，这里是新版本的问候。");
  EXPECT_EQ(suite_->db().scalar("SELECT split_part(classification->>'pack_version', '+', 1) FROM messages "
                                "WHERE external_id = 'r-3'"),
            "greeting-2");

  // Rolled back: version 1 again, and the history says who did what.
  ASSERT_EQ(call("POST", "/api/v1/rules/1/activate", *manager_).status, 200);
  ASSERT_TRUE(testing::eventually([] { return version_in_force() == 1; }));
  EXPECT_EQ(greet("r-4")["reply"]["text"], before);
  const json history = call("GET", "/api/v1/rules", *manager_).json();
  EXPECT_EQ(history["active"], 1);
  const json& first = history["versions"][1];
  ASSERT_EQ(first["activations"].size(), 2u) << history;
  EXPECT_TRUE(first["activations"][0]["by"].is_null());  // the gateway, from its file
  EXPECT_EQ(first["activations"][1]["by"]["name"], "钱经理");
  EXPECT_EQ(call("POST", "/api/v1/rules/7/activate", *manager_).status, 404);
  const auto one = call("GET", "/api/v1/rules/2", *manager_);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(json::parse(one.json()["pack"].get<std::string>())["version"], "greeting-2");
}

TEST_F(RulesApiTest, ARegressionShowsWhatAVersionWouldChangeOnTheCorpusAndOnRecentCases) {
  // A customer's leak, filed under the rules in force: product quality, normal.
  HttpsClient c("127.0.0.1", suite_->port());
  const json complaint = {{"message_id", "leak-1"}, {"sender", {{"id", "u-leak"}}}, {"text", "水泵漏水，请尽快处理"}};
  ASSERT_EQ(c.post("/webhooks/chat/generic", complaint.dump(), {{"Content-Type", "application/json"}}).status, 200);
  const std::string message_id = suite_->db().scalar("SELECT id FROM messages WHERE external_id = 'leak-1'");

  // A version that makes every leak major.
  json pack = shipped_pack();
  pack["version"] = "leaks-are-major";
  pack["rules"].push_back({{"id", "test.leak_major"}, {"target", "severity:major"}, {"pattern", "漏水"}});
  const auto added = call("POST", "/api/v1/rules", *manager_, {{"pack", pack}});
  ASSERT_EQ(added.status, 201) << added.body;
  const int id = added.json()["id"];

  const auto judged = call("POST", "/api/v1/rules/" + std::to_string(id) + "/regress", *manager_, {{"days", 1}});
  ASSERT_EQ(judged.status, 200) << judged.body;
  const json r = judged.json();
  EXPECT_EQ(r["version"], id);
  EXPECT_EQ(r["baseline"], version_in_force());
  // The project corpus: both packs scored, and each change is a leak made major.
  EXPECT_EQ(r["corpus"]["file"], "regression.jsonl");
  EXPECT_EQ(r["corpus"]["candidate"]["count"], r["corpus"]["baseline"]["count"]);
  EXPECT_GT(r["corpus"]["candidate"]["count"].get<int>(), 200);
  ASSERT_FALSE(r["corpus"]["changed"].empty()) << judged.body;
  for (const json& change : r["corpus"]["changed"]) {
    EXPECT_NE(change["text"].get<std::string>().find("漏"), std::string::npos) << change;
    EXPECT_NE(change["after"].get<std::string>().find("/major"), std::string::npos) << change;
  }
  // The recent cases: the customer's message, labelled by its case, would change too.
  bool found = false;
  for (const json& change : r["recent"]["changed"])
    if (change["id"] == "message:" + message_id) {
      found = true;
      EXPECT_EQ(change["before"], "product_quality/normal");
      EXPECT_EQ(change["after"], "product_quality/major");
    }
  EXPECT_TRUE(found) << judged.body;
  EXPECT_EQ(r["recent"]["days"], 1);
  EXPECT_EQ(suite_->db().scalar("SELECT count(*) FROM access_log WHERE action = 'rules_regress'"), "1");

  EXPECT_EQ(call("POST", "/api/v1/rules/" + std::to_string(id) + "/regress", *manager_, {{"days", 0}}).status, 400);
  EXPECT_EQ(call("POST", "/api/v1/rules/99/regress", *manager_).status, 404);
  EXPECT_EQ(call("POST", "/api/v1/rules/" + std::to_string(id) + "/regress", *supervisor_).status, 403);
}

}  // namespace
}  // namespace intake
