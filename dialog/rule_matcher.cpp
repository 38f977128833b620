#include "dialog/rule_matcher.hpp"

#include "dialog/pack_parsing.hpp"
#include "dialog/pattern_pieces.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <unordered_map>

namespace intake::dialog {

struct RuleMatcher::Compiled {
  struct Branch {
    std::size_t rule;
    std::unique_ptr<re2::RE2> regex;  // the alternative alone: confirms it, gives the span
    std::vector<int> pieces;          // Set indices, all required
  };
  std::unique_ptr<re2::RE2::Set> set;
  std::size_t piece_count = 0;
  std::vector<Branch> branches;  // in rule order, then in the order of the pattern
  std::vector<std::vector<std::size_t>> branches_of_piece;  // first piece → its branches
  std::vector<std::size_t> always;  // branches with no piece: to be tried on every text
};

RuleMatcher::RuleMatcher(std::unique_ptr<Compiled> compiled) : compiled_(std::move(compiled)) {}
RuleMatcher::RuleMatcher(RuleMatcher&&) noexcept = default;
RuleMatcher& RuleMatcher::operator=(RuleMatcher&&) noexcept = default;
RuleMatcher::~RuleMatcher() = default;

std::size_t RuleMatcher::piece_count() const { return compiled_->piece_count; }
std::size_t RuleMatcher::branch_count() const { return compiled_->branches.size(); }

Result<RuleMatcher> RuleMatcher::build(const std::vector<std::string>& patterns, std::int64_t set_memory_budget) {
  const RE2::Options options = pattern_options(/*case_sensitive=*/true);
  RE2::Options set_options = options;
  set_options.set_max_mem(set_memory_budget);
  auto compiled = std::make_unique<Compiled>();
  compiled->set = std::make_unique<re2::RE2::Set>(set_options, RE2::UNANCHORED);
  std::unordered_map<std::string, int> index_of_piece;  // rules share words: one Set entry each
  auto add_piece = [&](const std::string& piece) -> int {
    if (auto it = index_of_piece.find(piece); it != index_of_piece.end()) return it->second;
    const int index = compiled->set->Add(piece, nullptr);
    if (index >= 0) index_of_piece.emplace(piece, index);
    return index;
  };
  auto compile_branch = [&](std::size_t rule, const PatternBranch& b) -> std::optional<Compiled::Branch> {
    Compiled::Branch branch{rule, std::make_unique<re2::RE2>(b.text, options), {}};
    if (!branch.regex->ok()) return std::nullopt;
    for (const std::string& piece : b.pieces) {
      const int index = add_piece(piece);
      if (index < 0) return std::nullopt;
      branch.pieces.push_back(index);
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
        branch = compile_branch(rule, PatternBranch{whole, {whole}, true});
        if (!branch) return make_error("invalid_pattern", "rule " + std::to_string(rule) + ": RE2 refused the pattern");
        branches.clear();
        branches.push_back(std::move(*branch));
        break;
      }
      branches.push_back(std::move(*branch));
    }
    for (Compiled::Branch& b : branches) compiled->branches.push_back(std::move(b));
  }
  if (!compiled->set->Compile())
    return make_error("set_too_large", "the patterns need more than " + std::to_string(set_memory_budget >> 20) + " MiB");
  compiled->piece_count = index_of_piece.size();
  compiled->branches_of_piece.resize(compiled->piece_count);
  for (std::size_t b = 0; b < compiled->branches.size(); ++b) {
    const auto& pieces = compiled->branches[b].pieces;
    // Indexed under its first piece only: a branch is looked at once, when that piece is
    // present, and then checked for the others.
    if (pieces.empty())
      compiled->always.push_back(b);
    else
      compiled->branches_of_piece[static_cast<std::size_t>(pieces.front())].push_back(b);
  }
  return RuleMatcher(std::move(compiled));
}

std::optional<std::vector<RuleMatcher::Match>> RuleMatcher::match(std::string_view text) const {
  std::vector<int> found;
  re2::RE2::Set::ErrorInfo error{};
  if (!compiled_->set->Match(text, &found, &error) && error.kind != re2::RE2::Set::kNoError) return std::nullopt;
  std::vector<bool> present(compiled_->piece_count);
  for (int piece : found) present[static_cast<std::size_t>(piece)] = true;

  std::vector<std::size_t> candidates;  // branches whose pieces all occur
  auto consider = [&](std::size_t b) {
    for (int piece : compiled_->branches[b].pieces)
      if (!present[static_cast<std::size_t>(piece)]) return;
    candidates.push_back(b);
  };
  for (int piece : found)
    for (std::size_t b : compiled_->branches_of_piece[static_cast<std::size_t>(piece)]) consider(b);
  for (std::size_t b : compiled_->always) consider(b);
  std::sort(candidates.begin(), candidates.end());  // rule order, then pattern order

  std::vector<Match> out;
  for (std::size_t b : candidates) {
    const Compiled::Branch& branch = compiled_->branches[b];
    re2::StringPiece span;
    if (!branch.regex->Match(text, 0, text.size(), RE2::UNANCHORED, &span, 1)) continue;
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
