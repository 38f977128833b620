#pragma once
// Splits a rule's RE2 pattern into the pieces without repetition that a match must
// contain, so that the pack's matcher (rule_matcher.hpp) can look for pieces instead of
// whole patterns. Internal to dialog/.
//
// Why: a repeated item, such as the gap [^,.;:?!。]{0,6} or a filler (也|都|还){0,2},
// keeps threads alive in a DFA for several characters after the word before it. With a
// hundred rules the DFA's states become combinations of such threads, and nearly every
// new message needs new ones (hundreds of µs a message, measured). Pieces without
// repetition are mostly plain words, found without RE2; the few branches whose pieces all
// occur are then confirmed with their own RE2.
#include <string>
#include <string_view>
#include <vector>

#include "dialog/gap_limit.hpp"

namespace intake::dialog {

// One top-level alternative of a pattern ("A|B" has two).
struct PatternBranch {
  std::string text;  // the alternative itself, a valid pattern on its own
  // Sub-patterns that every match of the branch contains, in order. When `exact`, the
  // branch had no repetition and its single piece is the branch itself: a match of the piece is
  // a match of the rule. Otherwise the pieces are only necessary: the rule must be
  // confirmed. A branch with no piece (only repetitions) is a candidate for every text.
  std::vector<std::string> pieces;
  // What the branch allows between pieces[i] and pieces[i + 1] (none when `exact`).
  std::vector<GapLimit> gaps;
  bool exact = true;
  // The branch's text begins with pieces.front(): a match of the branch starts where a
  // match of its first piece starts. False when it begins with a repetition.
  bool leads = true;
};

// The pattern is cut at its top-level "|" and around every item outside a group that may
// repeat more than once ("*", "+", "{n,}", "{n,m}" with m > 1): a character, class, escape
// or whole group. Repetitions inside a group stay in their piece; patterns this scanner
// does not take apart (leading flags such as "(?i)", \Q…\E, unbalanced) give one exact
// branch holding the whole pattern: still correct, only not split. The pattern is assumed
// to be valid RE2 syntax (RE2 has compiled it before this is called).
std::vector<PatternBranch> split_on_repetitions(std::string_view pattern);

}  // namespace intake::dialog
