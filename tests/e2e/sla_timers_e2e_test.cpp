// Durable SLA timers through the real gateway and PostgreSQL: a major complaint is
// escalated to the general manager at intake and they are notified; a breach raises the
// case one level and fires once; a warning notifies the current level; a first response
// cancels that clock's timers; two instances never fire a job twice; a restart loses none.
// Due times are moved into the past in the database instead of waiting for them.
#include <gtest/gtest.h>
#include <signal.h>

#include <iostream>

#include "eventually.hpp"
#include "https_client.hpp"
#include "run_command.hpp"
#include "test_database.hpp"
#include "suite_gateway.hpp"
#include "test_gateway.hpp"

namespace intake {
namespace {

using nlohmann::json;
using testing::HttpsClient;
using testing::ServerProcess;
using testing::TempDir;
using testing::TestDatabase;
using testing::eventually;

const json kPatch = {{"escalation",
                      {{"poll_seconds", 1},
                       {"notify",
                        {{"service_staff", {{"email", "staff@factory.test"}}},
                         {"after_sales_department", {{"email", "after-sales@factory.test"}}},
                         {"sales_vice_president", {{"email", "vp@factory.test"}}},
                         {"general_manager", {{"email", "gm@factory.test"}}}}}}},
                     {"channels", {{"chat/generic", {{"allow_unsigned", true}}}}}};

// A customer's message; the case number it got.
std::string file(unsigned short port, const std::string& sender, const std::string& text) {
  HttpsClient c("127.0.0.1", port);
  static int n = 0;
  const json body = {{"message_id", "timer-" + sender + "-" + std::to_string(++n)}, {"sender", {{"id", sender}}},
                     {"text", text}};
  const auto r = c.post("/webhooks/chat/generic", body.dump(), {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json()["case"]["number"].get<std::string>();
}

std::string case_id(const TestDatabase& db, const std::string& number) {
  return db.scalar("SELECT id FROM cases WHERE number = '" + number + "'");
}

// Makes the pending jobs matching `where` due now.
void make_due(const TestDatabase& db, const std::string& where) {
  db.scalar("UPDATE sla_jobs SET due_at = now() - interval '1 second' WHERE status = 'pending' AND " + where);
}

std::string count(const TestDatabase& db, const std::string& sql) { return db.scalar("SELECT count(*) " + sql); }

class SlaTimersTest : public ::testing::Test {
 protected:
  static testing::SuiteGateway* suite_;
  static void SetUpTestSuite() { suite_ = new testing::SuiteGateway("intake-e2e-timers", kPatch); }
  static void TearDownTestSuite() {
    delete suite_;
    suite_ = nullptr;
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "gateway log:\n" << suite_->gateway().log() << "\n";
  }
};
testing::SuiteGateway* SlaTimersTest::suite_ = nullptr;

TEST_F(SlaTimersTest, AMajorComplaintIsEscalatedToTheGeneralManagerAtIntake) {
  const std::string number = file(suite_->gateway().port(), "u-major", "热水器漏电了，再不处理我就打12315");
  const std::string id = case_id(suite_->db(), number);
  EXPECT_EQ(suite_->db().scalar("SELECT escalation_level FROM cases WHERE id = " + id), "3");
  EXPECT_EQ(suite_->db().scalar("SELECT after->>'role' FROM case_events WHERE kind = 'escalated' AND case_id = " + id),
            "general_manager");
  // The notice reaches the general manager through the outbox, once.
  ASSERT_TRUE(eventually([&] {
    return count(suite_->db(), "FROM sla_jobs WHERE kind = 'notify' AND status = 'done' AND case_id = " + id) == "1";
  }));
  EXPECT_EQ(count(suite_->db(), "FROM outbox WHERE provider = 'notification' AND recipient->>'email' = 'gm@factory.test' "
                        "AND payload->>'subject' LIKE '%" + number + "%'"),
            "1");
  EXPECT_EQ(suite_->db().scalar("SELECT payload->>'text' FROM outbox WHERE provider = 'notification' AND "
                        "payload->>'subject' LIKE '%" + number + "%'")
                .find("general_manager") != std::string::npos,
            true);
}

TEST_F(SlaTimersTest, EveryClockIsScheduledWithAWarningAndABreach) {
  const std::string id = case_id(suite_->db(), file(suite_->gateway().port(), "u-schedule", "冰箱买回来第三天就坏了"));
  // A normal complaint: first_response, opinion, no_progress; each warned and breached.
  EXPECT_EQ(suite_->db().scalar("SELECT string_agg(kind || ':' || clock, ',' ORDER BY clock, kind) FROM sla_jobs "
                        "WHERE status = 'pending' AND case_id = " + id),
            "breach:first_response,warning:first_response,breach:no_progress,warning:no_progress,breach:opinion,"
            "warning:opinion");
  // Every warning comes before its breach.
  EXPECT_EQ(count(suite_->db(), "FROM sla_jobs w JOIN sla_jobs b ON b.case_id = w.case_id AND b.clock = w.clock "
                        "AND b.kind = 'breach' WHERE w.kind = 'warning' AND w.due_at >= b.due_at AND w.case_id = " + id),
            "0");
}

TEST_F(SlaTimersTest, ABreachRaisesTheCaseOneLevelAndFiresOnce) {
  const std::string number = file(suite_->gateway().port(), "u-breach", "快递太慢了，一直没收到");
  const std::string id = case_id(suite_->db(), number);
  make_due(suite_->db(), "kind = 'breach' AND clock = 'first_response' AND case_id = " + id);
  ASSERT_TRUE(eventually([&] { return suite_->db().scalar("SELECT escalation_level FROM cases WHERE id = " + id) == "1"; }))
      << suite_->gateway().log();
  EXPECT_EQ(count(suite_->db(), "FROM case_events WHERE kind = 'sla_breached' AND case_id = " + id), "1");
  EXPECT_EQ(suite_->db().scalar("SELECT after->>'role' || ' ' || (after->>'reason') FROM case_events "
                        "WHERE kind = 'escalated' AND case_id = " + id),
            "after_sales_department first_response_breached");
  ASSERT_TRUE(eventually([&] {
    return count(suite_->db(), "FROM outbox WHERE recipient->>'email' = 'after-sales@factory.test' AND "
                       "payload->>'subject' LIKE '%" + number + "%'") == "1";
  }));
  // Another job of the case fires later; the breach has not fired again meanwhile.
  make_due(suite_->db(), "kind = 'warning' AND clock = 'opinion' AND case_id = " + id);
  ASSERT_TRUE(eventually([&] { return count(suite_->db(), "FROM case_events WHERE kind = 'sla_warning' AND case_id = " + id) == "1"; }));
  EXPECT_EQ(count(suite_->db(), "FROM case_events WHERE kind = 'sla_breached' AND case_id = " + id), "1");
  EXPECT_EQ(count(suite_->db(), "FROM case_events WHERE kind = 'escalated' AND case_id = " + id), "1");
  // The opinion's warning goes to the level the case is at now.
  ASSERT_TRUE(eventually([&] {
    return count(suite_->db(), "FROM outbox WHERE recipient->>'email' = 'after-sales@factory.test' AND "
                       "payload->>'subject' LIKE '%" + number + "%SLA warning%'") == "1";
  }));
}

TEST_F(SlaTimersTest, TheNoProgressClockGoesStraightToTheGeneralManager) {
  const std::string number = file(suite_->gateway().port(), "u-stuck", "快递太慢了");
  const std::string id = case_id(suite_->db(), number);
  make_due(suite_->db(), "kind = 'breach' AND clock = 'no_progress' AND case_id = " + id);
  ASSERT_TRUE(eventually([&] { return suite_->db().scalar("SELECT escalation_level FROM cases WHERE id = " + id) == "3"; }));
  EXPECT_EQ(suite_->db().scalar("SELECT after->>'reason' FROM case_events WHERE kind = 'escalated' AND case_id = " + id),
            "no_progress_breached");
}

TEST_F(SlaTimersTest, AFirstResponseCancelsThatClocksTimers) {
  const std::string id = case_id(suite_->db(), file(suite_->gateway().port(), "u-answered", "快递太慢了"));
  suite_->db().scalar("UPDATE cases SET first_responded_at = now() WHERE id = " + id);
  EXPECT_EQ(count(suite_->db(), "FROM sla_jobs WHERE clock = 'first_response' AND status = 'pending' AND case_id = " + id), "0");
  EXPECT_EQ(count(suite_->db(), "FROM sla_jobs WHERE clock = 'opinion' AND status = 'pending' AND case_id = " + id), "2");
  // A resolved case has no timers at all.
  suite_->db().scalar("UPDATE cases SET status = 'resolved' WHERE id = " + id);
  EXPECT_EQ(count(suite_->db(), "FROM sla_jobs WHERE status = 'pending' AND case_id = " + id), "0");
}

// Two gateways on one database: every due job fires exactly once between them.
TEST(SlaTimersInstances, TwoInstancesNeverFireAJobTwice) {
  TestDatabase db;
  TempDir dir_a("intake-e2e-timers-a"), dir_b("intake-e2e-timers-b");
  auto a = testing::start_test_gateway(dir_a, db.conninfo(), kPatch, {});
  auto b = testing::start_test_gateway(dir_b, db.conninfo(), kPatch, {});
  constexpr int kCases = 30;
  for (int i = 0; i < kCases; ++i) file(i % 2 ? a->port() : b->port(), "u-pair-" + std::to_string(i), "快递太慢了");
  const std::string jobs = count(db, "FROM sla_jobs WHERE status = 'pending' AND kind = 'warning'");
  ASSERT_EQ(jobs, std::to_string(kCases * 3));
  make_due(db, "kind = 'warning'");
  ASSERT_TRUE(eventually([&] { return count(db, "FROM sla_jobs WHERE kind = 'warning' AND status = 'pending'") == "0"; },
                         std::chrono::seconds(60)));
  EXPECT_EQ(count(db, "FROM case_events WHERE kind = 'sla_warning'"), jobs);
  EXPECT_EQ(count(db, "FROM outbox WHERE provider = 'notification'"), jobs);
  EXPECT_EQ(count(db, "FROM (SELECT case_id, after->>'clock' FROM case_events WHERE kind = 'sla_warning' "
                      "GROUP BY 1, 2 HAVING count(*) > 1) twice"),
            "0");
  EXPECT_EQ(a->stop(SIGTERM, std::chrono::seconds(30)), 0) << a->log();
  EXPECT_EQ(b->stop(SIGTERM, std::chrono::seconds(30)), 0) << b->log();
}

// Jobs that fall due while no gateway runs fire when one starts again.
TEST(SlaTimersRestart, JobsDueWhileStoppedFireAfterTheRestart) {
  TestDatabase db;
  TempDir dir("intake-e2e-timers-restart");
  auto first = testing::start_test_gateway(dir, db.conninfo(), kPatch, {});
  const std::string id = case_id(db, file(first->port(), "u-restart", "快递太慢了"));
  ASSERT_EQ(first->stop(SIGTERM, std::chrono::seconds(30)), 0) << first->log();
  make_due(db, "kind = 'breach' AND clock = 'first_response' AND case_id = " + id);
  EXPECT_EQ(db.scalar("SELECT escalation_level FROM cases WHERE id = " + id), "0");  // nobody to fire it yet
  auto second = testing::start_test_gateway(dir, db.conninfo(), kPatch, {});
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT escalation_level FROM cases WHERE id = " + id) == "1"; }))
      << second->log();
  EXPECT_EQ(count(db, "FROM case_events WHERE kind = 'sla_breached' AND case_id = " + id), "1");
  EXPECT_EQ(second->stop(SIGTERM, std::chrono::seconds(30)), 0) << second->log();
}

}  // namespace
}  // namespace intake
