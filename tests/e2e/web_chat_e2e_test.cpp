// The web chat (/chat, /chat/ws) through the real gateway binary, real TLS and a real
// PostgreSQL: the page is served with a strict Content-Security-Policy; a customer's
// message is filed once however often it is resent and acknowledged after the commit;
// every message reaches every page of the customer exactly once, in order, also across
// reconnects; bad frames get clear errors; a shutdown tells open pages to come back.
#include <gtest/gtest.h>
#include <signal.h>

#include <deque>
#include <iostream>
#include <optional>
#include <set>

#include "https_client.hpp"
#include "test_database.hpp"
#include "suite_gateway.hpp"
#include "test_gateway.hpp"
#include "websocket_client.hpp"

namespace intake {
namespace {

using nlohmann::json;
using testing::HttpsClient;
using testing::ServerProcess;
using testing::TempDir;
using testing::TestDatabase;
using testing::WebSocketClient;

const std::string kChatSecret = "e2e-web-chat-key-0123456789abcdef";
const std::string kLeak = "漏水了，订单号 2026112301，请尽快处理";

// A page's side of the protocol. "messages" frames may come before or after the answer
// to what the page sent (the push and the answer travel separately), so their entries
// are kept aside until asked for.
class Page {
 public:
  explicit Page(unsigned short port) : ws_("127.0.0.1", port, "/chat/ws") {}
  void send_json(const json& frame) { ws_.send_json(frame); }
  void send(const std::string& text) { ws_.send(text); }
  void send_binary(const std::string& bytes) { ws_.send_binary(bytes); }
  // The next frame that is not "messages".
  json reply() {
    for (;;) {
      json frame = ws_.receive_json();
      if (frame["type"] != "messages") return frame;
      for (auto& m : frame["messages"]) entries_.push_back(m);
    }
  }
  // The next `count` messages, in the order they were sent.
  std::vector<json> messages(std::size_t count) {
    while (entries_.size() < count) {
      json frame = ws_.receive_json();
      if (frame["type"] != "messages") {
        ADD_FAILURE() << "unexpected frame " << frame.dump();
        continue;
      }
      for (auto& m : frame["messages"]) entries_.push_back(m);
    }
    std::vector<json> taken(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(count));
    entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(count));
    return taken;
  }
  // Says hello and returns the welcome.
  json greet(const json& token, std::int64_t after) {
    send_json({{"type", "hello"}, {"token", token}, {"after", after}});
    json welcome = reply();
    EXPECT_EQ(welcome["type"], "welcome") << welcome.dump();
    return welcome;
  }
  json send_message(const std::string& id, const std::string& text) {
    send_json({{"type", "message"}, {"id", id}, {"text", text}});
    return reply();
  }
  std::optional<int> wait_closed(std::chrono::seconds within) { return ws_.wait_closed(within); }
  void close() { ws_.close(); }

 private:
  WebSocketClient ws_;
  std::deque<json> entries_;
};

class WebChatTest : public ::testing::Test {
 protected:
  static testing::SuiteGateway* suite_;
  static void SetUpTestSuite() {
    suite_ = new testing::SuiteGateway("intake-e2e-webchat", {{"case_number_prefix", "WEB"}},
                                       {{"INTAKE_CHAT_WEB_SECRET", kChatSecret}});
  }
  static void TearDownTestSuite() {
    delete suite_;
    suite_ = nullptr;
  }

  void TearDown() override {
    if (HasFailure()) std::cerr << "gateway log:\n" << suite_->gateway().log() << "\n";
  }

  static std::unique_ptr<Page> open() { return std::make_unique<Page>(suite_->gateway().port()); }

};
testing::SuiteGateway* WebChatTest::suite_ = nullptr;

TEST_F(WebChatTest, ThePageAndItsAssetsAreServedWithAStrictContentSecurityPolicy) {
  HttpsClient http("127.0.0.1", suite_->gateway().port());
  auto page = http.get("/chat");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_NE(page.headers["content-security-policy"].find("default-src 'none'"), std::string::npos);
  EXPECT_NE(page.headers["content-security-policy"].find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(page.headers["content-security-policy"].find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(page.headers["x-content-type-options"], "nosniff");
  EXPECT_NE(page.body.find("/assets/chat.js"), std::string::npos);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos) << "no inline script: the CSP would refuse it";

  auto script = http.get("/assets/chat.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_NE(script.body.find("/chat/ws"), std::string::npos);
  ASSERT_FALSE(script.headers["etag"].empty());

  EXPECT_EQ(http.get("/assets/chat.html").status, 404) << "pages only at their own path";
  EXPECT_EQ(http.get("/assets/nothing.js").status, 404);
  auto plain = http.get("/chat/ws");
  EXPECT_EQ(plain.status, 426);
  EXPECT_EQ(plain.json()["error"]["code"], "upgrade_required");
}

TEST_F(WebChatTest, AnUnchangedAssetIsRevalidatedWithoutItsBody) {
  HttpsClient http("127.0.0.1", suite_->gateway().port());
  auto first = http.get("/assets/chat.css");
  ASSERT_EQ(first.status, 200);
  ASSERT_FALSE(first.body.empty());
  auto unchanged = http.get("/assets/chat.css", {{"If-None-Match", first.headers["etag"]}});
  EXPECT_EQ(unchanged.status, 304);
  EXPECT_TRUE(unchanged.body.empty());
  auto other = http.get("/assets/chat.css", {{"If-None-Match", "\"stale\""}});
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.body, first.body);
  auto posted = http.post("/assets/chat.css", "", {});  // only GET and HEAD
  EXPECT_EQ(posted.status, 405);
  EXPECT_EQ(posted.headers["allow"], "GET, HEAD");
}

TEST_F(WebChatTest, AMessageIsFiledOnceAndEveryMessageIsDeliveredOnceAcrossReconnects) {
  auto ws = open();
  json welcome = ws->greet(nullptr, 0);
  const std::string customer = welcome["customer"];
  const std::string token = welcome["token"];
  ASSERT_EQ(customer.size(), 34u);

  json ack = ws->send_message("m1", kLeak);
  ASSERT_EQ(ack["type"], "ack") << ack.dump();
  EXPECT_EQ(ack["id"], "m1");
  EXPECT_EQ(ack["duplicate"], false);
  const std::string number = ack["case"]["number"];
  EXPECT_TRUE(number.starts_with("WEB-")) << number;
  // The acknowledgement came after the commit: the message is in the database now.
  EXPECT_EQ(suite_->db().scalar("SELECT count(*) FROM messages WHERE external_id = '" + customer + ":m1'"), "1");

  auto first = ws->messages(2);
  EXPECT_EQ(first[0]["from"], "customer");
  EXPECT_EQ(first[0]["id"], "m1");
  EXPECT_EQ(first[0]["text"], kLeak);
  EXPECT_EQ(first[1]["from"], "bot");
  EXPECT_NE(first[1]["text"].get<std::string>().find(number), std::string::npos) << first[1].dump();
  EXPECT_LT(first[0]["seq"].get<std::int64_t>(), first[1]["seq"].get<std::int64_t>());

  // The page resends (it never saw the ack, say): answered from the store, filed once.
  json resent = ws->send_message("m1", kLeak);
  ASSERT_EQ(resent["type"], "ack") << resent.dump();
  EXPECT_EQ(resent["duplicate"], true);
  EXPECT_EQ(resent["case"]["number"], number);
  EXPECT_EQ(suite_->db().scalar("SELECT count(*) FROM messages WHERE external_id = '" + customer + ":m1'"), "1");
  EXPECT_EQ(suite_->db().scalar("SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id "
                        "JOIN channel_identities i ON i.id = c.identity_id WHERE i.external_id = '" + customer + "'"),
            "2");

  // The next message is the next thing the page is sent: nothing was repeated meanwhile.
  json ack2 = ws->send_message("m2", "请问什么时候能派人上门维修？");
  ASSERT_EQ(ack2["type"], "ack") << ack2.dump();
  auto second = ws->messages(1);
  EXPECT_EQ(second[0]["id"], "m2");
  EXPECT_GT(second[0]["seq"].get<std::int64_t>(), first[1]["seq"].get<std::int64_t>());
  std::vector<json> all = first;
  all.insert(all.end(), second.begin(), second.end());
  const std::int64_t db_count = std::stoll(suite_->db().scalar(
      "SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN channel_identities i "
      "ON i.id = c.identity_id WHERE i.external_id = '" + customer + "'"));
  while (static_cast<std::int64_t>(all.size()) < db_count) all.push_back(ws->messages(1)[0]);
  ws->close();

  // A reload: same token, nothing shown yet → the whole conversation, in order, once each.
  auto reloaded = open();
  EXPECT_EQ(reloaded->greet(token, 0)["customer"], customer);
  auto history = reloaded->messages(all.size());
  ASSERT_EQ(history.size(), all.size());
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < history.size(); ++i) {
    EXPECT_EQ(history[i]["seq"], all[i]["seq"]);
    EXPECT_EQ(history[i]["text"], all[i]["text"]);
    EXPECT_TRUE(seen.insert(history[i]["seq"].get<std::int64_t>()).second);
  }
  reloaded->close();

  // A reconnect of a page that has shown everything gets only what is new.
  auto resumed = open();
  resumed->greet(token, all.back()["seq"].get<std::int64_t>());
  json ack3 = resumed->send_message("m3", "谢谢");
  ASSERT_EQ(ack3["type"], "ack") << ack3.dump();
  auto fresh = resumed->messages(1);
  EXPECT_EQ(fresh[0]["id"], "m3");
  EXPECT_GT(fresh[0]["seq"].get<std::int64_t>(), all.back()["seq"].get<std::int64_t>());
}

TEST_F(WebChatTest, EveryOpenPageOfTheCustomerIsPushedEachMessageOnce) {
  auto tab_a = open();
  json welcome = tab_a->greet(nullptr, 0);
  auto tab_b = open();
  EXPECT_EQ(tab_b->greet(welcome["token"], 0)["customer"], welcome["customer"]);
  HttpsClient http("127.0.0.1", suite_->gateway().port());
  const std::string metrics = http.get("/metrics").body;
  const auto at = metrics.find("\nintake_web_chat_pages ");
  ASSERT_NE(at, std::string::npos) << metrics;
  EXPECT_GE(std::stod(metrics.substr(at + 23)), 2.0) << "both tabs are counted";

  json ack = tab_a->send_message("from-a", kLeak);
  ASSERT_EQ(ack["type"], "ack") << ack.dump();
  auto on_a = tab_a->messages(2);
  auto on_b = tab_b->messages(2);  // tab B said nothing: the push brought them
  for (std::size_t i = 0; i < 2; ++i) EXPECT_EQ(on_a[i]["seq"], on_b[i]["seq"]);
  EXPECT_EQ(on_b[0]["id"], "from-a");

  // Another customer's page hears nothing of it.
  auto stranger = open();
  stranger->greet(nullptr, 0);
  json other = stranger->send_message("s1", "你好");
  ASSERT_EQ(other["type"], "ack");
  auto theirs = stranger->messages(1);
  EXPECT_EQ(theirs[0]["id"], "s1");
}

TEST_F(WebChatTest, BadFramesGetClearErrorsAndChangeNothing) {
  {
    auto ws = open();
    ws->send_json({{"type", "message"}, {"id", "x"}, {"text", "你好"}});
    json error = ws->reply();
    EXPECT_EQ(error["type"], "error");
    EXPECT_EQ(error["code"], "expected_hello");
    EXPECT_EQ(ws->wait_closed(std::chrono::seconds(10)), 1008);  // policy violation
  }
  auto ws = open();
  json welcome = ws->greet("wc1.w-00000000000000000000000000000000.forged", 0);
  EXPECT_NE(welcome["customer"], "w-00000000000000000000000000000000") << "a forged token starts a new conversation";
  const std::string customer = welcome["customer"];

  ws->send("{not json");
  json e1 = ws->reply();
  EXPECT_EQ(e1["code"], "invalid_json");
  ws->send_json({{"type", "message"}, {"id", "bad id!"}, {"text", "你好"}});
  EXPECT_EQ(ws->reply()["code"], "invalid_field");
  ws->send_json({{"type", "message"}, {"id", "blank"}, {"text", "   "}});
  EXPECT_EQ(ws->reply()["code"], "invalid_field");
  ws->send_json({{"type", "message"}, {"id", "nul"}, {"text", std::string("水泵\0漏水", 13)}});
  EXPECT_EQ(ws->reply()["code"], "invalid_field");
  ws->send_json({{"type", "message"}, {"id", "long"}, {"text", std::string(5000, 'a')}});
  EXPECT_EQ(ws->reply()["code"], "invalid_field");
  ws->send_json({{"type", "hello"}, {"token", nullptr}});
  EXPECT_EQ(ws->reply()["code"], "unexpected_hello");
  ws->send_binary("\x01\x02");
  EXPECT_EQ(ws->reply()["code"], "invalid_json");
  EXPECT_EQ(suite_->db().scalar("SELECT count(*) FROM messages WHERE external_id LIKE '" + customer + ":%'"), "0");

  // The connection is still good for a proper message.
  json ack = ws->send_message("fine", "你好");
  EXPECT_EQ(ack["type"], "ack") << ack.dump();
}

TEST(WebChatInstances, AMessageRecordedByOneInstanceIsPushedToPagesOnAnother) {
  TestDatabase db;
  TempDir dir_a("intake-e2e-webchat-a"), dir_b("intake-e2e-webchat-b");
  const std::map<std::string, std::string> env = {{"INTAKE_CHAT_WEB_SECRET", kChatSecret}};
  auto a = testing::start_test_gateway(dir_a, db.conninfo(), json::object(), env);
  auto b = testing::start_test_gateway(dir_b, db.conninfo(), json::object(), env);

  Page on_a(a->port());
  json welcome = on_a.greet(nullptr, 0);
  Page on_b(b->port());
  ASSERT_EQ(on_b.greet(welcome["token"], 0)["customer"], welcome["customer"]) << "the instances share the key";

  // Page A files a message and sees it and the answer: everything A's own instance knows
  // of has reached it.
  ASSERT_EQ(on_a.send_message("via-a", kLeak)["type"], "ack");
  auto own = on_a.messages(2);
  EXPECT_EQ(own[0]["id"], "via-a");
  EXPECT_EQ(own[1]["from"], "bot");

  json ack = on_b.send_message("via-b", "联系电话 13812345678");
  ASSERT_EQ(ack["type"], "ack") << ack.dump();
  // Only the database's announcement can tell instance A about it.
  auto pushed = on_a.messages(1);
  EXPECT_EQ(pushed[0]["id"], "via-b");
  EXPECT_GT(pushed[0]["seq"].get<std::int64_t>(), own[1]["seq"].get<std::int64_t>());
  on_a.close();
  on_b.close();
  EXPECT_EQ(a->stop(SIGTERM, std::chrono::seconds(30)), 0) << a->log();
  EXPECT_EQ(b->stop(SIGTERM, std::chrono::seconds(30)), 0) << b->log();
}

TEST(WebChatShutdown, OpenPagesAreToldToComeBackLater) {
  TestDatabase db;
  TempDir dir("intake-e2e-webchat-stop");
  auto gateway = testing::start_test_gateway(dir, db.conninfo(), json::object(), {});  // a generated key
  Page ws(gateway->port());
  ASSERT_EQ(ws.greet(nullptr, 0)["type"], "welcome");
  WebSocketClient silent("127.0.0.1", gateway->port(), "/chat/ws");  // has not said hello yet
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "var/secrets/web_chat.key"));

  gateway->signal(SIGTERM);
  EXPECT_EQ(ws.wait_closed(std::chrono::seconds(15)), 1001);  // going away
  EXPECT_TRUE(silent.wait_closed(std::chrono::seconds(15)).has_value());
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(30)), 0) << gateway->log();
}

}  // namespace
}  // namespace intake
