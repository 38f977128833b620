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
  word_length_.reserve(vocabulary.words.size());
  for (const auto& w : vocabulary.words) word_length_.push_back(static_cast<std::uint32_t>(w.size()));
  std::vector<std::vector<Entry>> entries_of_word(vocabulary.words.size());
  for (std::uint32_t p = 0; p < pieces.size(); ++p) {
    boundaries_.push_back({pieces[p].boundary_before, pieces[p].boundary_after, pieces[p].at_text_start,
                           pieces[p].at_text_end});
    bool reachable = true;  // every slot before this one is optional
    for (std::size_t s = 0; s < pieces[p].slots.size(); ++s) {
      const WordSlot& slot = pieces[p].slots[s];
      const auto index = static_cast<std::uint32_t>(slots_.size());
      Slot& flat = slots_.emplace_back();
      flat.words_begin = static_cast<std::uint32_t>(slot_words_.size());
      for (const auto& w : slot.words) {
        const std::uint32_t id = vocabulary.id_of.at(w);
        slot_words_.push_back(id);
        if (reachable) entries_of_word[id].push_back({p, index});
      }
      std::sort(slot_words_.begin() + flat.words_begin, slot_words_.end());
      flat.words_end = static_cast<std::uint32_t>(slot_words_.size());
      flat.optional = slot.optional;
      flat.last = s + 1 == pieces[p].slots.size();
      reachable = reachable && slot.optional;
    }
  }
  entry_begin_.push_back(0);
  for (const auto& entries : entries_of_word) {
    entries_.insert(entries_.end(), entries.begin(), entries.end());
    entry_begin_.push_back(static_cast<std::uint32_t>(entries_.size()));
  }
}

void PieceFinder::find(std::string_view text, std::vector<Found>& out) const {
  out.clear();
  struct Occurrence {
    std::uint32_t start, word;
  };
  // Kept between calls on this thread: a find allocates nothing once they have grown.
  thread_local std::vector<Occurrence> occurrences;
  thread_local std::vector<std::uint32_t> frontier, next;
  occurrences.clear();
  automaton_.scan(text, [&](std::size_t word, std::size_t end) {
    occurrences.push_back({static_cast<std::uint32_t>(end - word_length_[word]), static_cast<std::uint32_t>(word)});
  });
  if (occurrences.empty()) return;
  // By start, so that the words starting at a place are one run, found by binary search.
  std::sort(occurrences.begin(), occurrences.end(),
            [](const Occurrence& a, const Occurrence& b) { return a.start < b.start; });
  auto starting_at = [&](std::uint32_t at) {
    return std::lower_bound(occurrences.begin(), occurrences.end(), at,
                            [](const Occurrence& o, std::uint32_t place) { return o.start < place; });
  };
  auto ends_well = [&](const Boundaries& boundaries, std::uint32_t end) {
    return (!boundaries.after || at_word_boundary(text, end)) && (!boundaries.at_end || end == text.size());
  };

  for (const Occurrence& o : occurrences) {
    for (std::uint32_t e = entry_begin_[o.word]; e < entry_begin_[o.word + 1]; ++e) {
      const Entry entry = entries_[e];
      const Boundaries& boundaries = boundaries_[entry.piece];
      if (boundaries.before && !at_word_boundary(text, o.start)) continue;
      if (boundaries.at_start && o.start != 0) continue;
      const std::uint32_t word_end = o.start + word_length_[o.word];
      if (slots_[entry.slot].last) {  // the commonest case: the word ends the piece
        if (ends_well(boundaries, word_end)) out.push_back({entry.piece, o.start, word_end});
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
          for (auto k = starting_at(at); k != occurrences.end() && k->start == at; ++k)
            if (std::binary_search(words_begin, words_end, k->word)) next.push_back(at + word_length_[k->word]);
        }
        if (next.size() > 1) {
          std::sort(next.begin(), next.end());
          next.erase(std::unique(next.begin(), next.end()), next.end());
        }
        frontier.swap(next);
      }
      std::erase_if(frontier, [&](std::uint32_t end) { return !ends_well(boundaries, end); });
      if (!frontier.empty())
        out.push_back({entry.piece, o.start, frontier.size() == 1 ? frontier.front() : kSeveralEnds});
    }
  }
  // `out` is in order of start; group it by piece with a counting sort (a piece's
  // places stay in order of start), then make each place one entry.
  thread_local std::vector<std::uint32_t> count_of_piece;
  thread_local std::vector<std::uint32_t> pieces_found;
  thread_local std::vector<Found> grouped;
  if (count_of_piece.size() < piece_count_) count_of_piece.resize(piece_count_, 0);
  pieces_found.clear();
  for (const Found& f : out)
    if (count_of_piece[f.piece]++ == 0) pieces_found.push_back(f.piece);
  std::sort(pieces_found.begin(), pieces_found.end());
  std::uint32_t offset = 0;
  for (std::uint32_t piece : pieces_found) {  // counts become where each piece's places go
    const std::uint32_t count = count_of_piece[piece];
    count_of_piece[piece] = offset;
    offset += count;
  }
  grouped.resize(out.size());
  for (const Found& f : out) grouped[count_of_piece[f.piece]++] = f;
  for (std::uint32_t piece : pieces_found) count_of_piece[piece] = 0;
  out.clear();
  for (const Found& f : grouped) {
    // The same start reached through different leading slots: one place, and if their
    // ends differ, several ends.
    if (!out.empty() && out.back().piece == f.piece && out.back().start == f.start) {
      if (out.back().end != f.end) out.back().end = kSeveralEnds;
    } else {
      out.push_back(f);
    }
  }
}

}  // namespace intake::dialog
