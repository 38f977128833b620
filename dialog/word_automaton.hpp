#pragma once
// Finds every occurrence of a fixed set of words in a text in one pass (Aho–Corasick
// over bytes). Internal to dialog/; PieceFinder (piece_finder.hpp) owns one.
//
// Contract: scan() reports each occurrence of each word exactly once, in order of its
// end, whatever the text (invalid UTF-8 included). Built once, then immutable and safe
// to share between threads; a scan allocates nothing.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace intake::dialog {

class WordAutomaton {
 public:
  // `words`: distinct and non-empty.
  explicit WordAutomaton(const std::vector<std::string>& words);

  std::size_t node_count() const { return nodes_.size(); }

  // Calls found(word index, end offset) for every occurrence.
  template <class Found>
  void scan(std::string_view text, Found&& found) const {
    std::uint32_t node = kRoot;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const auto byte = static_cast<std::uint8_t>(text[i]);
      node = step(node, byte);
      for (std::uint32_t n = nodes_[node].word >= 0 ? node : nodes_[node].next_with_word; n != kRoot;
           n = nodes_[n].next_with_word)
        found(static_cast<std::size_t>(nodes_[n].word), i + 1);
    }
  }

 private:
  static constexpr std::uint32_t kRoot = 0;
  struct Node {
    std::uint32_t first_edge = 0, edge_count = 0;  // into edge_bytes_/edge_targets_, sorted by byte
    std::uint32_t fail = kRoot;                    // the longest proper suffix that is a node
    std::uint32_t next_with_word = kRoot;          // the longest suffix (via fail) ending a word
    std::int32_t word = -1;                        // the word this node ends, if any
    std::int32_t dense = -1;                       // its row in dense_, when it has many edges
  };
  // A node with more edges than this gets a full row of 256 targets: UTF-8 lead and
  // second bytes fan out widely, and a linear search there would cost most of a scan.
  static constexpr std::uint32_t kSparseEdges = 6;

  std::uint32_t child(std::uint32_t node, std::uint8_t byte) const {
    const Node& n = nodes_[node];
    if (n.dense >= 0) return dense_[static_cast<std::size_t>(n.dense)][byte];
    for (std::uint32_t e = n.first_edge; e < n.first_edge + n.edge_count; ++e) {
      if (edge_bytes_[e] == byte) return edge_targets_[e];
      if (edge_bytes_[e] > byte) break;
    }
    return kRoot;
  }
  std::uint32_t step(std::uint32_t node, std::uint8_t byte) const {
    while (node != kRoot) {
      if (const std::uint32_t next = child(node, byte); next != kRoot) return next;
      node = nodes_[node].fail;
    }
    return dense_[0][byte];
  }

  std::vector<Node> nodes_;
  std::vector<std::uint8_t> edge_bytes_;
  std::vector<std::uint32_t> edge_targets_;
  std::vector<std::array<std::uint32_t, 256>> dense_;  // row 0 is the root's, always dense
};

}  // namespace intake::dialog
