#pragma once
// "First sight" throughput: each message classified once, in order, by matchers that have
// seen nothing before. This is what a gateway meets in production, where every message
// is new: RE2 builds its DFA states lazily, and a matcher whose states keep changing with
// the text spends its time building them. The repeated-corpus figures of the main table
// hide that cost, because there every state is built in the first trial.
#include <functional>
#include <string>
#include <vector>

namespace intake::bench {

struct FirstSightResult {
  std::string name;
  double first_half_per_second = 0;   // while its caches fill
  double second_half_per_second = 0;  // after the first half of the stream
  std::size_t matches = 0;  // what the classifier counted over the stream
};

// Times `classify` over the first and then the second half of `texts` (one pass, no
// repetition). `make_classifier` builds a fresh matcher, so nothing is warm before.
FirstSightResult measure_first_sight(const std::string& name,
                                     const std::function<std::function<std::size_t(const std::string&)>()>& make_classifier,
                                     const std::vector<std::string>& texts);

// Messages for the stream: one per line; a line that is a JSON object gives its "text".
// Blank lines are skipped. Throws std::runtime_error naming the file when it is unreadable.
std::vector<std::string> read_stream_texts(const std::string& path);

}  // namespace intake::bench
