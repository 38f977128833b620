#include "dialog/rule_matcher.hpp"

#include "dialog/index_set.hpp"
#include "dialog/pack_parsing.hpp"
#include "dialog/pattern_pieces.hpp"
#include "dialog/piece_finder.hpp"
#include "dialog/word_pieces.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <span>
#include <unordered_map>

namespace intake::dialog {
namespace {

// Whether `piece` is made only of zero-width assertions ("$", "\b" …): text nearly always
// has them, so looking for them filters nothing.
bool only_assertions(std::string_view piece) {
  constexpr std::string_view kAssertionEscapes = "bBAz";
  for (std::size_t i = 0; i < piece.size();) {
    if (piece[i] == '^' || piece[i] == '$') {
      ++i;
    } else if (piece[i] == '\\' && i + 1 < piece.size() && kAssertionEscapes.find(piece[i + 1]) != std::string_view::npos) {
      i += 2;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

struct RuleMatcher::Compiled {
  // A piece is looked for in one of two ways: a word piece by the PieceFinder, which also
  // says where it starts; any other by the RE2::Set, which says only whether it occurs.
  // Pieces are numbered word pieces first, as the finder numbers them, then the Set's:
  // piece p is the finder's p below word_pieces, else the Set's pattern p - word_pieces.
  std::size_t word_pieces = 0, set_pieces = 0;
  bool by_words(std::size_t piece) const { return piece < word_pieces; }
  struct Branch {
    std::size_t rule;
    std::unique_ptr<re2::RE2> regex;  // the alternative alone: confirms it, gives the span
    std::vector<std::size_t> pieces;  // all required
    bool leads;                       // a match starts where a match of pieces.front() starts
    bool exact;                       // the branch is its one piece: a match of it is a match
    std::vector<GapLimit> gaps;       // what may come between pieces[i] and pieces[i + 1]
    // When the branch begins with ^ (ends with $): what may come before its first piece
    // (after its last).
    std::optional<GapLimit> from_text_start{}, to_text_end{};
    bool uses_set = false;            // some piece is looked for by the Set
    bool gaps_checked = false;        // all pieces are word pieces and some gap is limited
  };
  std::optional<PieceFinder> finder;
  std::unique_ptr<re2::RE2::Set> set;
  std::vector<Branch> branches;  // in rule order, then in the order of the pattern
  // The branches to look at when a word piece is present: those indexed under it (each
  // branch under its first word piece), with the other word pieces each needs (most need
  // none). Flat, and apart from the branches: this is read for every piece a text has.
  struct Indexed {
    std::uint32_t branch;
    std::uint32_t needs_begin, needs_end;  // into `needs`
    bool uses_set;
  };
  std::vector<std::uint32_t> indexed_begin;  // by word piece: indexed[indexed_begin[p] .. indexed_begin[p + 1])
  std::vector<Indexed> indexed;
  std::vector<std::uint32_t> needs;  // word pieces
  std::vector<std::size_t> without_words;  // branches with no word piece: after the Set
};

RuleMatcher::RuleMatcher(std::unique_ptr<Compiled> compiled) : compiled_(std::move(compiled)) {}
RuleMatcher::RuleMatcher(RuleMatcher&&) noexcept = default;
RuleMatcher& RuleMatcher::operator=(RuleMatcher&&) noexcept = default;
RuleMatcher::~RuleMatcher() = default;

std::size_t RuleMatcher::piece_count() const { return compiled_->word_pieces + compiled_->set_pieces; }
std::size_t RuleMatcher::branch_count() const { return compiled_->branches.size(); }

std::size_t RuleMatcher::word_piece_count() const { return compiled_->word_pieces; }

Result<RuleMatcher> RuleMatcher::build(const std::vector<std::string>& patterns, std::int64_t set_memory_budget) {
  const RE2::Options options = pattern_options(/*case_sensitive=*/true);
  RE2::Options set_options = options;
  set_options.set_max_mem(set_memory_budget);
  auto compiled = std::make_unique<Compiled>();
  compiled->set = std::make_unique<re2::RE2::Set>(set_options, RE2::UNANCHORED);
  // Until every piece is known, a piece is numbered in order of appearance; `found_as`
  // says where each was put, and the branches are renumbered at the end.
  struct FoundAs {
    bool by_words;
    std::size_t index;  // into word_pieces or the Set's patterns
  };
  std::vector<FoundAs> found_as;
  std::unordered_map<std::string, std::size_t> index_of_piece;  // rules share words: one entry each
  std::vector<WordPiece> word_pieces;
  auto add_piece = [&](const std::string& text) -> std::optional<std::size_t> {
    if (auto it = index_of_piece.find(text); it != index_of_piece.end()) return it->second;
    if (auto words = read_word_piece(text)) {
      found_as.push_back({true, word_pieces.size()});
      word_pieces.push_back(std::move(*words));
    } else {
      const int index = compiled->set->Add(text, nullptr);
      if (index < 0) return std::nullopt;
      found_as.push_back({false, static_cast<std::size_t>(index)});
    }
    index_of_piece.emplace(text, found_as.size() - 1);
    return found_as.size() - 1;
  };
  auto compile_branch = [&](std::size_t rule, const PatternBranch& b) -> std::optional<Compiled::Branch> {
    Compiled::Branch branch{rule, std::make_unique<re2::RE2>(b.text, options), {}, b.leads, b.exact, {}};
    if (!branch.regex->ok()) return std::nullopt;
    GapLimit gap = GapLimit::nothing();  // since the last piece kept, or since ^
    bool from_start = false;
    for (std::size_t k = 0; k < b.pieces.size(); ++k) {
      if (k > 0 && !b.exact) gap = gap.then(b.gaps[k - 1]);
      // A branch that is more than its pieces is confirmed by its RE2 in any case: a piece
      // of assertions only is left out rather than looked for (it takes no room in a gap).
      // If it was the first, the next piece no longer marks where a match starts.
      const std::string& piece = b.pieces[k];
      if (!b.exact && only_assertions(piece)) {
        if (k == 0) {
          branch.leads = false;
          from_start = piece.find('^') != std::string::npos || piece.find("\\A") != std::string::npos;
        }
        if (k + 1 == b.pieces.size() && !branch.pieces.empty() &&
            (piece.find('$') != std::string::npos || piece.find("\\z") != std::string::npos))
          branch.to_text_end = gap;
        continue;
      }
      const auto index = add_piece(piece);
      if (!index) return std::nullopt;
      if (!branch.pieces.empty()) branch.gaps.push_back(gap);
      if (branch.pieces.empty() && from_start) branch.from_text_start = gap;
      branch.pieces.push_back(*index);
      gap = GapLimit::nothing();
    }
    return branch;
  };
  for (std::size_t rule = 0; rule < patterns.size(); ++rule) {
    std::vector<Compiled::Branch> branches;
    for (const PatternBranch& b : split_on_repetitions(patterns[rule])) {
      auto branch = compile_branch(rule, b);
      if (!branch) {
        // A part RE2 will not take on its own: the whole pattern (valid, checked by the
        // caller) stands as one branch and one piece instead.
        const std::string& whole = patterns[rule];
        branch = compile_branch(rule, PatternBranch{whole, {whole}, {}, true, true});
        if (!branch) return make_error("invalid_pattern", "rule " + std::to_string(rule) + ": RE2 refused the pattern");
        branches.clear();
        branches.push_back(std::move(*branch));
        break;
      }
      branches.push_back(std::move(*branch));
    }
    for (Compiled::Branch& b : branches) compiled->branches.push_back(std::move(b));
  }
  compiled->word_pieces = word_pieces.size();
  compiled->set_pieces = found_as.size() - word_pieces.size();
  for (Compiled::Branch& branch : compiled->branches)
    for (std::size_t& piece : branch.pieces)
      piece = found_as[piece].by_words ? found_as[piece].index : compiled->word_pieces + found_as[piece].index;
  if (compiled->set_pieces == 0)
    compiled->set.reset();
  else if (!compiled->set->Compile())
    return make_error("set_too_large", "the patterns need more than " + std::to_string(set_memory_budget >> 20) + " MiB");
  compiled->finder.emplace(word_pieces);
  std::vector<std::vector<Compiled::Indexed>> indexed_under(compiled->word_pieces);
  for (std::size_t b = 0; b < compiled->branches.size(); ++b) {
    Compiled::Branch& branch = compiled->branches[b];
    auto by_words = [&](std::size_t piece) { return compiled->by_words(piece); };
    branch.uses_set = !std::all_of(branch.pieces.begin(), branch.pieces.end(), by_words);
    branch.gaps_checked = !branch.uses_set && (branch.from_text_start || branch.to_text_end ||
                                               std::any_of(branch.gaps.begin(), branch.gaps.end(),
                                                           [](const GapLimit& g) { return g.limits_anything(); }));
    // Indexed under its first word piece only: a branch is looked at once, when that piece
    // is present, and then checked for the others.
    const auto first_word = std::find_if(branch.pieces.begin(), branch.pieces.end(), by_words);
    if (first_word == branch.pieces.end()) {
      compiled->without_words.push_back(b);
      continue;
    }
    Compiled::Indexed entry{static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(compiled->needs.size()), 0,
                            branch.uses_set};
    for (auto it = first_word + 1; it != branch.pieces.end(); ++it)
      if (by_words(*it) && *it != *first_word) compiled->needs.push_back(static_cast<std::uint32_t>(*it));
    entry.needs_end = static_cast<std::uint32_t>(compiled->needs.size());
    indexed_under[*first_word].push_back(entry);
  }
  for (const auto& entries : indexed_under) {
    compiled->indexed_begin.push_back(static_cast<std::uint32_t>(compiled->indexed.size()));
    compiled->indexed.insert(compiled->indexed.end(), entries.begin(), entries.end());
  }
  compiled->indexed_begin.push_back(static_cast<std::uint32_t>(compiled->indexed.size()));
  return RuleMatcher(std::move(compiled));
}

std::optional<std::vector<RuleMatcher::Match>> RuleMatcher::match(std::string_view text) const {
  const Compiled& c = *compiled_;
  // Kept between calls on this thread: a match allocates little once they have grown.
  thread_local std::vector<int> in_set;
  thread_local PieceFinder::Found words_found;  // where the word pieces match
  thread_local std::vector<char> in_set_found;  // by the Set's pattern; all false between calls
  thread_local std::vector<std::size_t> candidates;  // branches whose pieces all occur
  thread_local IndexSet candidate_set;  // read in order, the candidates need no sort
  in_set.clear();
  candidates.clear();
  candidate_set.reset(c.branches.size());
  c.finder->find(text, words_found);

  // Branches indexed under a word piece that is present, whose word pieces all are.
  bool set_needed = !c.without_words.empty();
  for (std::uint32_t word_piece : words_found.pieces()) {
    for (std::uint32_t k = c.indexed_begin[word_piece]; k < c.indexed_begin[word_piece + 1]; ++k) {
      const Compiled::Indexed& entry = c.indexed[k];
      if (!std::all_of(c.needs.begin() + entry.needs_begin, c.needs.begin() + entry.needs_end,
                       [&](std::uint32_t piece) { return words_found.has(piece); }))
        continue;
      candidate_set.add(entry.branch);
      set_needed = set_needed || entry.uses_set;
    }
  }
  // The Set is asked only when some branch still depends on it: most texts need no pass
  // of it at all.
  const bool in_set_ran = set_needed && c.set;
  if (in_set_ran) {
    re2::RE2::Set::ErrorInfo error{};
    if (!c.set->Match(text, &in_set, &error) && error.kind != re2::RE2::Set::kNoError) return std::nullopt;
    if (in_set_found.size() < c.set_pieces) in_set_found.resize(c.set_pieces, 0);
    for (int index : in_set) in_set_found[static_cast<std::size_t>(index)] = 1;
  }
  auto all_present = [&](std::size_t b) {
    return std::all_of(c.branches[b].pieces.begin(), c.branches[b].pieces.end(), [&](std::size_t piece) {
      return c.by_words(piece) ? words_found.has(static_cast<std::uint32_t>(piece)) : in_set_found[piece - c.word_pieces] != 0;
    });
  };
  for (std::size_t b : c.without_words)
    if (all_present(b)) candidate_set.add(b);
  // Read in rule order, then pattern order. Without a pass of the Set (the usual case), no
  // branch added depends on it, and none needs a second look.
  candidate_set.for_each([&](std::size_t b) {
    if (!in_set_ran || !c.branches[b].uses_set || all_present(b)) candidates.push_back(b);
  });
  for (int index : in_set) in_set_found[static_cast<std::size_t>(index)] = 0;

  // Where a word piece matches, in order of start.
  using Places = std::span<const PieceFinder::Place>;
  auto places_of = [&](std::size_t piece) -> Places { return words_found.places_of(static_cast<std::uint32_t>(piece)); };
  // The places of a branch's first piece from which its pieces can follow one another
  // with what its gaps allow between them, found from the last piece back. Of the places
  // of the next piece, only the nearest needs checking: a gap that fits to a farther one
  // fits to the nearer one, being longer. A place whose end is not known is kept. ^ and $
  // are checked as pieces at the ends of the text.
  thread_local std::vector<PieceFinder::Place> chained, earlier;
  auto chain_starts = [&](const Compiled::Branch& branch) -> Places {
    chained.clear();
    for (const PieceFinder::Place& here : places_of(branch.pieces.back()))
      if (!branch.to_text_end || here.end == PieceFinder::kSeveralEnds ||
          branch.to_text_end->fits(text, here.end, text.size()))
        chained.push_back(here);
    for (std::size_t k = branch.pieces.size() - 1; k-- > 0 && !chained.empty();) {
      earlier.clear();
      for (const PieceFinder::Place& here : places_of(branch.pieces[k])) {
        const std::uint32_t from = here.end == PieceFinder::kSeveralEnds ? here.start : here.end;
        const auto next = std::lower_bound(chained.begin(), chained.end(), from,
                                           [](const PieceFinder::Place& f, std::uint32_t at) { return f.start < at; });
        if (next == chained.end()) continue;
        if (here.end == PieceFinder::kSeveralEnds || branch.gaps[k].fits(text, here.end, next->start))
          earlier.push_back(here);
      }
      chained.swap(earlier);
    }
    if (branch.from_text_start)
      std::erase_if(chained, [&](const PieceFinder::Place& f) { return !branch.from_text_start->fits(text, 0, f.start); });
    return chained;
  };

  // The leftmost match of a branch whose first piece is a word piece begins at one of
  // that piece's starts: the branch is tried anchored there, in order, which costs a
  // few steps of a small DFA instead of a search through the whole text.
  auto leftmost = [&](const Compiled::Branch& branch, re2::StringPiece& span) {
    const Places chain = branch.gaps_checked ? chain_starts(branch) : Places{};
    if (branch.gaps_checked && chain.empty()) return false;
    if (!branch.leads || branch.pieces.empty() || !c.by_words(branch.pieces.front()))
      return branch.regex->Match(text, 0, text.size(), RE2::UNANCHORED, &span, 1);
    for (const PieceFinder::Place& place : branch.gaps_checked ? chain : places_of(branch.pieces.front())) {
      // A branch that is its piece matches wherever the piece does; when the piece can
      // end in one place only, that is RE2's span too, and RE2 need not be asked.
      if (branch.exact && place.end != PieceFinder::kSeveralEnds) {
        span = re2::StringPiece(text.data() + place.start, place.end - place.start);
        return true;
      }
      if (branch.regex->Match(text, place.start, text.size(), RE2::ANCHOR_START, &span, 1)) return true;
    }
    return false;
  };
  std::vector<Match> out;
  out.reserve(candidates.size());
  for (std::size_t b : candidates) {
    const Compiled::Branch& branch = c.branches[b];
    re2::StringPiece span;
    if (!leftmost(branch, span)) continue;
    const auto begin = static_cast<std::size_t>(span.data() - text.data());
    const Match found_here{branch.rule, begin, begin + span.size()};
    // The whole pattern would report its leftmost match: of two branches starting at
    // the same place, the earlier one (leftmost-first, like RE2).
    if (!out.empty() && out.back().rule == branch.rule) {
      if (found_here.begin < out.back().begin) out.back() = found_here;
    } else {
      out.push_back(found_here);
    }
  }
  return out;
}

}  // namespace intake::dialog
