// GET /api/v1/reports/kpi through the real gateway and PostgreSQL, against a fixture whose
// figures are computed by hand below; JSON and CSV; only for supervisors and up.
#include <gtest/gtest.h>
#include <signal.h>

#include "https_client.hpp"
#include "run_command.hpp"
#include "test_database.hpp"
#include "test_gateway.hpp"

namespace intake {
namespace {

using nlohmann::json;
using testing::HttpsClient;
using testing::TempDir;
using testing::TestDatabase;

std::string token_for(const std::string& config, const TestDatabase& db, const std::string& role) {
  const auto r = testing::run_command(std::string(INTAKECTL_BINARY) + " --config " + config + " --database '" +
                                      db.conninfo() + "' staff add --name kpi-" + role + " --role " + role);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return json::parse(r.output)["token"].get<std::string>();
}

TEST(KpiReport, FiguresMatchAHandComputedFixture) {
  TestDatabase db;
  TempDir dir("intake-e2e-kpi");
  const json patch = {{"case_number_prefix", "KPI"}, {"channels", {{"chat/generic", {{"allow_unsigned", true}}}}}};
  const std::string config = testing::write_test_gateway_config(dir, patch).string();
  auto gateway = testing::start_test_gateway(dir, db.conninfo(), patch, {});
  const std::string supervisor = token_for(config, db, "supervisor");
  const std::string agent = token_for(config, db, "agent");

  // Seven cases; their labels and outcomes are then set by hand.
  HttpsClient c("127.0.0.1", gateway->port());
  std::vector<std::string> numbers;
  for (int i = 0; i < 7; ++i) {
    const json body = {{"message_id", "kpi-" + std::to_string(i)},
                       {"sender", {{"id", "kpi-customer-" + std::to_string(i)}}},
                       {"text", "产品坏了"}};
    const auto r = c.post("/webhooks/chat/generic", body.dump(), {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 200) << r.body;
    numbers.push_back(r.json()["case"]["number"]);
  }
  auto set = [&](int i, const std::string& assignments) {
    db.scalar("UPDATE cases SET " + assignments + " WHERE number = '" + numbers[static_cast<std::size_t>(i)] + "'");
  };
  const std::string on_time = "first_response_due = opened_at + interval '2 hours', ";
  // A: quality, answered in time, resolved, rated 5.
  set(0, on_time + "category = 'product_quality', first_responded_at = opened_at + interval '1 hour', "
                   "status = 'resolved', satisfaction = 5");
  // B: logistics, answered late, closed, rated 2, escalated.
  set(1, "category = 'logistics', first_response_due = opened_at + interval '1 hour', "
         "first_responded_at = opened_at + interval '3 hours', status = 'closed', satisfaction = 2, escalation_level = 1");
  // C: staff attitude, serious, not answered and already late: overdue.
  set(2, "category = 'staff_attitude', severity = 'serious', first_response_due = now() - interval '1 hour', "
         "first_responded_at = NULL");
  // D: an inquiry not yet due: not decided either way.
  set(3, "category = 'inquiry', first_response_due = now() + interval '1 day', first_responded_at = NULL");
  // E: quality, answered in time, resolved, rated 4.
  set(4, on_time + "category = 'product_quality', first_responded_at = opened_at + interval '10 minutes', "
                   "status = 'resolved', satisfaction = 4");
  // F: other, no first-response clock.
  set(5, "category = 'other', first_response_due = NULL, first_responded_at = NULL");
  // G: before the period: left out.
  set(6, "category = 'product_quality', opened_at = '2025-06-01T10:00:00+08:00'");
  // A and E were opened on two days of the company's zone that are one day in UTC.
  set(0, "opened_at = '2026-11-20T23:30:00+08:00'");
  set(4, "opened_at = '2026-11-21T00:30:00+08:00'");

  const std::map<std::string, std::string> as_supervisor = {{"Authorization", "Bearer " + supervisor}};
  const auto r = c.get("/api/v1/reports/kpi?from=2026-01-01&to=2099-12-31", as_supervisor);
  ASSERT_EQ(r.status, 200) << r.body;
  const json k = r.json();
  EXPECT_EQ(k["cases"], 6);                                      // A–F
  EXPECT_EQ(k["first_responses"], (json{{"decided", 4}, {"in_time", 2}}));  // A, B, C, E; in time A, E
  EXPECT_DOUBLE_EQ(k["timeliness_rate"].get<double>(), 0.5);
  EXPECT_EQ(k["satisfaction"], (json{{"rated", 3}, {"satisfied", 2}}));     // 5, 2, 4
  EXPECT_DOUBLE_EQ(k["satisfaction_rate"].get<double>(), 0.6667);
  EXPECT_DOUBLE_EQ(k["resolution_rate"].get<double>(), 0.5);          // A, B, E of 6
  EXPECT_DOUBLE_EQ(k["complaint_rate"].get<double>(), 0.6667);        // A, B, C, E of 6
  EXPECT_DOUBLE_EQ(k["service_complaint_rate"].get<double>(), 0.1667);  // C of 6
  EXPECT_EQ(k["overdue"], 1);                                         // C
  EXPECT_EQ(k["escalated"], 1);                                       // B
  EXPECT_EQ(k["by_category"], (json{{"product_quality", 2}, {"logistics", 1}, {"staff_attitude", 1},
                                    {"inquiry", 1}, {"other", 1}}));
  EXPECT_EQ(k["by_severity"], (json{{"normal", 5}, {"serious", 1}}));
  EXPECT_EQ(k["by_channel"], (json{{"chat", 6}}));
  EXPECT_EQ(k["top_complaint_causes"],
            (json::array({{{"category", "product_quality"}, {"cases", 2}, {"share", 0.5}},
                          {{"category", "logistics"}, {"cases", 1}, {"share", 0.25}},
                          {{"category", "staff_attitude"}, {"cases", 1}, {"share", 0.25}}})));

  const std::string today = db.scalar("SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')");
  EXPECT_EQ(k["by_day"], (json::array({{{"day", "2026-11-20"}, {"cases", 1}, {"by_category", {{"product_quality", 1}}}},
                                       {{"day", "2026-11-21"}, {"cases", 1}, {"by_category", {{"product_quality", 1}}}},
                                       {{"day", today}, {"cases", 4},
                                        {"by_category", {{"logistics", 1}, {"staff_attitude", 1}, {"inquiry", 1}, {"other", 1}}}}})))
      << k["by_day"];

  // The same as CSV.
  const auto csv = c.get("/api/v1/reports/kpi?from=2026-01-01&to=2099-12-31&format=csv", as_supervisor);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.headers.at("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.rfind("metric,value\r\n", 0), 0u) << csv.body;
  for (const char* line : {"\r\ncases,6\r\n", "\r\ntimeliness_rate,0.5\r\n", "\r\nsatisfaction_rate,0.6667\r\n",
                           "\r\nby_category.product_quality,2\r\n", "\r\ntop_complaint_causes.logistics,1\r\n"})
    EXPECT_NE(csv.body.find(line), std::string::npos) << line << " missing from\n" << csv.body;

  // A period with nothing in it: rates are null, not a division by zero.
  const auto empty = c.get("/api/v1/reports/kpi?from=2020-01-01&to=2020-01-31", as_supervisor);
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(empty.json()["cases"], 0);
  EXPECT_TRUE(empty.json()["timeliness_rate"].is_null());

  // Not for agents; bad queries are named.
  EXPECT_EQ(c.get("/api/v1/reports/kpi", {{"Authorization", "Bearer " + agent}}).status, 403);
  for (const char* q : {"from=yesterday", "to=2026-13-01", "format=xml", "from=2026-02-01&to=2026-01-01", "x=1"})
    EXPECT_EQ(c.get(std::string("/api/v1/reports/kpi?") + q, as_supervisor).status, 400) << q;
  EXPECT_EQ(db.scalar("SELECT count(*) > 0 FROM access_log WHERE action = 'read_kpi'"), "t");
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(30)), 0) << gateway->log();
}

}  // namespace
}  // namespace intake
