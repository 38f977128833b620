// The rule pack's matcher against one RE2 per rule, on any text: the same rules, with the
// same spans, for the default pack and for a pack of shapes it does not use. The matcher finds words with its own automaton and confirms with RE2 only
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

Pack compile(const std::vector<std::string>& patterns) {
  Pack p;
  for (const auto& pattern : patterns)
    p.regexes.push_back(std::make_unique<RE2>(pattern, intake::dialog::pattern_options(/*case_sensitive=*/true)));
  auto built = intake::dialog::RuleMatcher::build(patterns, std::int64_t{128} << 20);
  intake::fuzz::require(static_cast<bool>(built), "the pack builds");
  p.matcher = std::make_unique<intake::dialog::RuleMatcher>(std::move(*built));
  return p;
}

const Pack& default_pack() {
  static const Pack pack = [] {
    std::ifstream file(INTAKE_SOURCE_DIR "/config/rules/default.json");
    const auto doc = nlohmann::json::parse(file, nullptr, true, /*ignore_comments=*/true);
    std::vector<std::string> patterns;
    for (const auto& rule : doc["rules"]) patterns.push_back(rule["pattern"].get<std::string>());
    return compile(patterns);
  }();
  return pack;
}

// Shapes a manager could write that the default pack does not use: assertions and
// repetitions first, groups with gaps after a choice, lazy and optional groups, classes.
const Pack& tricky_pack() {
  static const Pack pack = compile({
      "\\b[a-z]+ing\\b", "^[0-9]+(元|块)", "(坏|漏)[^,。]{0,4}$", "x(a[^,]{0,3}b|c)[^,]{0,4}(d|e[^,]{0,2}f)",
      "(a|ab)(c|bcd)(d*)", "a??" "(b[^x]{0,2}c)??d", "(?:没|未)(有)?[^,]{0,3}(到|收到)+", "\\b(if|what if)\\b.{0,9}\\b(fire|smok\\w*)\\b",
      "[吗呢么嘛][?!。~ ]*$", "^(喂|hi)?[ ,.?!~]*(有人吗|在吗)", "(质量){2,}|质量[^。]*差", "\\B(ing|ed)\\b", "(a|b)(?i:c)[^x]{0,2}d",
      "[0-9一二三]+(天|小时)(了)?(还|都)(没|未)", "(差|烂)?[^,]{0,2}(差|烂)",
      "(a|ab)((b|c){0,3})(c|d)(?:[^x]{0,2}e)", "(有|是)[^,。]{0,3}(吗|么)[ ,.?!]|(有|是)[^,。]{0,3}(吗|么)$",
      "^[ ,~]*(在吗|a)", "(太|很|超级?){0,2}(好|差)[吗呢]*$", "a(b|cd){1,3}e[^a-c]{0,2}f", "x[^,]{0,2}\\by\\b[^.]{0,2}z$"});
  return pack;
}

void require_same_as_re2(const Pack& pack, const std::string& text) {
  const auto got = pack.matcher->match(text);
  if (!got) return;  // the Set ran out of memory: the caller asks every rule instead
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
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  require_same_as_re2(default_pack(), text);
  require_same_as_re2(tricky_pack(), text);
  return 0;
}
