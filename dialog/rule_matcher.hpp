#pragma once
// Finds which of a pack's rules match a text, and where. Internal to dialog/; RulePack
// owns one.
//
// How: one RE2::Set pass over the rules' pieces without repetition (pattern_pieces.hpp)
// names the alternatives ("branches") of each rule whose pieces all occur; each such
// branch is then run on its own with RE2, which confirms it and gives the span. A branch
// is a small automaton whose DFA is soon complete, where a whole rule of dozens of
// alternatives with gaps keeps building new states on every new message.
//
// Contract: the result is exactly the rules whose pattern matches the text (RE2
// semantics, unanchored), each with the leftmost span among its matching branches.
// Immutable after build, safe to share between threads.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intake/result.hpp"

namespace intake::dialog {

class RuleMatcher {
 public:
  struct Match {
    std::size_t rule;  // index into the patterns given to build()
    std::size_t begin, end;  // byte offsets of the span in the text
  };

  // Compiles `patterns` (each already accepted by RE2) with `set_memory_budget` bytes for
  // the Set. Fails only when the Set does not fit the budget.
  static Result<RuleMatcher> build(const std::vector<std::string>& patterns, std::int64_t set_memory_budget);

  RuleMatcher(RuleMatcher&&) noexcept;
  RuleMatcher& operator=(RuleMatcher&&) noexcept;
  ~RuleMatcher();

  // The matching rules in rule order, or nothing when the Set's DFA ran out of memory on
  // this text (the caller then runs every rule's own RE2).
  std::optional<std::vector<Match>> match(std::string_view text) const;

  std::size_t piece_count() const;
  std::size_t branch_count() const;

 private:
  struct Compiled;
  explicit RuleMatcher(std::unique_ptr<Compiled> compiled);
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace intake::dialog
