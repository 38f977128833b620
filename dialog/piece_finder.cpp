#include "dialog/piece_finder.hpp"

#include <algorithm>

#include "dialog/index_set.hpp"

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
    word.plain_begin = static_cast<std::uint32_t>(plain_pieces_.size());
    plain_pieces_.insert(plain_pieces_.end(), plain_of_word[w].begin(), plain_of_word[w].end());
    word.plain_end = static_cast<std::uint32_t>(plain_pieces_.size());
    word.entries_begin = static_cast<std::uint32_t>(entries_.size());
    entries_.insert(entries_.end(), entries_of_word[w].begin(), entries_of_word[w].end());
    word.entries_end = static_cast<std::uint32_t>(entries_.size());
  }
}

void PieceFinder::find(std::string_view text, std::vector<Found>& out) const {
  out.clear();
  struct Occurrence {
    std::uint32_t start, word;
  };
  // Kept between calls on this thread: a find allocates nothing once they have grown.
  thread_local std::vector<Occurrence> occurrences, by_start;
  thread_local std::vector<std::uint32_t> first, frontier, next;
  thread_local std::vector<Found> places;
  occurrences.clear();
  places.clear();
  automaton_.scan(text, [&](std::size_t word, std::size_t end) {
    occurrences.push_back({static_cast<std::uint32_t>(end - words_[word].length), static_cast<std::uint32_t>(word)});
  });
  if (occurrences.empty()) return;

  // Following slots asks which words start at a place: the occurrences by start (a
  // counting sort), with the words starting at byte i in by_start[first[i] .. first[i + 1]).
  // Built at the first need only: most texts need none.
  bool indexed = false;
  auto index_by_start = [&] {
    first.assign(text.size() + 2, 0);
    for (const Occurrence& o : occurrences) ++first[o.start + 1];
    for (std::size_t i = 1; i < first.size(); ++i) first[i] += first[i - 1];
    by_start.resize(occurrences.size());
    for (const Occurrence& o : occurrences) by_start[first[o.start]++] = o;
    for (std::size_t i = first.size() - 1; i > 0; --i) first[i] = first[i - 1];  // back to where each run begins
    first[0] = 0;
    indexed = true;
  };
  auto ends_well = [&](const Boundaries& boundaries, std::uint32_t end) {
    return (!boundaries.after || at_word_boundary(text, end)) && (!boundaries.at_end || end == text.size());
  };

  for (const Occurrence& o : occurrences) {
    const Word& word = words_[o.word];
    const std::uint32_t word_end = o.start + word.length;
    for (std::uint32_t e = word.plain_begin; e < word.plain_end; ++e) places.push_back({plain_pieces_[e], o.start, word_end});
    for (std::uint32_t e = word.entries_begin; e < word.entries_end; ++e) {
      const Entry& entry = entries_[e];
      const Boundaries& boundaries = entry.boundaries;
      if (boundaries.before && !at_word_boundary(text, o.start)) continue;
      if (boundaries.at_start && o.start != 0) continue;
      if (entry.last) {
        if (ends_well(boundaries, word_end)) places.push_back({entry.piece, o.start, word_end});
        continue;
      }
      if (!indexed) index_by_start();
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
          if (at >= text.size()) continue;
          for (std::uint32_t k = first[at]; k < first[at + 1]; ++k) {
            const std::uint32_t id = by_start[k].word;
            if (std::binary_search(words_begin, words_end, id)) next.push_back(at + words_[id].length);
          }
        }
        if (next.size() > 1) {
          std::sort(next.begin(), next.end());
          next.erase(std::unique(next.begin(), next.end()), next.end());
        }
        frontier.swap(next);
      }
      std::erase_if(frontier, [&](std::uint32_t end) { return !ends_well(boundaries, end); });
      if (!frontier.empty())
        places.push_back({entry.piece, o.start, frontier.size() == 1 ? frontier.front() : kSeveralEnds});
    }
  }

  // `places` is in order of the words' ends. Group it by piece with a counting sort, the
  // pieces taken in order from a bitmap (no comparisons to mispredict), then put each
  // group in order of start (it nearly is: an insertion sort) and make each place one
  // entry.
  thread_local std::vector<std::uint32_t> offset_of_piece;
  thread_local IndexSet pieces_found;
  if (offset_of_piece.size() < piece_count_) offset_of_piece.resize(piece_count_, 0);
  pieces_found.reset(piece_count_);
  for (const Found& f : places) {
    ++offset_of_piece[f.piece];
    pieces_found.add(f.piece);
  }
  std::uint32_t offset = 0;
  pieces_found.for_each([&](std::size_t piece) {
    const std::uint32_t count = offset_of_piece[piece];
    offset_of_piece[piece] = offset;
    offset += count;
  });
  out.resize(places.size());
  for (const Found& f : places) out[offset_of_piece[f.piece]++] = f;
  for (const Found& f : places) offset_of_piece[f.piece] = 0;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    Found f = out[i];
    std::size_t at = kept;
    while (at > 0 && out[at - 1].piece == f.piece && out[at - 1].start > f.start) {
      out[at] = out[at - 1];
      --at;
    }
    // The same start reached through different words or leading slots: one place, and
    // if their ends differ, several ends.
    if (at > 0 && out[at - 1].piece == f.piece && out[at - 1].start == f.start) {
      if (out[at - 1].end != f.end) out[at - 1].end = kSeveralEnds;
      for (std::size_t k = at; k < kept; ++k) out[k] = out[k + 1];  // close the hole opened for it
      continue;
    }
    out[at] = f;
    ++kept;
  }
  out.resize(kept);
}

}  // namespace intake::dialog
