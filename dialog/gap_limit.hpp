#pragma once
// What a pattern allows between two of its pieces (pattern_pieces.hpp): at most so many
// characters, and either only some characters or any but some. "[^,。]{0,6}" allows six
// characters other than ',' and '。'; "(也|都|还){0,2}" two characters among 也, 都 and
// 还; "[?!~ ]*" any number of those four; ".*" is not limited. Internal to dialog/.
//
// Why: a branch such as "(有|是)[^,.;:?!。]{0,12}(吗|么)[ ,.?!]" has both its words in
// most questions, but rarely with twelve characters or fewer and no punctuation between
// them. Checking that costs a few steps; asking RE2 costs a search.
//
// Contract: a limit is necessary, never sufficient: when text[from, to) is something the
// pattern allows there, fits() is true. It may be true for text the pattern does not
// allow (lower bounds are not read, nor is the order of characters, nor text that is not
// UTF-8).
#include <cstddef>
#include <limits>
#include <string_view>
#include <vector>

namespace intake::dialog {

struct GapLimit {
  static constexpr std::size_t kUnlimited = std::numeric_limits<std::size_t>::max();
  std::size_t max_chars = kUnlimited;
  bool only_listed = false;      // true: only the listed characters; false: any but them
  std::vector<char32_t> listed;  // sorted

  static GapLimit nothing() { return {0, true, {}}; }  // no room at all
  // The limit of one repeated item: `item` (a character, escape, class or group) allowed
  // up to `max_repeats` times.
  static GapLimit of_item(std::string_view item, std::size_t max_repeats);
  // What this gap and then `next` allow: their lengths add up, and a character may occur
  // when either allows it.
  GapLimit then(const GapLimit& next) const;

  bool limits_anything() const { return max_chars != kUnlimited || only_listed || !listed.empty(); }
  // Whether text[from, to) may be this gap; false when to < from. `from` and `to` are
  // where characters start.
  bool fits(std::string_view text, std::size_t from, std::size_t to) const;
};

}  // namespace intake::dialog
