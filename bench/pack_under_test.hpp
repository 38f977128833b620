#pragma once
// One rule pack as intake-classify-bench tests it: the product's compiled RulePack, and
// beside it the same rules as one RE2 per rule, as a bare RE2::Set and (when built with
// Hyperscan) as a Hyperscan database; plus what the correctness check learnt about it.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "intake/dialog/rule_pack.hpp"
#include "rule_matchers.hpp"
#ifdef INTAKE_BENCH_HAVE_HYPERSCAN
#include "hyperscan_matcher.hpp"
#endif

namespace intake::bench {

// Messages on which Hyperscan and RE2 disagree about some accepted pattern. Not an error:
// the two engines differ in places (\b is Unicode-aware under HS_FLAG_UCP and ASCII-only
// in RE2, for one), and the benchmark reports it rather than hiding it.
struct EngineDisagreement {
  std::size_t message;
  std::vector<std::string> only_hyperscan;  // rule ids
  std::vector<std::string> only_re2;
};

#ifdef INTAKE_BENCH_HAVE_HYPERSCAN
// One way of compiling the pack with Hyperscan, and how it compares with RE2.
struct HyperscanUnderTest {
  std::string key;   // "hyperscan" (HS_FLAG_UCP) or "hyperscan_ascii"
  std::string name;  // for the table
  std::unique_ptr<HyperscanMatcher> matcher;
  // RE2::Set over only the patterns Hyperscan accepted; null when it accepted them all.
  std::unique_ptr<SetMatcher> set_of_accepted;
  std::size_t disagreeing_messages = 0;
  std::vector<EngineDisagreement> examples;  // the first few
};
#endif

struct PackUnderTest {
  std::string label;   // "default" or "generated"
  std::string source;  // a path, or how the pack was generated
  std::string json_text;
  std::shared_ptr<const dialog::RulePack> pack;  // null when RulePack::parse rejected it
  std::string rejected_by_rule_pack;             // RulePack::parse's error, if it did
  double parse_seconds = 0;  // RulePack::parse: JSON, every RE2 and the RE2::Set
  std::int64_t set_max_mem = 0;  // of the bare RE2::Set below
  std::vector<PackRule> rules;
  std::unique_ptr<PerRuleMatcher> per_rule;
  std::unique_ptr<SetMatcher> set;
#ifdef INTAKE_BENCH_HAVE_HYPERSCAN
  std::vector<HyperscanUnderTest> hyperscan;
#endif

  // Filled by check_agreement: per message, the rules classify() reports as hits (or
  // would: the rules that fired minus those exclusions cancel, when RulePack rejected it).
  std::vector<FiredRules> hits_of_message;
  double hits_per_message = 0;
  double raw_matches_per_message = 0;  // before exclusions
  std::size_t messages_without_hits = 0;
};

// Parses `json_text` with RulePack::parse and builds the other matchers. If RulePack
// rejects the pack, a `required` one (the default pack) is an error (std::runtime_error
// with RulePack's message); any other is kept without the product's path, its error
// recorded, and its bare RE2::Set compiled with `fallback_max_mem` instead of RE2's
// default: what classify() would cost if RulePack raised its limit.
PackUnderTest load_pack(std::string label, std::string source, std::string json_text, bool required,
                        std::int64_t fallback_max_mem);

// Before anything is timed: for every (normalised) message, the bare RE2::Set and one RE2
// per rule must fire the same rules, and RulePack::classify (if it loaded the pack) must
// report as hits exactly those minus the ones exclusions cancel. Throws std::runtime_error naming the pack, the
// message and the rules on the first disagreement (or if RE2::Set gives up on a text).
// Also records how Hyperscan's matches compare, which is only reported.
void check_agreement(PackUnderTest& pack, const std::vector<std::string>& normalized_messages);

}  // namespace intake::bench
