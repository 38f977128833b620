#include "gateway/metrics.hpp"

#include <sstream>

namespace intake::gateway {

void Metrics::record_request(const std::string& route, int status, std::chrono::microseconds latency) {
  const double seconds = static_cast<double>(latency.count()) / 1e6;
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  Histogram& h = latency_[route];
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  ++h.count;
  h.sum += seconds;
}

void Metrics::add_gauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  external_.push_back({std::move(name), std::move(help), "gauge", std::move(read)});
}

void Metrics::add_counter(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  external_.push_back({std::move(name), std::move(help), "counter", std::move(read)});
}

std::string Metrics::render() const {
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  out << "# HELP intake_http_requests_total HTTP requests by route and status.\n"
         "# TYPE intake_http_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    out << "intake_http_requests_total{route=\"" << key.first << "\",status=\"" << key.second << "\"} " << n << '\n';
  out << "# HELP intake_http_request_duration_seconds Time from a complete request to its response.\n"
         "# TYPE intake_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      out << "intake_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"" << kBuckets[i] << "\"} "
          << h.buckets[i] << '\n';
    out << "intake_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} " << h.count << '\n'
        << "intake_http_request_duration_seconds_sum{route=\"" << route << "\"} " << h.sum << '\n'
        << "intake_http_request_duration_seconds_count{route=\"" << route << "\"} " << h.count << '\n';
  }
  out << "# HELP intake_cases_opened_total Cases opened.\n# TYPE intake_cases_opened_total counter\n"
      << "intake_cases_opened_total " << cases_opened_.load() << '\n'
      << "# HELP intake_connections_refused_total Connections closed at accept because of the connection cap.\n"
         "# TYPE intake_connections_refused_total counter\n"
      << "intake_connections_refused_total " << connections_refused_.load() << '\n';
  for (const External& e : external_)
    out << "# HELP " << e.name << ' ' << e.help << "\n# TYPE " << e.name << ' ' << e.type << '\n'
        << e.name << ' ' << e.read() << '\n';
  return out.str();
}

}  // namespace intake::gateway
