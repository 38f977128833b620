#pragma once
// Finds which of a pack's rules match a text, and where. Internal to dialog/; RulePack
// owns one.
//
// How: each rule's pattern is cut into alternatives ("branches") and pieces without
// repetition (pattern_pieces.hpp). Pieces made of words (word_pieces.hpp) are found by a
// word automaton, which also says where each starts; the few others by one RE2::Set. A
// branch whose pieces all occur is checked against what its gaps allow between them
// (gap_limit.hpp), then confirmed: one that is its own word piece needs no regex when its
// match can end in one place only; one that begins with a word piece is run anchored at
// those of that piece's starts the check kept; any other is searched for with its own RE2.
//
// Why: RE2's lazy DFA builds its states as texts need them. A Set over whole patterns
// with gaps and fillers, and even a Set over plain words that reports every match, keeps
// meeting new states on messages it has not seen, and spends its time building them
// (measured: 90–150 µs a message on new text). The automaton is built whole, once, and
// anchored runs of one branch need few states.
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
  std::size_t word_piece_count() const;  // of piece_count(), those found by words
  std::size_t branch_count() const;

 private:
  struct Compiled;
  explicit RuleMatcher(std::unique_ptr<Compiled> compiled);
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace intake::dialog
