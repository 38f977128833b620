#include "dialog/gap_limit.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

#include "dialog/word_pieces.hpp"
#include "intake/utf8.hpp"

namespace intake::dialog {
namespace {

// The characters a negated class "[^…]" of plain characters and escaped punctuation
// leaves out, or nothing for any other item (ranges, \d, [:alpha:] … are not read).
std::optional<std::vector<char32_t>> left_out_by(std::string_view item) {
  if (item.size() < 4 || !item.starts_with("[^") || item.back() != ']') return std::nullopt;
  const std::string_view body = item.substr(2, item.size() - 3);
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < body.size();) {
    if (body[i] == '\\') {
      if (i + 1 >= body.size() || !std::ispunct(static_cast<unsigned char>(body[i + 1]))) return std::nullopt;
      out.push_back(static_cast<unsigned char>(body[i + 1]));
      i += 2;
      continue;
    }
    if (body[i] == '[' || (body[i] == '-' && i != 0 && i + 1 != body.size())) return std::nullopt;
    const char32_t cp = decode_utf8(body, i);
    if (cp == kNotACharacter) return std::nullopt;
    out.push_back(cp);
  }
  return out;
}

std::vector<char32_t> sorted(std::vector<char32_t> chars) {
  std::sort(chars.begin(), chars.end());
  chars.erase(std::unique(chars.begin(), chars.end()), chars.end());
  return chars;
}

}  // namespace

GapLimit GapLimit::of_item(std::string_view item, std::size_t max_repeats) {
  if (auto left_out = left_out_by(item)) return {max_repeats, false, sorted(std::move(*left_out))};
  // An item made of words ("[吗呢]", "(也|都|超级?)") is as long as its longest match
  // and made of its words' characters.
  if (const auto words = read_word_piece(item, /*max_words_per_slot=*/256)) {
    std::size_t longest = 0;
    std::vector<char32_t> chars;
    for (const WordSlot& slot : words->slots) {
      std::size_t longest_word = 0;
      for (const std::string& word : slot.words) {
        std::size_t length = 0;
        for (std::size_t i = 0; i < word.size(); ++length) chars.push_back(decode_utf8(word, i));
        longest_word = std::max(longest_word, length);
      }
      longest += longest_word;
    }
    const bool too_long = max_repeats != kUnlimited && longest > kUnlimited / (max_repeats + 1);
    return {max_repeats == kUnlimited || too_long ? kUnlimited : longest * max_repeats, true, sorted(std::move(chars))};
  }
  if (item.empty() || item.front() == '(') return {};  // a group of other syntax: not read
  return {max_repeats, false, {}};  // any other item is one character
}

GapLimit GapLimit::then(const GapLimit& next) const {
  GapLimit both;
  if (max_chars != kUnlimited && next.max_chars != kUnlimited) both.max_chars = max_chars + next.max_chars;
  const auto& a = listed;
  const auto& b = next.listed;
  auto& out = both.listed;
  if (only_listed && next.only_listed) {  // either list may occur
    both.only_listed = true;
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  } else if (only_listed) {  // ruled out by next and not allowed by this one
    std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(out));
  } else if (next.only_listed) {
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  } else {  // ruled out by both
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  }
  return both;
}

bool GapLimit::fits(std::string_view text, std::size_t from, std::size_t to) const {
  if (to < from) return false;
  const std::string_view gap = text.substr(0, to);
  std::size_t chars = 0;
  for (std::size_t i = from; i < to;) {
    const char32_t cp = decode_utf8(gap, i);
    // RE2 reads some malformed sequences as one character: this limit cannot say.
    if (cp == kNotACharacter) return true;
    if (++chars > max_chars) return false;
    if (std::binary_search(listed.begin(), listed.end(), cp) != only_listed) return false;
  }
  return true;
}

}  // namespace intake::dialog
