// The word pieces: which pieces are read as words, the automaton that finds the words,
// and the finder that must say exactly where RE2 would find each piece starting.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "dialog/pack_parsing.hpp"
#include "dialog/piece_finder.hpp"
#include "dialog/word_automaton.hpp"
#include "dialog/word_pieces.hpp"

namespace intake::dialog {
namespace {

TEST(ReadWordPiece, TakesWordsGroupsOptionalItemsSmallClassesAndOuterBoundaries) {
  for (const char* piece : {"坏了", "(产品|东西)(质量)?(太|很)?(差|烂)", "(?:发|寄)错", "不[能会]用", "是第[2-5]次",
                            "\\b(bad|awful)\\b", "does ?n[o']t work", "a\\.b", "超级?", "^你好", "您好$", "^(你好|hi)\\b"}) {
    EXPECT_TRUE(read_word_piece(piece).has_value()) << piece;
  }
  const auto english = read_word_piece("\\b(bad|awful)\\b");
  ASSERT_TRUE(english);
  EXPECT_TRUE(english->boundary_before);
  EXPECT_TRUE(english->boundary_after);
}

TEST(ReadWordPiece, LeavesOtherSyntaxToRe2) {
  for (const char* piece : {"[^,。]", "a{2}", "a*", "a^b", "(a$|b)", "^a|b", "(?i)ab", "\\d", "\\ba|b\\b", "a\\bb", "x(?P<n>y)",
                            "[[:alpha:]]", "[一-龥]", "(a)?", "()"}) {
    EXPECT_FALSE(read_word_piece(piece).has_value()) << piece;
  }
}

TEST(WordAutomaton, ReportsEveryOccurrenceIncludingOverlapsOnce) {
  const std::vector<std::string> words = {"he", "she", "his", "hers", "坏", "坏了"};
  const WordAutomaton automaton(words);
  std::vector<std::pair<std::size_t, std::size_t>> found;  // word, end
  automaton.scan("ushers 坏了", [&](std::size_t w, std::size_t end) { found.emplace_back(w, end); });
  std::sort(found.begin(), found.end());
  const std::vector<std::pair<std::size_t, std::size_t>> want = {{0, 4}, {1, 4}, {3, 6}, {4, 10}, {5, 13}};
  EXPECT_EQ(found, want);
}

TEST(WordAutomaton, FindsWordsBetweenBrokenUtf8AndNeverInsideACharacter) {
  const WordAutomaton automaton({"坏", "坏了", "a"});
  std::vector<std::pair<std::size_t, std::size_t>> found;
  // A lone lead byte, the words, a truncated character, an overlong 'a' (C1 A1), a real
  // one, a surrogate (ED A0 80), another.
  automaton.scan("\xE5" "坏了" "\xE5\x9D" "\xC1\xA1" "a" "\xED\xA0\x80" "a",
                 [&](std::size_t w, std::size_t end) { found.emplace_back(w, end); });
  const std::vector<std::pair<std::size_t, std::size_t>> want = {{0, 4}, {1, 7}, {2, 12}, {2, 16}};
  EXPECT_EQ(found, want);
}

// For every start position: RE2, anchored there, matches exactly when the finder says the
// piece starts there, and ends where the finder says when it names one end.
void expect_finder_agrees_with_re2(const std::vector<std::string>& patterns, const std::vector<std::string>& texts) {
  std::vector<WordPiece> pieces;
  std::vector<std::unique_ptr<RE2>> regexes;
  for (const auto& p : patterns) {
    auto piece = read_word_piece(p);
    ASSERT_TRUE(piece) << p;
    pieces.push_back(std::move(*piece));
    regexes.push_back(std::make_unique<RE2>(p, pattern_options(/*case_sensitive=*/true)));
    ASSERT_TRUE(regexes.back()->ok()) << p;
  }
  const PieceFinder finder(pieces);
  PieceFinder::Found found;
  std::size_t matches = 0;
  for (const std::string& text : texts) {
    finder.find(text, found);
    for (std::uint32_t piece = 0; piece < patterns.size(); ++piece) {
      const auto places = found.places_of(piece);
      // Strictly increasing starts: in order, one place per start.
      EXPECT_EQ(std::adjacent_find(places.begin(), places.end(),
                                   [](const PieceFinder::Place& a, const PieceFinder::Place& b) { return a.start >= b.start; }),
                places.end())
          << patterns[piece] << " in " << text;
      const bool listed = std::find(found.pieces().begin(), found.pieces().end(), piece) != found.pieces().end();
      EXPECT_EQ(listed, !places.empty()) << patterns[piece] << " in " << text;
      for (std::size_t start = 0; start <= text.size(); ++start) {
        re2::StringPiece span;
        const bool re2_matches = regexes[piece]->Match(text, start, text.size(), RE2::ANCHOR_START, &span, 1);
        const auto it = std::find_if(places.begin(), places.end(), [&](const PieceFinder::Place& p) { return p.start == start; });
        ASSERT_EQ(re2_matches, it != places.end()) << patterns[piece] << " at " << start << " in " << text;
        if (!re2_matches) continue;
        ++matches;
        if (it->end != PieceFinder::kSeveralEnds) {
          EXPECT_EQ(it->end, start + span.size()) << patterns[piece] << " at " << start << " in " << text;
        }
      }
    }
  }
  EXPECT_GT(matches, texts.size());  // the comparison saw real matches
}

TEST(PieceFinder, FindsExactlyWhereRe2MatchesOnHandPickedTexts) {
  expect_finder_agrees_with_re2(
      {"(产品|东西)(质量)?(太|很)?(差|烂)", "没(有)?(收到|到货)", "坏了?", "\\b(bad|awful)( quality)?\\b", "不[能会]用"},
      {"东西质量太差,产品烂", "没有收到,没到货,没收到货", "坏坏了坏", "bad badly awful quality, abad bad_ bad.",
       "不能用不会用不要用", "", "东西东西很很差"});
}

// Texts built at random from the pieces' own words and some filler: many overlapping,
// partial and adjacent matches, with a fixed seed so that a failure can be replayed.
TEST(PieceFinder, FindsExactlyWhereRe2MatchesOnGeneratedTexts) {
  const std::vector<std::string> patterns = {
      "(产品|东西)(质量)?(太|很)?(差|烂)", "没(有)?(收到|到货)", "坏了?", "\\b(bad|awful)( quality)?\\b",
      "(就是|只是|但是)(的是|是)?[,:]?", "(不|没|没有)(送|送货)?上(门|楼)", "(a|ab)(b|bc)?c", "\\bnot( yet)? (delivered|arrived)",
      "^(产品|东西|a)", "(差|烂|c)$", "^(a|ab)?c$"};
  const std::vector<std::string> words = {"产品", "东西", "质量", "太", "很", "差", "烂", "没", "有", "收到", "到货",
                                          "坏", "了", "bad", "awful", " quality", "就是", "是", "的是", ",", ":",
                                          "不", "送", "上", "门", "楼", "a", "b", "c", "not", " yet", " ", "delivered",
                                          "arrived", "_", "x", "。"};
  std::mt19937 random(20261128);
  std::vector<std::string> texts;
  for (int i = 0; i < 400; ++i) {
    std::string text;
    const int length = static_cast<int>(random() % 30);
    for (int k = 0; k < length; ++k) text += words[random() % words.size()];
    texts.push_back(text);
  }
  expect_finder_agrees_with_re2(patterns, texts);
}

}  // namespace
}  // namespace intake::dialog
