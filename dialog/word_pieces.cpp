#include "dialog/word_pieces.hpp"

#include <algorithm>

#include "intake/utf8.hpp"

namespace intake::dialog {
namespace {

constexpr std::size_t kMaxClassSize = 64;

bool is_ascii_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A recursive-descent reader for the subset: alternation, concatenation, "(…)", "(?:…)",
// "?" and "??" after an item, literal characters, escaped punctuation ("\."), small
// classes without negation ("[o']", "[2-5]"), and "\b" first or last at the top level.
// Each item is expanded to the set of strings it matches; `limit` bounds every set.
class Reader {
 public:
  Reader(std::string_view text, std::size_t limit) : p_(text), limit_(limit) {}

  // The top level as a piece; nothing when outside the subset.
  std::optional<WordPiece> top() {
    WordPiece piece;
    if (p_.starts_with("^")) {
      piece.at_text_start = true;
      i_ = 1;
    }
    if (p_.substr(i_).starts_with("\\b")) {
      piece.boundary_before = true;
      i_ += 2;
    }
    std::size_t end = p_.size();
    if (end > i_ && p_[end - 1] == '$' && !escaped(end - 1)) {
      piece.at_text_end = true;
      --end;
    }
    if (end > i_ + 1 && p_.substr(end - 2, 2) == "\\b" && !escaped(end - 2)) {
      piece.boundary_after = true;
      end -= 2;
    }
    const std::string_view whole = p_;
    p_ = p_.substr(0, end);
    while (i_ < p_.size() && p_[i_] != '|') {
      auto item = read_item();
      if (!item) return std::nullopt;
      piece.slots.push_back(std::move(*item));
    }
    if (i_ < p_.size()) {  // a top-level '|': the whole piece is one slot
      if (piece.boundary_before || piece.boundary_after) return std::nullopt;  // \b applies to one alternative
      p_ = whole;
      i_ = 0;
      auto all = read_alternation();
      if (!all || i_ != p_.size()) return std::nullopt;
      piece.slots = {slot_of(std::move(*all))};
    }
    return piece;
  }

 private:
  using Words = std::vector<std::string>;

  static WordSlot slot_of(Words words) {
    WordSlot slot;
    for (auto& w : words) {
      if (w.empty())
        slot.optional = true;
      else
        slot.words.push_back(std::move(w));
    }
    std::sort(slot.words.begin(), slot.words.end());
    slot.words.erase(std::unique(slot.words.begin(), slot.words.end()), slot.words.end());
    return slot;
  }

  std::optional<WordSlot> read_item() {
    auto words = read_atom();
    if (!words) return std::nullopt;
    WordSlot slot = slot_of(std::move(*words));
    if (i_ < p_.size() && p_[i_] == '?') {
      slot.optional = true;
      ++i_;
      if (i_ < p_.size() && p_[i_] == '?') ++i_;  // lazy: the same strings
    }
    if (i_ < p_.size() && (p_[i_] == '*' || p_[i_] == '+' || p_[i_] == '{')) return std::nullopt;
    return slot;
  }

  // One character or one group, as the strings it matches.
  std::optional<Words> read_atom() {
    if (i_ >= p_.size()) return std::nullopt;
    const char c = p_[i_];
    if (c == '(') {
      ++i_;
      if (p_.substr(i_).starts_with("?:"))
        i_ += 2;
      else if (i_ < p_.size() && p_[i_] == '?')
        return std::nullopt;  // flags or a named group
      auto words = read_alternation();
      if (!words || i_ >= p_.size() || p_[i_] != ')') return std::nullopt;
      ++i_;
      return words;
    }
    if (c == '[') return read_class();
    if (c == '\\') {  // escaped punctuation is itself; \b, \d, \x… are not words
      if (i_ + 1 >= p_.size() || is_ascii_alnum(p_[i_ + 1]) || static_cast<unsigned char>(p_[i_ + 1]) >= 0x80)
        return std::nullopt;
      Words one{std::string(1, p_[i_ + 1])};
      i_ += 2;
      return one;
    }
    if (std::string_view(".]{}*+?^$|)").find(c) != std::string_view::npos) return std::nullopt;
    std::size_t end = i_ + 1;
    while (end < p_.size() && (static_cast<unsigned char>(p_[end]) & 0xC0) == 0x80) ++end;
    Words one{std::string(p_.substr(i_, end - i_))};
    i_ = end;
    return one;
  }

  // "[…]" with characters, ranges and escaped punctuation, at most kMaxClassSize of them.
  std::optional<Words> read_class() {
    std::size_t i = i_ + 1;
    if (i < p_.size() && (p_[i] == '^' || p_[i] == ']')) return std::nullopt;  // negated, or "[]…]"
    std::vector<char32_t> members;
    auto member = [&]() -> std::optional<char32_t> {
      if (i >= p_.size()) return std::nullopt;
      if (p_[i] == '\\') {
        if (i + 1 >= p_.size() || is_ascii_alnum(p_[i + 1]) || static_cast<unsigned char>(p_[i + 1]) >= 0x80)
          return std::nullopt;
        i += 2;
        return static_cast<char32_t>(p_[i - 1]);
      }
      if (p_[i] == '[') return std::nullopt;  // "[:alpha:]"
      const char32_t cp = decode_utf8(p_, i);
      if (cp == kNotACharacter) return std::nullopt;
      return cp;
    };
    while (i < p_.size() && p_[i] != ']') {
      const auto from = member();
      if (!from) return std::nullopt;
      char32_t to = *from;
      if (i + 1 < p_.size() && p_[i] == '-' && p_[i + 1] != ']') {
        ++i;
        const auto last = member();
        if (!last || *last < *from) return std::nullopt;
        to = *last;
      }
      if (to - *from >= kMaxClassSize || members.size() + (to - *from) >= kMaxClassSize) return std::nullopt;
      for (char32_t cp = *from; cp <= to; ++cp) members.push_back(cp);
    }
    if (i >= p_.size() || members.empty()) return std::nullopt;
    i_ = i + 1;
    Words words;
    for (char32_t cp : members) append_utf8(words.emplace_back(), cp);
    return words;
  }

  // Whether the character at `at` is escaped by an odd run of backslashes before it.
  bool escaped(std::size_t at) const {
    std::size_t run = 0;
    while (run < at && p_[at - 1 - run] == '\\') ++run;
    return run % 2 == 1;
  }

  // Alternatives up to the next ')' or the end.
  std::optional<Words> read_alternation() {
    Words all;
    while (true) {
      auto seq = read_sequence();
      if (!seq) return std::nullopt;
      all.insert(all.end(), seq->begin(), seq->end());
      if (all.size() > limit_) return std::nullopt;
      if (i_ < p_.size() && p_[i_] == '|') {
        ++i_;
        continue;
      }
      return all;
    }
  }

  // A concatenation up to '|', ')' or the end, as the product of its items.
  std::optional<Words> read_sequence() {
    Words product{""};
    while (i_ < p_.size() && p_[i_] != '|' && p_[i_] != ')') {
      auto item = read_item();
      if (!item) return std::nullopt;
      Words next;
      for (const auto& head : product) {
        if (item->optional) next.push_back(head);
        for (const auto& w : item->words) next.push_back(head + w);
      }
      if (next.size() > limit_) return std::nullopt;
      product = std::move(next);
    }
    return product;
  }

  std::string_view p_;
  std::size_t limit_;
  std::size_t i_ = 0;
};

// Adjacent slots with few combinations become one: longer words are rarer, so the
// automaton reports fewer places and fewer chains are followed. An optional slot takes
// part as its words and the empty string. Measured on the default pack and the dev
// corpus: up to 1,024 combinations, 19k words and 16 % fewer instructions a message than
// up to 64 (8k words); 4,096 saves 2 % more for 29k words.
constexpr std::size_t kMergeLimit = 1024;

std::vector<WordSlot> merged(std::vector<WordSlot> slots) {
  std::vector<WordSlot> out;
  auto choices = [](const WordSlot& s) { return s.words.size() + (s.optional ? 1 : 0); };
  for (auto& slot : slots) {
    if (out.empty() || choices(out.back()) * choices(slot) > kMergeLimit) {
      out.push_back(std::move(slot));
      continue;
    }
    WordSlot& last = out.back();
    std::vector<std::string> left = last.words, right = slot.words;
    if (last.optional) left.emplace_back();
    if (slot.optional) right.emplace_back();
    std::vector<std::string> product;
    for (const auto& a : left)
      for (const auto& b : right)
        if (!a.empty() || !b.empty()) product.push_back(a + b);
    std::sort(product.begin(), product.end());
    product.erase(std::unique(product.begin(), product.end()), product.end());
    last.words = std::move(product);
    last.optional = last.optional && slot.optional;
  }
  return out;
}

}  // namespace

std::optional<WordPiece> read_word_piece(std::string_view piece, std::size_t max_words_per_slot) {
  Reader reader(piece, max_words_per_slot);
  auto read = reader.top();
  if (!read) return std::nullopt;
  std::vector<WordSlot> kept;
  for (auto& s : read->slots) {
    if (s.words.empty()) continue;  // matches only the empty string: no constraint
    kept.push_back(std::move(s));
  }
  if (std::all_of(kept.begin(), kept.end(), [](const WordSlot& s) { return s.optional; }))
    return std::nullopt;  // the piece can match the empty text
  read->slots = merged(std::move(kept));
  return read;
}

}  // namespace intake::dialog
