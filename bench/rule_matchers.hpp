#pragma once
// The rules of a pack as the benchmark needs them, and the RE2 matchers that
// RulePack::classify is measured against and checked with. RulePack keeps its rules
// private, so the benchmark reads them again from the same JSON text.
#include <re2/re2.h>
#include <re2/set.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace intake::bench {

struct PackRule {
  std::string id;
  std::string target;
  std::string pattern;
  std::vector<std::size_t> cancels;  // for an exclusion: indices of the rules it cancels
};

// Indices of the rules whose pattern matches somewhere in a text, ascending.
using FiredRules = std::vector<std::size_t>;

// Reads a pack that RulePack::parse has already accepted (so it is not validated again).
std::vector<PackRule> read_pack_rules(std::string_view json_text);

// The options RulePack compiles every pattern with (see dialog/rule_pack.cpp).
RE2::Options pack_regex_options();

// Removes the rules that a fired exclusion cancels, as RulePack::classify does.
FiredRules apply_exclusions(FiredRules fired, const std::vector<PackRule>& rules);

// The naive alternative to one RE2::Set: one RE2 per rule, each searched over the text.
class PerRuleMatcher {
 public:
  explicit PerRuleMatcher(const std::vector<PackRule>& rules);

  FiredRules fired(std::string_view text) const;
  // The timed form of fired(): RE2::PartialMatch per rule, counting instead of collecting.
  std::size_t count_fired(std::string_view text) const;
  // The leftmost match of one rule, as classify() finds it to report a hit's span.
  std::string_view span(std::size_t rule, std::string_view text) const;

 private:
  std::vector<std::unique_ptr<RE2>> regexes_;
};

// A bare RE2::Set with RulePack's options over some of a pack's rules: the Set pass of
// classify() without the rest, to time it alone, and to compare with Hyperscan over
// exactly the patterns Hyperscan accepted.
class SetMatcher {
 public:
  // `rules_in_set` are indices into `rules`; matches are reported as those indices.
  // `max_mem` is RE2's memory budget for the Set (program and DFA cache); RulePack uses
  // RE2's default. Throws std::runtime_error if the Set does not compile.
  SetMatcher(const std::vector<PackRule>& rules, const std::vector<std::size_t>& rules_in_set,
             std::int64_t max_mem = RE2::Options().max_mem());

  // False when RE2 gave up (its DFA ran out of memory): then `fired` is not the answer.
  bool match(std::string_view text, FiredRules& fired) const;
  std::size_t count_fired(std::string_view text) const;

 private:
  std::unique_ptr<RE2::Set> set_;
  std::vector<std::size_t> rule_of_entry_;
};

// All indices 0..n-1.
std::vector<std::size_t> all_rules(std::size_t n);

}  // namespace intake::bench
