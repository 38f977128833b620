#pragma once
// Finds every occurrence of a fixed set of words in a text in one pass (Aho–Corasick
// over code points). Internal to dialog/; PieceFinder (piece_finder.hpp) owns one.
//
// Contract: scan() reports each occurrence of each word exactly once, in order of its
// end, with byte offsets: exactly the places where the word's bytes occur in the text,
// whatever the text (invalid UTF-8 included: no word contains it, and a word never starts
// inside a character). Built once, then immutable and safe to share between threads; a
// scan allocates nothing.
//
// Why code points: Chinese characters are three bytes each, so a byte automaton takes
// three steps (and three node visits) where this one takes one.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "intake/utf8.hpp"

namespace intake::dialog {

class WordAutomaton {
 public:
  // `words`: distinct, non-empty, valid UTF-8.
  explicit WordAutomaton(const std::vector<std::string>& words);

  std::size_t node_count() const { return nodes_.size(); }

  // Calls found(word index, end offset) for every occurrence.
  template <class Found>
  void scan(std::string_view text, Found&& found) const {
    std::uint32_t node = kRoot;
    for (std::size_t i = 0; i < text.size();) {
      const char32_t cp = decode_utf8(text, i);
      node = cp == kNotACharacter ? kRoot : step(node, cp);
      for (std::uint32_t n = nodes_[node].word >= 0 ? node : nodes_[node].next_with_word; n != kRoot;
           n = nodes_[n].next_with_word)
        found(static_cast<std::size_t>(nodes_[n].word), i);
    }
  }

 private:
  static constexpr std::uint32_t kRoot = 0;
  struct Node {
    // A bit for each of its edges' code points modulo 64: most characters read at a node
    // have no edge there, and this tells so without looking at the edges.
    std::uint64_t edge_bits = 0;
    std::uint32_t first_edge = 0, edge_count = 0;  // into edge_code_points_/edge_targets_, sorted
    std::uint32_t fail = kRoot;                    // the longest proper suffix that is a node
    std::uint32_t next_with_word = kRoot;          // the longest suffix (via fail) ending a word
    std::int32_t word = -1;                        // the word this node ends, if any
  };

  static std::uint64_t bit_of(char32_t cp) { return std::uint64_t{1} << (cp % 64); }
  std::uint32_t child(std::uint32_t node, char32_t cp) const {
    const Node& n = nodes_[node];
    if ((n.edge_bits & bit_of(cp)) == 0) return kRoot;
    if (n.edge_count <= kLinearEdges) {
      for (std::uint32_t e = n.first_edge; e < n.first_edge + n.edge_count; ++e)
        if (edge_code_points_[e] == cp) return edge_targets_[e];
      return kRoot;
    }
    std::uint32_t lo = n.first_edge, hi = n.first_edge + n.edge_count;
    while (lo < hi) {
      const std::uint32_t mid = (lo + hi) / 2;
      if (edge_code_points_[mid] < cp)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo < n.first_edge + n.edge_count && edge_code_points_[lo] == cp ? edge_targets_[lo] : kRoot;
  }
  std::uint32_t step(std::uint32_t node, char32_t cp) const {
    while (node != kRoot) {
      if (const std::uint32_t next = child(node, cp); next != kRoot) return next;
      node = nodes_[node].fail;
    }
    return cp < root_bmp_.size() ? root_bmp_[cp] : child(kRoot, cp);
  }

  static constexpr std::uint32_t kLinearEdges = 8;
  std::vector<Node> nodes_;
  std::vector<char32_t> edge_code_points_;
  std::vector<std::uint32_t> edge_targets_;
  // The root's edges for the Basic Multilingual Plane, by code point: the root is where
  // nearly every character is looked up, and a table answers at once.
  std::vector<std::uint32_t> root_bmp_;
};

}  // namespace intake::dialog
