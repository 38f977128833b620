// The rule pack's matcher against one RE2 per rule, on any text: the same rules, with the
// same spans. The matcher finds words with its own automaton and confirms with RE2 only
// where it must, so this is the check that the shortcut never changes an answer.
#include <re2/re2.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dialog/pack_parsing.hpp"
#include "dialog/rule_matcher.hpp"
#include "fuzz_support.hpp"

namespace {

struct Pack {
  std::vector<std::unique_ptr<RE2>> regexes;
  std::unique_ptr<intake::dialog::RuleMatcher> matcher;
};

const Pack& default_pack() {
  static const Pack pack = [] {
    std::ifstream file(INTAKE_SOURCE_DIR "/config/rules/default.json");
    const auto doc = nlohmann::json::parse(file, nullptr, true, /*ignore_comments=*/true);
    std::vector<std::string> patterns;
    for (const auto& rule : doc["rules"]) patterns.push_back(rule["pattern"].get<std::string>());
    Pack p;
    for (const auto& pattern : patterns)
      p.regexes.push_back(std::make_unique<RE2>(pattern, intake::dialog::pattern_options(/*case_sensitive=*/true)));
    auto built = intake::dialog::RuleMatcher::build(patterns, std::int64_t{128} << 20);
    intake::fuzz::require(static_cast<bool>(built), "the default pack builds");
    p.matcher = std::make_unique<intake::dialog::RuleMatcher>(std::move(*built));
    return p;
  }();
  return pack;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Pack& pack = default_pack();
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto got = pack.matcher->match(text);
  if (!got) return 0;  // the Set ran out of memory: the caller asks every rule instead
  std::size_t next = 0;
  for (std::size_t rule = 0; rule < pack.regexes.size(); ++rule) {
    re2::StringPiece span;
    if (!pack.regexes[rule]->Match(text, 0, text.size(), RE2::UNANCHORED, &span, 1)) continue;
    const auto begin = static_cast<std::size_t>(span.data() - text.data());
    intake::fuzz::require(next < got->size() && (*got)[next].rule == rule, "the matcher finds the rules RE2 finds");
    intake::fuzz::require((*got)[next].begin == begin && (*got)[next].end == begin + span.size(),
                          "the matcher gives RE2's span");
    ++next;
  }
  intake::fuzz::require(next == got->size(), "the matcher finds no rule RE2 does not");
  return 0;
}
