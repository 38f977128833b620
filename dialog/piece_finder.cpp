#include "dialog/piece_finder.hpp"

#include <algorithm>

namespace intake::dialog {
namespace {

bool is_word_byte(std::string_view text, std::size_t i) {
  if (i >= text.size()) return false;
  const char c = text[i];
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// RE2's \b: an ASCII word character on one side only.
bool at_word_boundary(std::string_view text, std::size_t i) {
  return (i > 0 && is_word_byte(text, i - 1)) != is_word_byte(text, i);
}

}  // namespace

PieceFinder::Vocabulary PieceFinder::vocabulary_of(const std::vector<WordPiece>& pieces) {
  Vocabulary v;
  for (const auto& piece : pieces)
    for (const auto& slot : piece.slots)
      for (const auto& w : slot.words)
        if (v.id_of.emplace(w, static_cast<std::uint32_t>(v.words.size())).second) v.words.push_back(w);
  return v;
}

PieceFinder::PieceFinder(const std::vector<WordPiece>& pieces) : PieceFinder(pieces, vocabulary_of(pieces)) {}

PieceFinder::PieceFinder(const std::vector<WordPiece>& pieces, const Vocabulary& vocabulary)
    : automaton_(vocabulary.words), piece_count_(static_cast<std::uint32_t>(pieces.size())) {
  std::vector<std::vector<Entry>> entries_of_word(vocabulary.words.size());
  std::vector<std::vector<std::uint32_t>> plain_of_word(vocabulary.words.size());
  for (std::uint32_t p = 0; p < pieces.size(); ++p) {
    const Boundaries boundaries{pieces[p].boundary_before, pieces[p].boundary_after, pieces[p].at_text_start,
                                pieces[p].at_text_end};
    bool reachable = true;  // every slot before this one is optional
    for (std::size_t s = 0; s < pieces[p].slots.size(); ++s) {
      const WordSlot& slot = pieces[p].slots[s];
      const auto index = static_cast<std::uint32_t>(slots_.size());
      Slot& flat = slots_.emplace_back();
      flat.words_begin = static_cast<std::uint32_t>(slot_words_.size());
      for (const auto& w : slot.words) {
        const std::uint32_t id = vocabulary.id_of.at(w);
        slot_words_.push_back(id);
        const Entry entry{p, index, boundaries, s + 1 == pieces[p].slots.size()};
        const bool plain = entry.last && !boundaries.before && !boundaries.after && !boundaries.at_start &&
                           !boundaries.at_end;
        if (reachable && plain)
          plain_of_word[id].push_back(p);
        else if (reachable)
          entries_of_word[id].push_back(entry);
      }
      std::sort(slot_words_.begin() + flat.words_begin, slot_words_.end());
      flat.words_end = static_cast<std::uint32_t>(slot_words_.size());
      flat.optional = slot.optional;
      flat.last = s + 1 == pieces[p].slots.size();
      reachable = reachable && slot.optional;
    }
  }
  for (std::size_t w = 0; w < vocabulary.words.size(); ++w) {
    Word& word = words_.emplace_back();
    word.length = static_cast<std::uint32_t>(vocabulary.words[w].size());
    longest_word_ = std::max(longest_word_, word.length);
    word.plain_begin = static_cast<std::uint32_t>(plain_pieces_.size());
    plain_pieces_.insert(plain_pieces_.end(), plain_of_word[w].begin(), plain_of_word[w].end());
    word.plain_end = static_cast<std::uint32_t>(plain_pieces_.size());
    word.entries_begin = static_cast<std::uint32_t>(entries_.size());
    entries_.insert(entries_.end(), entries_of_word[w].begin(), entries_of_word[w].end());
    word.entries_end = static_cast<std::uint32_t>(entries_.size());
  }
}

void PieceFinder::Found::clear(std::size_t piece_count) {
  for (std::uint32_t piece : pieces_) states_[piece] = PieceState{};
  pieces_.clear();
  linked_.clear();
  sorted_.clear();
  if (states_.size() < piece_count) states_.resize(piece_count);
}

std::span<const PieceFinder::Place> PieceFinder::Found::places_of(std::uint32_t piece) {
  if (piece >= states_.size()) return {};
  PieceState& state = states_[piece];
  if (state.last == kNone) return {};
  if (state.sorted_begin == kNone) {
    // The list runs from the last place found back to the first, and places are found in
    // order of the words' ends: reversed, it is nearly in order of start. An insertion
    // sort finishes it, and two ways to the same start become one place.
    state.sorted_begin = static_cast<std::uint32_t>(sorted_.size());
    for (std::uint32_t at = state.last; at != kNone; at = linked_[at].next) {
      const Place place = linked_[at].place;
      std::size_t i = sorted_.size();
      while (i > state.sorted_begin && sorted_[i - 1].start < place.start) --i;
      if (i > state.sorted_begin && sorted_[i - 1].start == place.start) {
        if (sorted_[i - 1].end != place.end) sorted_[i - 1].end = kSeveralEnds;
        continue;
      }
      sorted_.insert(sorted_.begin() + static_cast<std::ptrdiff_t>(i), place);
    }
    std::reverse(sorted_.begin() + state.sorted_begin, sorted_.end());
    state.sorted_end = static_cast<std::uint32_t>(sorted_.size());
  }
  return {sorted_.data() + state.sorted_begin, sorted_.data() + state.sorted_end};
}

void PieceFinder::find(std::string_view text, Found& found) const {
  found.clear(piece_count_);
  struct Occurrence {
    std::uint32_t start, end, word;
  };
  // Kept between calls on this thread: a find allocates nothing once they have grown.
  thread_local std::vector<Occurrence> occurrences;  // in order of end, as the automaton reports them
  thread_local std::vector<std::uint32_t> frontier, next;
  occurrences.clear();
  automaton_.scan(text, [&](std::size_t word, std::size_t end) {
    occurrences.push_back({static_cast<std::uint32_t>(end - words_[word].length), static_cast<std::uint32_t>(end),
                           static_cast<std::uint32_t>(word)});
  });

  // Following slots asks which words start at a place: those that do end within the
  // longest word's length after it, a short run of the occurrences.
  auto for_each_starting_at = [&](std::uint32_t at, auto&& each) {
    auto k = std::lower_bound(occurrences.begin(), occurrences.end(), at + 1,
                              [](const Occurrence& o, std::uint32_t end) { return o.end < end; });
    for (; k != occurrences.end() && k->end <= at + longest_word_; ++k)
      if (k->start == at) each(*k);
  };
  auto ends_well = [&](const Boundaries& boundaries, std::uint32_t end) {
    return (!boundaries.after || at_word_boundary(text, end)) && (!boundaries.at_end || end == text.size());
  };

  for (const Occurrence& o : occurrences) {
    const Word& word = words_[o.word];
    const std::uint32_t word_end = o.end;
    for (std::uint32_t e = word.plain_begin; e < word.plain_end; ++e) found.add(plain_pieces_[e], {o.start, word_end});
    for (std::uint32_t e = word.entries_begin; e < word.entries_end; ++e) {
      const Entry& entry = entries_[e];
      const Boundaries& boundaries = entry.boundaries;
      if (boundaries.before && !at_word_boundary(text, o.start)) continue;
      if (boundaries.at_start && o.start != 0) continue;
      if (entry.last) {
        if (ends_well(boundaries, word_end)) found.add(entry.piece, {o.start, word_end});
        continue;
      }
      // Follow the piece's remaining slots from where this word ends: `frontier` holds
      // every place the slots so far can have reached.
      frontier.assign(1, word_end);
      for (std::uint32_t s = entry.slot; !slots_[s].last && !frontier.empty();) {
        const Slot& slot = slots_[++s];
        const auto words_begin = slot_words_.begin() + slot.words_begin;
        const auto words_end = slot_words_.begin() + slot.words_end;
        next.clear();
        for (std::uint32_t at : frontier) {
          if (slot.optional) next.push_back(at);
          for_each_starting_at(at, [&](const Occurrence& following) {
            if (std::binary_search(words_begin, words_end, following.word)) next.push_back(following.end);
          });
        }
        if (next.size() > 1) {
          std::sort(next.begin(), next.end());
          next.erase(std::unique(next.begin(), next.end()), next.end());
        }
        frontier.swap(next);
      }
      std::erase_if(frontier, [&](std::uint32_t end) { return !ends_well(boundaries, end); });
      if (!frontier.empty()) found.add(entry.piece, {o.start, frontier.size() == 1 ? frontier.front() : kSeveralEnds});
    }
  }
  found.sorted_.reserve(found.linked_.size());
}

}  // namespace intake::dialog
