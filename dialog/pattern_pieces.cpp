#include "dialog/pattern_pieces.hpp"

#include <cctype>
#include <cstddef>
#include <limits>
#include <optional>

namespace intake::dialog {
namespace {

constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max();

// The end of the escape that starts at `i` (a backslash): "\d", "\.", "\p{Han}", "\x{4e00}".
std::size_t skip_escape(std::string_view p, std::size_t i) {
  if (i + 1 >= p.size()) return p.size();
  const char kind = p[i + 1];
  if ((kind == 'p' || kind == 'P' || kind == 'x') && i + 2 < p.size() && p[i + 2] == '{') {
    const std::size_t close = p.find('}', i + 3);
    return close == std::string_view::npos ? p.size() : close + 1;
  }
  return i + 2;
}

// The end of the class that starts at `i` ('['): handles "[]…]", "[^]…]", escapes and
// POSIX classes such as "[[:digit:]]".
std::size_t skip_class(std::string_view p, std::size_t i) {
  std::size_t j = i + 1;
  if (j < p.size() && p[j] == '^') ++j;
  if (j < p.size() && p[j] == ']') ++j;  // a literal ']' first
  while (j < p.size() && p[j] != ']') {
    if (p[j] == '\\') {
      j = skip_escape(p, j);
    } else if (p[j] == '[' && j + 1 < p.size() && p[j + 1] == ':') {
      const std::size_t close = p.find(":]", j + 2);
      j = close == std::string_view::npos ? p.size() : close + 2;
    } else {
      ++j;
    }
  }
  return j < p.size() ? j + 1 : p.size();
}

struct Quantifier {
  std::size_t end;  // index after the quantifier (and its lazy '?')
  std::size_t max;  // most repetitions (kUnbounded for *, +, {n,})
};

// The quantifier at `i`, if there is one.
std::optional<Quantifier> quantifier_at(std::string_view p, std::size_t i) {
  if (i >= p.size()) return std::nullopt;
  Quantifier q{i + 1, 1};
  if (p[i] == '*' || p[i] == '+') {
    q.max = kUnbounded;
  } else if (p[i] == '?') {
    q.max = 1;
  } else if (p[i] == '{') {
    const std::size_t close = p.find('}', i);
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view body = p.substr(i + 1, close - i - 1);
    const std::size_t comma = body.find(',');
    const std::string_view upper = comma == std::string_view::npos ? body : body.substr(comma + 1);
    if (body.empty() || body.find_first_not_of("0123456789,") != std::string_view::npos) return std::nullopt;
    if (upper.empty()) {
      q.max = kUnbounded;
    } else {
      q.max = 0;
      for (char c : upper) q.max = std::min<std::size_t>(q.max * 10 + static_cast<std::size_t>(c - '0'), 1u << 20);
    }
    q.end = close + 1;
  } else {
    return std::nullopt;
  }
  if (q.end < p.size() && p[q.end] == '?') ++q.end;  // lazy: same language
  return q;
}

struct BranchBuilder {
  std::vector<std::string> pieces;
  std::vector<GapLimit> gaps;
  GapLimit gap_so_far;  // the repeated items since the last piece
  bool repeated = false;
  bool started = false;  // add_piece has been called
  bool leads = true;

  void add_piece(std::string_view text) {
    if (!started) leads = !text.empty();
    started = true;
    if (text.empty()) return;
    if (!pieces.empty()) gaps.push_back(std::move(gap_so_far));
    gap_so_far = GapLimit::nothing();
    pieces.emplace_back(text);
  }
  void add_repeated(std::string_view item, std::size_t max_repeats) {
    repeated = true;
    gap_so_far = gap_so_far.then(GapLimit::of_item(item, max_repeats));
  }
  PatternBranch finish(std::string_view whole_branch) {
    if (!repeated) return PatternBranch{std::string(whole_branch), {std::string(whole_branch)}, {}, true, true};
    return PatternBranch{std::string(whole_branch), std::move(pieces), std::move(gaps), false, leads};
  }
};

// The end of the item (character, escape, class or whole group) that starts at `i`;
// nothing when a group is not closed.
std::optional<std::size_t> item_end(std::string_view p, std::size_t i) {
  const char c = p[i];
  if (c == '\\') return skip_escape(p, i);
  if (c == '[') return skip_class(p, i);
  if (c != '(') {
    std::size_t end = i + 1;  // a UTF-8 lead byte takes its continuation bytes along
    while (end < p.size() && (static_cast<unsigned char>(p[end]) & 0xC0) == 0x80) ++end;
    return end;
  }
  int depth = 0;
  while (i < p.size()) {
    if (p[i] == '(') {
      ++depth;
      ++i;
    } else if (p[i] == ')') {
      if (--depth == 0) return i + 1;
      ++i;
    } else {
      i = *item_end(p, i);
    }
  }
  return std::nullopt;
}

// `p` cut at its top-level '|'; nothing when it is unbalanced.
std::optional<std::vector<std::string_view>> top_level_alternatives(std::string_view p) {
  std::vector<std::string_view> out;
  std::size_t start = 0, i = 0;
  while (i < p.size()) {
    if (p[i] == '|') {
      out.push_back(p.substr(start, i - start));
      start = ++i;
      continue;
    }
    if (p[i] == ')') return std::nullopt;
    const auto end = item_end(p, i);
    if (!end) return std::nullopt;
    i = *end;
  }
  out.push_back(p.substr(start));
  return out;
}

// Whether `p` has, anywhere, a quantifier that allows at least `max_at_least` of its item,
// or (when `alternation_counts`) a '|'.
bool has_quantifier(std::string_view p, std::size_t max_at_least, bool alternation_counts) {
  for (std::size_t i = 0; i < p.size();) {
    if (p[i] == '|' && alternation_counts) return true;
    if (p[i] == '(' || p[i] == '|') {
      ++i;
      continue;
    }
    const std::size_t end = p[i] == ')' ? i + 1 : *item_end(p, i);
    const auto q = quantifier_at(p, end);
    if (q && q->max >= max_at_least) return true;
    i = q ? q->end : end;
  }
  return false;
}

// Whether some item anywhere in `p` may repeat more than once.
bool has_repetition(std::string_view p) { return has_quantifier(p, 2, /*alternation_counts=*/false); }

// Whether `p` has a choice point anywhere: an alternation or a quantifier (including "?").
bool has_choice(std::string_view p) { return has_quantifier(p, 0, /*alternation_counts=*/true); }

constexpr std::size_t kMaxDistributed = 64;

// A branch with a plain group that holds a repetition, as in "\b(rude|promised[^.]{0,80}
// says)\b" or "差点(把[^,。]{0,6})?(撞|伤)", is rewritten as one branch per alternative of
// that group ("\brude\b", "\bpromised[^.]{0,80}says\b"; an optional group also as the
// branch without it, after or before the others as "?" is greedy or lazy), so that the
// repetition comes to the top level and can be cut. Only when nothing before the group
// offers a choice: leftmost-first matching then tries the alternatives in this same
// order, so the branches, in order, match what the branch did, with the same spans.
// (After a gap, "a[^.]{0,9}(b|c)" tries b and c at each length of the gap in turn, which
// no order of two branches reproduces.) A group that is only brackets around a repetition,
// as in "(快递|货)((也|都|还){0,4})没到", is opened wherever it stands.
std::vector<std::string> distributed(std::string_view branch) {
  for (std::size_t i = 0; i < branch.size();) {
    const auto end = item_end(branch, i);
    if (!end) return {std::string(branch)};
    const auto q = quantifier_at(branch, *end);
    const std::size_t after = q ? q->end : *end;
    const std::string_view quantifier = branch.substr(*end, after - *end);
    const bool plain_group = branch[i] == '(' && (branch.substr(i).starts_with("(?:") || branch[i + 1] != '?');
    if (plain_group && (quantifier.empty() || quantifier == "?" || quantifier == "??")) {
      const std::size_t inner_begin = branch.substr(i).starts_with("(?:") ? i + 3 : i + 1;
      const std::string_view inner = branch.substr(inner_begin, *end - 1 - inner_begin);
      const auto alternatives = top_level_alternatives(inner);
      // A group of one alternative, not quantified, is only brackets: it can go whatever
      // comes before it, as "X(Y)Z" and "XYZ" match alike, spans included.
      const bool only_brackets = alternatives && alternatives->size() == 1 && quantifier.empty();
      if (alternatives && has_repetition(inner) && (only_brackets || !has_choice(branch.substr(0, i)))) {
        std::vector<std::string_view> choices = *alternatives;
        if (quantifier == "?") choices.push_back({});
        if (quantifier == "??") choices.insert(choices.begin(), std::string_view{});
        std::vector<std::string> out;
        for (std::string_view choice : choices) {
          std::string rewritten = std::string(branch.substr(0, i)) + std::string(choice) + std::string(branch.substr(after));
          for (std::string& d : distributed(rewritten)) out.push_back(std::move(d));
          if (out.size() > kMaxDistributed) return {std::string(branch)};
        }
        return out;
      }
    }
    i = after;
  }
  return {std::string(branch)};
}

// Whether `p` has "(?flags)" anywhere (escaped or not: leaving such a pattern whole is
// never wrong).
bool has_unscoped_flags(std::string_view p) {
  for (std::size_t at = p.find("(?"); at != std::string_view::npos; at = p.find("(?", at + 1)) {
    std::size_t i = at + 2;
    while (i < p.size() && (std::isalpha(static_cast<unsigned char>(p[i])) || p[i] == '-')) ++i;
    if (i > at + 2 && i < p.size() && p[i] == ')') return true;
  }
  return false;
}

std::vector<PatternBranch> cut_at_repetitions(std::string_view p) {
  const std::vector<PatternBranch> unsplit{PatternBranch{std::string(p), {std::string(p)}, {}, true}};
  std::vector<PatternBranch> branches;
  BranchBuilder branch;
  std::size_t branch_start = 0, piece_start = 0;
  std::size_t item_start = 0;  // where the last item outside any group began
  int depth = 0;
  std::size_t i = 0;
  // After an item that ends at `end` (outside any group): a repetition of more than one
  // ends the piece before the item; the next piece starts after the quantifier.
  auto after_item = [&](std::size_t end) {
    const auto q = quantifier_at(p, end);
    if (q && q->max > 1) {
      branch.add_piece(p.substr(piece_start, item_start - piece_start));
      branch.add_repeated(p.substr(item_start, end - item_start), q->max);
      piece_start = q->end;
      return q->end;
    }
    return end;
  };
  while (i < p.size()) {
    const char c = p[i];
    if (depth == 0) item_start = i;
    if (c == '(') {
      ++depth;
      ++i;
    } else if (c == ')') {
      --depth;
      i = depth == 0 ? after_item(i + 1) : i + 1;
    } else if (c == '|' && depth == 0) {
      branch.add_piece(p.substr(piece_start, i - piece_start));
      branches.push_back(branch.finish(p.substr(branch_start, i - branch_start)));
      branch = BranchBuilder{};
      branch_start = piece_start = ++i;
    } else {
      std::size_t end;
      if (c == '\\') {
        end = skip_escape(p, i);
      } else if (c == '[') {
        end = skip_class(p, i);
      } else {
        end = i + 1;  // one character: a UTF-8 lead byte takes its continuation bytes along
        while (end < p.size() && (static_cast<unsigned char>(p[end]) & 0xC0) == 0x80) ++end;
      }
      i = depth == 0 ? after_item(end) : end;
    }
  }
  if (depth != 0) return unsplit;  // unbalanced: not ours to take apart
  branch.add_piece(p.substr(piece_start));
  branches.push_back(branch.finish(p.substr(branch_start)));
  return branches;
}

}  // namespace

std::vector<PatternBranch> split_on_repetitions(std::string_view p) {
  const std::vector<PatternBranch> unsplit{PatternBranch{std::string(p), {std::string(p)}, {}, true}};
  // Flags that apply to the rest of the pattern ("(?i)", also in mid-pattern) apply to
  // pieces and gaps cut from it; \Q…\E hides syntax from this scanner.
  if (has_unscoped_flags(p)) return unsplit;
  if (p.find("\\Q") != std::string_view::npos) return unsplit;
  const auto alternatives = top_level_alternatives(p);
  if (!alternatives) return unsplit;  // unbalanced: not ours to take apart
  std::vector<PatternBranch> branches;
  for (std::string_view alternative : *alternatives)
    for (const std::string& branch : distributed(alternative))
      for (PatternBranch& b : cut_at_repetitions(branch)) branches.push_back(std::move(b));
  return branches;
}

}  // namespace intake::dialog
