#include "dialog/word_automaton.hpp"

#include <deque>
#include <map>

namespace intake::dialog {

WordAutomaton::WordAutomaton(const std::vector<std::string>& words) {
  // A trie with ordered children first, then laid out flat.
  std::vector<std::map<char32_t, std::uint32_t>> children(1);
  std::vector<std::int32_t> word_of(1, -1);
  for (std::size_t w = 0; w < words.size(); ++w) {
    std::uint32_t node = kRoot;
    for (std::size_t i = 0; i < words[w].size();) {
      const char32_t cp = decode_utf8(words[w], i);
      auto it = children[node].find(cp);
      if (it == children[node].end()) {
        const auto created = static_cast<std::uint32_t>(children.size());
        children[node].emplace(cp, created);
        children.emplace_back();
        word_of.push_back(-1);
        node = created;
      } else {
        node = it->second;
      }
    }
    word_of[node] = static_cast<std::int32_t>(w);
  }
  nodes_.resize(children.size());
  for (std::size_t n = 0; n < children.size(); ++n) {
    nodes_[n].word = word_of[n];
    nodes_[n].first_edge = static_cast<std::uint32_t>(edge_code_points_.size());
    nodes_[n].edge_count = static_cast<std::uint32_t>(children[n].size());
    for (const auto& [cp, target] : children[n]) {
      nodes_[n].edge_bits |= bit_of(cp);
      edge_code_points_.push_back(cp);
      edge_targets_.push_back(target);
    }
  }
  root_bmp_.assign(0x10000, kRoot);
  for (const auto& [cp, target] : children[kRoot])
    if (cp < root_bmp_.size()) root_bmp_[cp] = target;

  // Failure links breadth first: a node's parent is always done before it.
  std::deque<std::uint32_t> queue;
  for (const auto& [cp, target] : children[kRoot]) queue.push_back(target);
  while (!queue.empty()) {
    const std::uint32_t node = queue.front();
    queue.pop_front();
    for (const auto& [cp, target] : children[node]) {
      const std::uint32_t fail = step(nodes_[node].fail, cp);
      nodes_[target].fail = fail;
      nodes_[target].next_with_word = nodes_[fail].word >= 0 ? fail : nodes_[fail].next_with_word;
      queue.push_back(target);
    }
  }
}

}  // namespace intake::dialog
