#include "first_sight.hpp"

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace intake::bench {

FirstSightResult measure_first_sight(const std::string& name,
                                     const std::function<std::function<std::size_t(const std::string&)>()>& make_classifier,
                                     const std::vector<std::string>& texts) {
  using clock = std::chrono::steady_clock;
  const auto classify = make_classifier();
  const std::size_t half = texts.size() / 2;
  FirstSightResult result{name, 0, 0, 0};
  auto rate = [&](std::size_t from, std::size_t to) {
    const auto start = clock::now();
    for (std::size_t i = from; i < to; ++i) result.matches += classify(texts[i]);
    const double seconds = std::chrono::duration<double>(clock::now() - start).count();
    return seconds > 0 ? static_cast<double>(to - from) / seconds : 0;
  };
  result.first_half_per_second = rate(0, half);
  result.second_half_per_second = rate(half, texts.size());
  return result;
}

std::vector<std::string> read_stream_texts(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::vector<std::string> texts;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (line.front() == '{') {
      const auto doc = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (doc.is_object() && doc.contains("text") && doc["text"].is_string()) {
        texts.push_back(doc["text"].get<std::string>());
        continue;
      }
    }
    texts.push_back(line);
  }
  if (texts.size() < 2) throw std::runtime_error(path + ": needs at least two messages");
  return texts;
}

}  // namespace intake::bench
