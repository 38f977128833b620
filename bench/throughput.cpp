#include "throughput.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace intake::bench {
namespace {

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// Written by every pass and read by nobody: the compiler cannot drop the passes.
volatile std::size_t g_sink = 0;

Trial run_trial(const Variant& variant, double min_seconds) {
  const auto wall_start = std::chrono::steady_clock::now();
  const double cpu_start = thread_cpu_seconds();
  Trial trial;
  std::size_t sink = 0;
  do {
    sink += variant.pass(*variant.messages);
    trial.messages += variant.messages->size();
    trial.cpu_seconds = thread_cpu_seconds() - cpu_start;
  } while (trial.cpu_seconds < min_seconds);
  trial.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  g_sink = g_sink + sink;
  return trial;
}

Throughput summarise(std::vector<Trial> trials) {
  std::sort(trials.begin(), trials.end(),
            [](const Trial& a, const Trial& b) { return a.messages_per_second() < b.messages_per_second(); });
  Throughput out;
  out.median = trials[trials.size() / 2];
  out.slowest_per_second = trials.front().messages_per_second();
  out.fastest_per_second = trials.back().messages_per_second();
  out.trials = std::move(trials);
  return out;
}

}  // namespace

double Throughput::nanoseconds_per_message() const {
  return median.messages > 0 ? median.cpu_seconds * 1e9 / static_cast<double>(median.messages) : 0;
}

double Throughput::wall_messages_per_second() const {
  return median.wall_seconds > 0 ? static_cast<double>(median.messages) / median.wall_seconds : 0;
}

std::vector<Throughput> measure(const std::vector<Variant>& variants, int trials, double min_seconds) {
  // One untimed pass each first: RE2 builds its DFA states lazily, on the first texts it sees.
  for (const Variant& variant : variants) g_sink = g_sink + variant.pass(*variant.messages);
  std::vector<std::vector<Trial>> runs(variants.size());
  for (int round = 0; round < trials; ++round)
    for (std::size_t i = 0; i < variants.size(); ++i) runs[i].push_back(run_trial(variants[i], min_seconds));
  std::vector<Throughput> results;
  for (auto& run : runs) results.push_back(summarise(std::move(run)));
  return results;
}

}  // namespace intake::bench
