// SLA clocks through the real binaries: `intakectl sla due` prints the default policy's
// deadlines on the 2026 calendar and refuses bad input with a clear message; the gateway
// reports a calendar that does not reach 30 days ahead on /readyz and in its log, and
// acknowledges a complaint with its first deadline in working hours.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "eventually.hpp"
#include "https_client.hpp"
#include "intake/time.hpp"
#include "run_command.hpp"
#include "test_database.hpp"
#include "test_gateway.hpp"

namespace intake {
namespace {

using nlohmann::json;
using testing::HttpsClient;
using testing::TempDir;
using testing::TestDatabase;
using testing::eventually;

const std::string kProjectConfig = std::string(INTAKE_SOURCE_DIR) + "/config/gateway.json";

// Both streams, as run_command collects them; `redirect` ("2>/dev/null") applies to the
// command alone, inside a group, so that it is not undone by run_command's own "2>&1".
testing::CommandResult sla(const std::string& arguments, const std::string& config = kProjectConfig,
                           const std::string& redirect = "") {
  return testing::run_command("{ " + std::string(INTAKECTL_BINARY) + " --config " + config + " sla " + arguments + " " +
                              redirect + "; }");
}
testing::CommandResult sla_stdout(const std::string& arguments) { return sla(arguments, kProjectConfig, "2>/dev/null"); }
testing::CommandResult sla_stderr(const std::string& arguments) {
  return sla(arguments, kProjectConfig, "2>&1 >/dev/null");
}

// stdout alone, parsed (the command's warnings go to stderr).
json sla_json(const std::string& arguments) {
  const auto r = sla_stdout(arguments);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return json::parse(r.output, nullptr, false);
}

json clock_list(std::initializer_list<std::pair<const char*, const char*>> clocks) {
  json list = json::array();
  for (const auto& [name, due] : clocks) list.push_back({{"name", name}, {"due", due}});
  return {{"clocks", list}};
}

TEST(IntakectlSla, DuePrintsTheDefaultPolicysClocks) {
  // Friday 2026-11-27, 16:00 in Shanghai.
  const std::string at = "--at 2026-11-27T16:00:00+08:00";
  EXPECT_EQ(sla_json("due --category product_quality --severity normal " + at),
            clock_list({{"first_response", "2026-11-30T16:30:00+08:00"},
                        {"opinion", "2026-12-02T17:30:00+08:00"},
                        {"no_progress", "2026-11-30T16:00:00+08:00"}}));
  EXPECT_EQ(sla_json("due --category logistics --severity serious " + at),
            clock_list({{"first_response", "2026-11-27T20:00:00+08:00"},
                        {"preliminary_solution", "2026-11-28T16:00:00+08:00"},
                        {"opinion", "2026-12-02T17:30:00+08:00"},
                        {"no_progress", "2026-11-30T16:00:00+08:00"}}));
  EXPECT_EQ(sla_json("due --category staff_attitude --severity major " + at),
            clock_list({{"first_response", "2026-11-27T17:00:00+08:00"}, {"group_opinion", "2026-11-30T16:30:00+08:00"}}));
  EXPECT_EQ(sla_json("due --category inquiry --severity normal " + at),
            clock_list({{"first_response", "2026-11-28T16:00:00+08:00"}}));
  // Any offset in, the company's zone out; National Day skipped; "=" spelling accepted.
  EXPECT_EQ(sla_json("due --category=complaint --severity=normal --at=2026-09-30T08:00:00Z"),
            clock_list({{"first_response", "2026-10-08T16:30:00+08:00"},
                        {"opinion", "2026-10-10T17:30:00+08:00"},
                        {"no_progress", "2026-10-03T16:00:00+08:00"}}));
}

TEST(IntakectlSla, BadArgumentsAreUsageErrors) {
  const std::string at = " --at 2026-11-27T16:00:00+08:00";
  const std::vector<std::pair<std::string, std::string>> table = {
      {"due --category billing --severity normal" + at, "unknown category \"billing\""},
      {"due --category inquiry --severity critical" + at, "unknown severity \"critical\""},
      {"due --category inquiry --severity normal --at 2026-11-27", "RFC 3339"},
      {"due --category inquiry --severity normal --at 2026-02-30T10:00:00Z", "RFC 3339"},
      {"due --category inquiry" + at, "--category, --severity and --at are all required"},
      {"due --category inquiry --severity normal --at", "--at needs a value"},
      {"due --category inquiry --severity normal --channel chat" + at, "unknown argument --channel"},
      {"overdue", "unknown subcommand \"overdue\""},
      {"", "a subcommand is required"},
  };
  for (const auto& [arguments, expected] : table) {
    const auto r = sla(arguments);
    EXPECT_EQ(r.exit_code, 2) << arguments << "\n" << r.output;
    EXPECT_NE(r.output.find(expected), std::string::npos) << arguments << "\n" << r.output;
    EXPECT_NE(r.output.find("usage: intakectl sla due"), std::string::npos) << r.output;
  }
}

TEST(IntakectlSla, ABrokenCalendarIsNamedWithItsPointer) {
  TempDir dir("intake-e2e-sla");
  std::filesystem::create_directories(dir.path() / "calendar");
  std::ifstream shipped(std::string(INTAKE_SOURCE_DIR) + "/config/calendar/cn-2026.json");
  json calendar = json::parse(shipped, nullptr, false, /*ignore_comments=*/true);
  ASSERT_TRUE(calendar.is_object());
  calendar["working_weekend_days"][2]["date"] = "2026-03-02";  // a Monday
  std::ofstream(dir.path() / "calendar" / "cn-2026.json") << calendar.dump(2);
  const auto config = testing::write_test_gateway_config(dir, {{"calendar", (dir.path() / "calendar").string()}});
  const auto r = sla("due --category inquiry --severity normal --at 2026-11-27T16:00:00+08:00", config.string());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find((dir.path() / "calendar" / "cn-2026.json").string() + ": /working_weekend_days/2/date"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("2026-03-02 is already a working weekday"), std::string::npos) << r.output;
}

TEST(IntakectlSla, CountingPastTheCalendarWarnsOnStderr) {
  // New Year's Eve: the opinion falls in 2027, which no file covers yet.
  const std::string arguments = "due --category complaint --severity normal --at 2026-12-31T10:00:00+08:00";
  const auto out = sla_stdout(arguments);
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_TRUE(json::parse(out.output, nullptr, false).is_object()) << out.output;
  const auto err = sla_stderr(arguments);
  EXPECT_NE(err.output.find("warning"), std::string::npos) << err.output;
  EXPECT_NE(err.output.find("2027-01-01"), std::string::npos) << err.output;
  // Inside the year: no warning.
  const auto quiet = sla_stderr("due --category complaint --severity normal --at 2026-11-27T10:00:00+08:00");
  EXPECT_EQ(quiet.output, "") << quiet.output;
}

// A calendar folder holding one file for [first, last], written under `dir`.
std::filesystem::path calendar_folder(const TempDir& dir, std::chrono::sys_days first, std::chrono::sys_days last) {
  const auto folder = dir.path() / "calendar";
  std::filesystem::create_directories(folder);
  const json file = {{"time_zone", "Asia/Shanghai"},
                     {"utc_offset", "+08:00"},
                     {"from", format_iso_date(first)},
                     {"to", format_iso_date(last)},
                     {"working_weekdays", {"mon", "tue", "wed", "thu", "fri"}},
                     {"office_hours", json::array({{{"from", "08:30"}, {"to", "12:00"}},
                                                   {{"from", "13:30"}, {"to", "17:30"}}})}};
  std::ofstream(folder / "test.json") << file.dump(2);
  return folder;
}

std::chrono::sys_days today() {
  return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() + std::chrono::hours(8));
}

TEST(GatewayCalendar, ACalendarEndingWithin30DaysIsAWarningOnReadyzAndInTheLog) {
  TestDatabase db;
  TempDir dir("intake-e2e-calendar");
  // Covers until 20 days from now: the 21st day ahead is uncovered.
  const auto folder = calendar_folder(dir, today() - std::chrono::days(400), today() + std::chrono::days(20));
  auto gateway = testing::start_test_gateway(dir, db.conninfo(), {{"calendar", folder.string()}}, {});
  HttpsClient c("127.0.0.1", gateway->port());
  const auto ready = c.get("/readyz");
  ASSERT_EQ(ready.status, 200) << ready.body;  // a warning, not a failure
  const json report = ready.json();
  EXPECT_EQ(report["status"], "ready");
  EXPECT_EQ(report["checks"]["calendar"], "warning");
  ASSERT_TRUE(report["warnings"].is_array()) << ready.body;
  const std::string first_gap = format_iso_date(today() + std::chrono::days(21));
  EXPECT_NE(report["warnings"][0].get<std::string>().find(first_gap), std::string::npos) << ready.body;
  EXPECT_TRUE(eventually([&] { return gateway->log().find("calendar_not_covering") != std::string::npos; }))
      << gateway->log();
  EXPECT_NE(gateway->log().find(first_gap), std::string::npos) << gateway->log();
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(30)), 0) << gateway->log();
}

TEST(GatewayCalendar, ACoveringCalendarIsOkAndAComplaintIsPromisedInWorkingHours) {
  TestDatabase db;
  TempDir dir("intake-e2e-calendar");
  const auto folder = calendar_folder(dir, today() - std::chrono::days(400), today() + std::chrono::days(400));
  auto gateway = testing::start_test_gateway(
      dir, db.conninfo(), {{"calendar", folder.string()}, {"channels", {{"chat/generic", {{"allow_unsigned", true}}}}}},
      {});
  HttpsClient c("127.0.0.1", gateway->port());
  const auto ready = c.get("/readyz");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json()["checks"]["calendar"], "ok") << ready.body;
  EXPECT_FALSE(ready.json().contains("warnings")) << ready.body;
  EXPECT_EQ(gateway->log().find("calendar_not_covering"), std::string::npos) << gateway->log();

  // A normal quality complaint: the acknowledgement states the first deadline, in
  // working hours, and the case records it.
  const auto before = std::chrono::system_clock::now();
  const json body = {{"message_id", "sla-1"}, {"sender", {{"id", "u-sla-1"}}}, {"text", "冰箱买回来第三天就坏了"}};
  const auto answer = c.post("/webhooks/chat/generic", body.dump(), {{"Content-Type", "application/json"}});
  ASSERT_EQ(answer.status, 200) << answer.body;
  const json ack = answer.json();
  EXPECT_EQ(ack["case"]["category"], "product_quality") << answer.body;
  EXPECT_NE(ack["reply"]["text"].get<std::string>().find("8个工作小时"), std::string::npos) << answer.body;
  const auto due = parse_rfc3339(ack["case"]["first_response_due"].get<std::string>());
  ASSERT_TRUE(due.has_value()) << answer.body;
  EXPECT_GE(*due - before, std::chrono::hours(8)) << "8 working hours are never less than 8 hours";
  // Friday after closing is the longest wait on a Mon–Fri calendar without holidays:
  // Monday's 7.5 office hours and half an hour on Tuesday, 87.5 hours later.
  EXPECT_LE(*due - before, std::chrono::hours(88)) << answer.body;
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(30)), 0) << gateway->log();
}

}  // namespace
}  // namespace intake
