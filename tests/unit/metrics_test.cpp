// gateway/metrics: the Prometheus text exposition of request counters, latency
// histograms per route, case and connection counters and registered gauges.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gateway/metrics.hpp"

namespace {

using intake::gateway::Metrics;
using namespace std::chrono_literals;

const std::string kChat = "/webhooks/chat/generic";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool has_line(const std::string& text, const std::string& line) {
  for (const auto& l : lines_of(text))
    if (l == line) return true;
  return false;
}

// The value of the sample whose name and labels are exactly `series`; NaN when absent.
double sample(const std::string& text, const std::string& series) {
  for (const auto& l : lines_of(text))
    if (l.size() > series.size() && l.compare(0, series.size(), series) == 0 && l[series.size()] == ' ')
      return std::stod(l.substr(series.size() + 1));
  return std::numeric_limits<double>::quiet_NaN();
}

std::string bucket(const std::string& route, const std::string& le) {
  return "intake_http_request_duration_seconds_bucket{route=\"" + route + "\",le=\"" + le + "\"}";
}

TEST(Metrics, EmptyRegistryStillDeclaresItsFamilies) {
  Metrics m;
  const std::string text = m.render();
  EXPECT_TRUE(has_line(text, "# TYPE intake_http_requests_total counter")) << text;
  EXPECT_TRUE(has_line(text, "# TYPE intake_http_request_duration_seconds histogram")) << text;
  EXPECT_TRUE(has_line(text, "# TYPE intake_cases_opened_total counter")) << text;
  EXPECT_EQ(sample(text, "intake_cases_opened_total"), 0);
  EXPECT_EQ(sample(text, "intake_connections_refused_total"), 0);
}

TEST(Metrics, CountsRequestsByRouteAndStatus) {
  Metrics m;
  m.record_request(kChat, 200, 3ms);
  m.record_request(kChat, 200, 20ms);
  m.record_request(kChat, 401, 700us);
  m.record_request("/healthz", 200, 100us);
  const std::string text = m.render();
  EXPECT_EQ(sample(text, "intake_http_requests_total{route=\"" + kChat + "\",status=\"200\"}"), 2) << text;
  EXPECT_EQ(sample(text, "intake_http_requests_total{route=\"" + kChat + "\",status=\"401\"}"), 1) << text;
  EXPECT_EQ(sample(text, "intake_http_requests_total{route=\"/healthz\",status=\"200\"}"), 1) << text;
  // No sample for a combination that never happened.
  EXPECT_TRUE(std::isnan(sample(text, "intake_http_requests_total{route=\"/healthz\",status=\"401\"}")));
}

TEST(Metrics, HistogramBucketsAreCumulativePerRoute) {
  Metrics m;
  m.record_request(kChat, 200, 3ms);    // 0.003 s
  m.record_request(kChat, 200, 20ms);   // 0.02 s
  m.record_request(kChat, 401, 700us);  // 0.0007 s
  m.record_request("/healthz", 200, 2s);
  const std::string text = m.render();
  EXPECT_EQ(sample(text, bucket(kChat, "0.0005")), 0) << text;
  EXPECT_EQ(sample(text, bucket(kChat, "0.001")), 1) << text;
  EXPECT_EQ(sample(text, bucket(kChat, "0.0025")), 1) << text;
  EXPECT_EQ(sample(text, bucket(kChat, "0.005")), 2) << text;
  EXPECT_EQ(sample(text, bucket(kChat, "0.01")), 2) << text;
  EXPECT_EQ(sample(text, bucket(kChat, "0.025")), 3) << text;
  EXPECT_EQ(sample(text, bucket(kChat, "+Inf")), 3) << text;
  EXPECT_EQ(sample(text, "intake_http_request_duration_seconds_count{route=\"" + kChat + "\"}"), 3) << text;
  EXPECT_NEAR(sample(text, "intake_http_request_duration_seconds_sum{route=\"" + kChat + "\"}"), 0.0237, 1e-6);
  // The other route has its own series.
  EXPECT_EQ(sample(text, bucket("/healthz", "0.5")), 0) << text;
  EXPECT_EQ(sample(text, bucket("/healthz", "2.5")), 1) << text;
  EXPECT_EQ(sample(text, bucket("/healthz", "+Inf")), 1) << text;
  EXPECT_NEAR(sample(text, "intake_http_request_duration_seconds_sum{route=\"/healthz\"}"), 2.0, 1e-9);
}

TEST(Metrics, BucketBoundIsInclusive) {
  Metrics m;
  m.record_request(kChat, 200, 1ms);  // exactly on the 0.001 bound: "le" means less than or equal
  const std::string text = m.render();
  EXPECT_EQ(sample(text, bucket(kChat, "0.0005")), 0) << text;
  EXPECT_EQ(sample(text, bucket(kChat, "0.001")), 1) << text;
}

TEST(Metrics, BucketsNeverDecrease) {
  Metrics m;
  for (int i = 0; i < 50; ++i) m.record_request(kChat, 200, std::chrono::microseconds(i * i * 997));
  const std::string text = m.render();
  const std::string prefix = "intake_http_request_duration_seconds_bucket{route=\"" + kChat + "\"";
  double previous = -1;
  int buckets = 0;
  for (const auto& l : lines_of(text)) {
    if (l.rfind(prefix, 0) != 0) continue;
    const double value = std::stod(l.substr(l.rfind(' ') + 1));
    EXPECT_GE(value, previous) << l;
    previous = value;
    ++buckets;
  }
  EXPECT_GT(buckets, 1);
  EXPECT_EQ(previous, 50);  // the last one is +Inf: every request
}

TEST(Metrics, CaseAndConnectionCounters) {
  Metrics m;
  m.case_opened();
  m.case_opened();
  m.case_opened();
  m.connection_refused();
  const std::string text = m.render();
  EXPECT_EQ(sample(text, "intake_cases_opened_total"), 3) << text;
  EXPECT_EQ(sample(text, "intake_connections_refused_total"), 1) << text;
}

TEST(Metrics, RegisteredGaugesAndCountersAreReadWhenRendering) {
  Metrics m;
  double pending = 7;
  m.add_gauge("intake_outbox_pending", "Replies waiting in the outbox.", [&] { return pending; });
  m.add_counter("intake_store_batches_total", "Store transactions.", [] { return 42.0; });
  std::string text = m.render();
  EXPECT_TRUE(has_line(text, "# HELP intake_outbox_pending Replies waiting in the outbox.")) << text;
  EXPECT_TRUE(has_line(text, "# TYPE intake_outbox_pending gauge")) << text;
  EXPECT_EQ(sample(text, "intake_outbox_pending"), 7) << text;
  EXPECT_TRUE(has_line(text, "# TYPE intake_store_batches_total counter")) << text;
  EXPECT_EQ(sample(text, "intake_store_batches_total"), 42) << text;
  pending = 3;
  text = m.render();
  EXPECT_EQ(sample(text, "intake_outbox_pending"), 3) << text;
}

TEST(Metrics, EveryFamilyHasHelpAndType) {
  Metrics m;
  m.record_request(kChat, 200, 1ms);
  m.add_gauge("intake_queue_depth", "Depth.", [] { return 1.0; });
  const auto lines = lines_of(m.render());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("# HELP ", 0) != 0) continue;
    const std::string name = lines[i].substr(7, lines[i].find(' ', 7) - 7);
    ASSERT_LT(i + 1, lines.size());
    EXPECT_EQ(lines[i + 1].rfind("# TYPE " + name + " ", 0), 0u) << lines[i + 1];
  }
  for (const auto& l : lines) EXPECT_FALSE(l.empty());
}

TEST(Metrics, RecordingFromSeveralThreadsLosesNothing) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&m] {
      for (int i = 0; i < 1000; ++i) {
        m.record_request(kChat, 200, 2ms);
        m.case_opened();
      }
    });
  for (auto& t : threads) t.join();
  const std::string text = m.render();
  EXPECT_EQ(sample(text, "intake_http_requests_total{route=\"" + kChat + "\",status=\"200\"}"), 4000);
  EXPECT_EQ(sample(text, bucket(kChat, "+Inf")), 4000);
  EXPECT_EQ(sample(text, "intake_cases_opened_total"), 4000);
}

}  // namespace
