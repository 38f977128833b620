#pragma once
// Finds where word pieces (word_pieces.hpp) match in a text: one word automaton pass,
// then each piece is followed slot by slot from the places its first words occur.
// Internal to dialog/; RuleMatcher owns one.
//
// Contract: find() gives exactly the pieces that match somewhere in the text and, for
// each, every place where RE2 would find a match of it starting (every start, not only
// the leftmost), each with the end of the match when only one end is possible from there.
// Built once, then immutable and safe to share between threads.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dialog/word_pieces.hpp"
#include "dialog/word_automaton.hpp"

namespace intake::dialog {

class PieceFinder {
 public:
  explicit PieceFinder(const std::vector<WordPiece>& pieces);

  struct Place {
    std::uint32_t start;  // byte offset where a match of the piece starts
    std::uint32_t end;    // where that match ends, or kSeveralEnds: RE2's choice would decide
  };
  static constexpr std::uint32_t kSeveralEnds = UINT32_MAX;

  // What find() learned of one text. Kept by the caller and reused: once its buffers have
  // grown, a find allocates nothing. Places are linked per piece as they are found and
  // put in order only for the pieces asked about: most texts touch many pieces and the
  // matcher asks about few.
  class Found {
   public:
    // The pieces (indices into the pieces given to the constructor) that match somewhere,
    // each once, in the order they were first met.
    const std::vector<std::uint32_t>& pieces() const { return pieces_; }
    bool has(std::uint32_t piece) const { return piece < states_.size() && states_[piece].last != kNone; }
    // Where `piece` matches: sorted by start, one place per start. Empty when it does not
    // match. The span stays valid until the next find() into this object, whatever else
    // is asked in between.
    std::span<const Place> places_of(std::uint32_t piece);

   private:
    friend class PieceFinder;
    static constexpr std::uint32_t kNone = UINT32_MAX;
    struct Linked {
      Place place;
      std::uint32_t next;  // the piece's place found before this one, or kNone
    };
    struct PieceState {
      std::uint32_t last = kNone;  // the piece's place found last, or kNone: not found
      // Its places in order, in sorted_[sorted_begin .. sorted_end), once asked for.
      std::uint32_t sorted_begin = kNone, sorted_end = kNone;
    };
    void clear(std::size_t piece_count);
    void add(std::uint32_t piece, Place place) {
      PieceState& state = states_[piece];
      if (state.last == kNone) pieces_.push_back(piece);
      linked_.push_back({place, state.last});
      state.last = static_cast<std::uint32_t>(linked_.size() - 1);
    }
    std::vector<std::uint32_t> pieces_;
    std::vector<PieceState> states_;  // by piece; reset for pieces_ only
    std::vector<Linked> linked_;
    std::vector<Place> sorted_;  // reserved to linked_.size(): never moves while asked
  };
  // Replaces what `found` holds with what this text has.
  void find(std::string_view text, Found& found) const;

  std::size_t word_count() const { return words_.size(); }
  std::size_t node_count() const { return automaton_.node_count(); }

 private:
  struct Vocabulary {  // every word of every slot, once, numbered
    std::vector<std::string> words;
    std::unordered_map<std::string, std::uint32_t> id_of;
  };
  static Vocabulary vocabulary_of(const std::vector<WordPiece>& pieces);
  PieceFinder(const std::vector<WordPiece>& pieces, const Vocabulary& vocabulary);

  struct Boundaries {  // WordPiece's assertions
    bool before, after, at_start, at_end;
  };
  struct Entry {  // a piece may start with this word at this slot (the slots before are optional)
    std::uint32_t piece, slot;  // slot: index into slots_
    Boundaries boundaries;      // the piece's, here so that one load brings all a step needs
    bool last;                  // the slot is the piece's last: the word ends the piece
  };
  struct Slot {  // one slot of one piece; a piece's slots are adjacent in slots_
    std::uint32_t words_begin, words_end;  // its word ids, sorted, in slot_words_
    bool optional, last;                   // last: the piece's final slot
  };
  // Flat arrays: a find touches few cache lines per step.
  WordAutomaton automaton_;
  std::uint32_t piece_count_;
  struct Word {  // by word id: all a step needs to know of a word, in one place
    std::uint32_t length;  // in bytes
    // The pieces that are this word alone with no boundary to check (most pieces):
    // plain_pieces_[plain_begin .. plain_end).
    std::uint32_t plain_begin, plain_end;
    std::uint32_t entries_begin, entries_end;  // its other entries, in entries_
  };
  std::vector<Word> words_;
  std::uint32_t longest_word_ = 0;  // in bytes
  std::vector<std::uint32_t> plain_pieces_;
  std::vector<Entry> entries_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> slot_words_;
};

}  // namespace intake::dialog
