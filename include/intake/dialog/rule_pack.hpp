#pragma once
// A rule pack: weighted RE2 rules for categories, severity and intents, exclusions,
// slot extractors and reply templates. Parsed once, compiled, then immutable and safe to
// share between threads. Classifying costs one pass of a word automaton over the text,
// plus an anchored RE2 match for the few alternatives whose words occur, which confirms
// each and reports its span (dialog/rule_matcher.hpp).
//
// Format (JSON, comments allowed), see config/rules/default.json:
//   {"version": "…", "min_score": 1.0,
//    "rules": [{"id": "pq.broken", "target": "category:product_quality",
//               "pattern": "坏了|…", "weight": 2},
//              {"id": "hl.transfer", "target": "intent:human_request", "pattern": "按0转人工",
//               "channels": ["hotline"]}, …,
//              {"id": "ex.not_quality", "target": "exclude", "pattern": "不是质量问题",
//               "cancels": ["pq.quality_word"]}],
//    "slots": […], "details_needed": {…},        (see slot_extractors.hpp)
//    "templates": {"ack_new": {"zh-Hans": "…", "zh-Hant": "…", "en": "…"}, …}}  (see reply_templates.hpp)
// Targets: "category:<id>", "severity:major|serious", "intent:<id>", "exclude".
// An exclusion that matches cancels the rules it names for that message. A rule with
// "channels" counts only for messages from those channels ("chat", "email", "hotline" …).
//    "handoff": {"low_confidence_below": 1.0, "low_confidence_in_a_row": 2}
// A message is of low confidence when its primary category scores below the threshold
// (default: min_score, i.e. no category recognised) and it has no intent and no raised
// severity; that many in a row flag the conversation for staff.
// Patterns are matched against normalised text (normalizer.hpp): simplified characters,
// case-folded, half-width; write them that way.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intake/decision.hpp"
#include "intake/dialog/reply_templates.hpp"
#include "intake/dialog/slot_extractors.hpp"
#include "intake/result.hpp"

namespace re2 { class RE2; }

namespace intake::dialog {

class RuleMatcher;

class RulePack {
 public:
  // Parses and compiles a pack. `source` names it in errors ("config/rules/default.json").
  // Errors (code "invalid_rule_pack") name the source, the JSON pointer of the offending
  // value and, for a bad pattern, RE2's own message. Nothing is half-loaded.
  static Result<std::shared_ptr<const RulePack>> parse(std::string_view json_text, std::string_view source);

  // RE2's memory budget for the pack's Set (program and DFA cache). RE2's default, 8 MiB,
  // fits about a thousand simple rules, and a DFA cache that is too small is rebuilt over
  // and over: broad Chinese patterns need room for their states to be matched fast.
  static constexpr std::int64_t kSetMemoryBudget = std::int64_t{128} << 20;

  ~RulePack();
  RulePack(const RulePack&) = delete;
  RulePack& operator=(const RulePack&) = delete;

  // Classifies normalised text (see normalizer.hpp) from `channel` (rules scoped to other
  // channels do not count; with no channel, no scoped rule counts).
  Classification classify(std::string_view normalized_text, std::string_view channel = {}) const;

  // "<version>+<hash of the pack's text>", recorded with every classification.
  const std::string& version() const { return version_; }
  std::size_t rule_count() const { return rules_.size(); }

  struct HandoffPolicy {
    double low_confidence_below = 1.0;
    int low_confidence_in_a_row = 2;
  };
  const HandoffPolicy& handoff() const { return handoff_; }
  const ReplyTemplates& templates() const { return templates_; }
  const SlotExtractors& slots() const { return slots_; }

 private:
  // What a rule's target does when it matches, read from the target once.
  struct Effect {
    enum class Kind { category, major, serious, intent, exclude } kind;
    Category category{};  // for Kind::category
    Intent intent{};      // for Kind::intent
  };
  // The effect `target` names, or nothing when it names nothing known.
  static std::optional<Effect> effect_of(std::string_view target);
  struct Rule {
    std::string id;
    std::string target;  // as written: "category:logistics", "severity:major" …
    Effect effect{Effect::Kind::exclude};  // effect_of(target), set when the pack loads
    double weight = 1;
    std::vector<std::size_t> cancels;  // indices of rules an exclusion cancels
    std::vector<std::string> channels;  // empty: every channel
    std::unique_ptr<re2::RE2> regex;   // the whole pattern: used when the Set gives up on a text
  };
  RulePack();

  std::string version_;
  double min_score_ = 1.0;
  std::vector<Rule> rules_;
  std::unique_ptr<RuleMatcher> matcher_;  // finds the rules that match, and where
  HandoffPolicy handoff_;
  ReplyTemplates templates_;
  SlotExtractors slots_;
};

}  // namespace intake::dialog
