#pragma once
// Reads a piece (pattern_pieces.hpp) that is made only of words: characters, groups of
// alternatives and optional items, as in "(产品|东西)(质量)?(太|很)?(差|烂)" or
// "\b(does ?n[o']t) work\b". Such a piece can be found by a word automaton
// (word_automaton.hpp) instead of RE2's lazy DFA, which on text it has not seen keeps
// building states (rule_matcher.hpp says more). Internal to dialog/.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace intake::dialog {

// One position of a word piece: any of `words` (non-empty, distinct), or nothing when
// `optional`.
struct WordSlot {
  std::vector<std::string> words;
  bool optional = false;
};

// A piece matches at a place when its slots, in order, match one after another from there
// (and the boundaries asked for are there).
// At least one slot is not optional.
struct WordPiece {
  std::vector<WordSlot> slots;
  // "\b" first or last: the match must start (end) at an ASCII word boundary, as RE2's \b.
  bool boundary_before = false, boundary_after = false;
  // "^" first or "$" last: the match must start at the beginning (end at the end) of the text.
  bool at_text_start = false, at_text_end = false;
};

// The piece as slots, or nothing when it uses any other syntax (negated or large classes,
// escapes other than punctuation and an outer \b, anchors other than an outer ^ and $,
// counted repetition, flags),
// when it can match the empty text, or when a slot would need more than
// `max_words_per_slot` words. `piece` is valid RE2 syntax.
std::optional<WordPiece> read_word_piece(std::string_view piece, std::size_t max_words_per_slot = 4096);

}  // namespace intake::dialog
