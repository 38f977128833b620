#pragma once
// Timing for intake-classify-bench: each variant classifies a set of messages over and
// over on the calling thread until a minimum time has passed; that is one trial. Trials
// of all variants are interleaved (variant A, B, C, then A, B, C again …) so that a
// burst of load from elsewhere on the machine hits every variant alike, and the median
// trial is reported.
//
// Rates are computed from the thread's CPU time (CLOCK_THREAD_CPUTIME_ID): on a shared
// machine, time spent descheduled is not the variant's. Wall-clock time is kept too.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace intake::bench {

// Processes every message once and returns something derived from the results (a count
// of rules fired, say), which the timing loop accumulates so that no work is optimised away.
using Pass = std::function<std::size_t(const std::vector<std::string>& messages)>;

struct Variant {
  std::string pack;  // "default", "generated", or "-" for work that no pack affects
  std::string key;   // stable name for --json: "classify", "set_match", …
  std::string name;  // for people: "RulePack::classify", …
  const std::vector<std::string>* messages;
  Pass pass;
};

struct Trial {
  std::uint64_t messages = 0;
  double cpu_seconds = 0;
  double wall_seconds = 0;
  double messages_per_second() const { return cpu_seconds > 0 ? static_cast<double>(messages) / cpu_seconds : 0; }
};

struct Throughput {
  Trial median;                  // by messages/s
  double slowest_per_second = 0;
  double fastest_per_second = 0;
  std::vector<Trial> trials;

  double messages_per_second() const { return median.messages_per_second(); }
  double nanoseconds_per_message() const;
  double wall_messages_per_second() const;
};

// Runs `trials` rounds over all variants; results are in the order of `variants`.
std::vector<Throughput> measure(const std::vector<Variant>& variants, int trials, double min_seconds);

}  // namespace intake::bench
