#pragma once
// Prometheus metrics, rendered in the text exposition format (version 0.0.4) at /metrics.
// Thread-safe; recording a request costs one short lock.
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace intake::gateway {

class Metrics {
 public:
  // Counts one request and its latency. `route` is the route pattern (e.g.
  // "/webhooks/chat/generic"), never the raw target, so the label set stays bounded.
  void record_request(const std::string& route, int status, std::chrono::microseconds latency);
  void case_opened() { cases_opened_.fetch_add(1, std::memory_order_relaxed); }
  void connection_refused() { connections_refused_.fetch_add(1, std::memory_order_relaxed); }

  // Gauges and counters owned by other parts, read when rendering.
  void add_gauge(std::string name, std::string help, std::function<double()> read);
  void add_counter(std::string name, std::string help, std::function<double()> read);

  std::string render() const;

 private:
  static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,    0.25,  0.5,    1,     2.5,  5,    10};
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::atomic<std::uint64_t> cases_opened_{0};
  std::atomic<std::uint64_t> connections_refused_{0};
  struct External {
    std::string name, help, type;
    std::function<double()> read;
  };
  std::vector<External> external_;
};

}  // namespace intake::gateway
