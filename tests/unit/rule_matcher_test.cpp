// The pack's matcher: patterns split into pieces without repetition, one RE2::Set pass
// over the pieces, alternatives confirmed with RE2. It must find exactly what one RE2 per
// rule finds, with the same spans.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "dialog/pack_parsing.hpp"
#include "dialog/pattern_pieces.hpp"
#include "dialog/rule_matcher.hpp"
#include "intake/dialog/normalizer.hpp"

namespace intake::dialog {
namespace {

using Pieces = std::vector<std::string>;

TEST(SplitOnRepetitions, AlternativesWithoutRepetitionAreExactPieces) {
  const auto branches = split_on_repetitions("坏了|漏水|(发|寄)错");
  ASSERT_EQ(branches.size(), 3u);
  EXPECT_EQ(branches[2].text, "(发|寄)错");
  for (const auto& b : branches) {
    EXPECT_TRUE(b.exact);
    EXPECT_EQ(b.pieces, Pieces{b.text});
  }
}

TEST(SplitOnRepetitions, GapsAndFillersCutTheBranch) {
  auto branches = split_on_repetitions("(没|未)[^,。]{0,6}(收到|到货)");
  ASSERT_EQ(branches.size(), 1u);
  EXPECT_FALSE(branches[0].exact);
  EXPECT_EQ(branches[0].pieces, (Pieces{"(没|未)", "(收到|到货)"}));

  branches = split_on_repetitions("质量(太|很){0,2}差|态度.*差");
  ASSERT_EQ(branches.size(), 2u);
  EXPECT_EQ(branches[0].pieces, (Pieces{"质量", "差"}));
  EXPECT_EQ(branches[1].pieces, (Pieces{"态度", "差"}));
  EXPECT_EQ(branches[1].text, "态度.*差");

  // A repeated character is a whole UTF-8 sequence; an optional item stays in its piece.
  branches = split_on_repetitions("好+评(的)?吗");
  ASSERT_EQ(branches.size(), 1u);
  EXPECT_EQ(branches[0].pieces, Pieces{"评(的)?吗"});
}

TEST(SplitOnRepetitions, OnlyRepetitionLeavesNoPiece) {
  const auto branches = split_on_repetitions("[0-9]+");
  ASSERT_EQ(branches.size(), 1u);
  EXPECT_FALSE(branches[0].exact);
  EXPECT_TRUE(branches[0].pieces.empty());
}

TEST(SplitOnRepetitions, SyntaxInsideClassesEscapesAndGroupsIsRespected) {
  auto branches = split_on_repetitions("[|(]x|\\|y|a\\.{2,}b");
  ASSERT_EQ(branches.size(), 3u);
  EXPECT_EQ(branches[0].text, "[|(]x");
  EXPECT_EQ(branches[1].text, "\\|y");
  EXPECT_EQ(branches[2].pieces, (Pieces{"a", "b"}));
  // A gap inside a group: one branch per alternative of the group, in order, so that the
  // gap comes to the top level and is cut.
  branches = split_on_repetitions("a(b[^.]{0,3}c|d)e");
  ASSERT_EQ(branches.size(), 2u);
  EXPECT_EQ(branches[0].text, "ab[^.]{0,3}ce");
  EXPECT_EQ(branches[0].pieces, (Pieces{"ab", "ce"}));
  EXPECT_EQ(branches[1].text, "ade");
  EXPECT_TRUE(branches[1].exact);
  // An optional group with a gap: with it first (greedy), then without it.
  branches = split_on_repetitions("差点(把[^,]{0,6})?(撞|伤)");
  ASSERT_EQ(branches.size(), 2u);
  EXPECT_EQ(branches[0].text, "差点把[^,]{0,6}(撞|伤)");
  EXPECT_EQ(branches[1].text, "差点(撞|伤)");
  // A group that is only brackets around a repetition is opened even after a choice:
  // "X(Y)Z" matches as "XYZ" does. An optional one after a choice stays whole.
  branches = split_on_repetitions("(a|b)((x|y){0,3})c(?:[^.]{0,2}d)");
  ASSERT_EQ(branches.size(), 1u);
  EXPECT_EQ(branches[0].text, "(a|b)(x|y){0,3}c[^.]{0,2}d");
  EXPECT_EQ(branches[0].pieces, (Pieces{"(a|b)", "c", "d"}));
  branches = split_on_repetitions("(a|b)(x[^.]{0,3})?c");
  ASSERT_EQ(branches.size(), 1u);
  EXPECT_EQ(branches[0].pieces, (Pieces{"(a|b)(x[^.]{0,3})?c"}));
  // A group without repetition, or a repeated or flagged one, stays whole.
  branches = split_on_repetitions("a(b|c)d(e[^x]{0,2}f){0,3}(?i:g[^x]{0,2}h)");
  ASSERT_EQ(branches.size(), 1u);
  // Leading flags apply to every branch: such a pattern is not taken apart.
  branches = split_on_repetitions("(?i)ab|c.*d");
  ASSERT_EQ(branches.size(), 1u);
  EXPECT_EQ(branches[0].text, "(?i)ab|c.*d");
}

// What one RE2 per rule finds: the reference the matcher must agree with.
class Reference {
 public:
  explicit Reference(const std::vector<std::string>& patterns) {
    for (const auto& p : patterns) regexes_.push_back(std::make_unique<RE2>(p, pattern_options(/*case_sensitive=*/true)));
  }
  std::vector<RuleMatcher::Match> operator()(std::string_view text) const {
    std::vector<RuleMatcher::Match> out;
    for (std::size_t i = 0; i < regexes_.size(); ++i) {
      re2::StringPiece span;
      if (!regexes_[i]->Match(text, 0, text.size(), RE2::UNANCHORED, &span, 1)) continue;
      const auto begin = static_cast<std::size_t>(span.data() - text.data());
      out.push_back({i, begin, begin + span.size()});
    }
    return out;
  }

 private:
  std::vector<std::unique_ptr<RE2>> regexes_;
};

void expect_same(const std::vector<RuleMatcher::Match>& got, const std::vector<RuleMatcher::Match>& want,
                 std::string_view text) {
  ASSERT_EQ(got.size(), want.size()) << text;
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].rule, want[i].rule) << text;
    EXPECT_EQ(got[i].begin, want[i].begin) << text;
    EXPECT_EQ(got[i].end, want[i].end) << text;
  }
}

TEST(RuleMatcher, FindsWhatOneRegexPerRuleFinds) {
  const std::vector<std::string> patterns = {
      "(没|未)[^,。]{0,6}(收到|到货)",  // 0: a gap
      "质量(太|很){0,2}差",             // 1: a filler
      "^你好|您好$",                    // 2: anchors in pieces
      "[0-9]+元",                       // 3: a piece after a repetition
      "x+",                             // 4: no piece at all: tried on every text
      "坏了|漏水",                      // 5: exact alternatives
  };
  auto matcher = RuleMatcher::build(patterns, std::int64_t{8} << 20);
  ASSERT_TRUE(matcher) << matcher.error().message;
  const Reference reference(patterns);
  for (std::string_view text : {"还没有收到货", "没,收到", "质量太很差", "质量差", "你好,请问", "请问你好", "您好",
                                "收了200元", "元", "漏水了坏了", "xx", "没有什么问题,收到了", ""}) {
    auto got = matcher->match(text);
    ASSERT_TRUE(got.has_value());
    expect_same(*got, reference(text), text);
  }
}

TEST(RuleMatcher, ReportsTheLeftmostSpanAmongAlternatives) {
  const std::vector<std::string> patterns = {"漏[^。]{0,4}水|坏"};
  auto matcher = RuleMatcher::build(patterns, std::int64_t{8} << 20);
  ASSERT_TRUE(matcher);
  const std::string text = "坏了,漏了好多水";
  auto got = matcher->match(text);
  ASSERT_TRUE(got.has_value());
  expect_same(*got, Reference(patterns)(text), text);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].begin, 0u);
}

// After a gap, RE2 tries every alternative of the group at each length of the gap: the
// span ends at the later word here, though "fire" is the first alternative. (The fuzzer
// found this when groups were also split into branches after a gap.)
TEST(RuleMatcher, KeepsRe2sSpanWhenAGapOrAnAssertionComesFirst) {
  const std::vector<std::string> patterns = {
      "\\b(if|what if)\\b[^.?!]{0,50}\\b(fire|overheat\\w*)\\b",
      "x(a[^,]{0,3}b|c)[^,]{0,4}(d|e[^,]{0,2}f)",
      "\\b[a-z]+ing\\b",  // the first piece, \b, is left out: "ing" does not mark the start
  };
  auto matcher = RuleMatcher::build(patterns, std::int64_t{8} << 20);
  ASSERT_TRUE(matcher);
  const Reference reference(patterns);
  for (std::string_view text : {"what if the charger overheats and catches fire,overheats and catches fire, the end",
                                "xa1bc ed e1f d", "xcd", "xab,e1f", "a moving car", ""}) {
    auto got = matcher->match(text);
    ASSERT_TRUE(got.has_value());
    expect_same(*got, reference(text), text);
  }
}

// Branches whose words all occur are left out without RE2 when what lies between them
// cannot be what the pattern allows there: too long, a character ruled out, not up to
// the end of the text. Each text here sits on one side of such a limit.
TEST(RuleMatcher, AgreesWithRe2AtTheLimitsOfGaps) {
  const std::vector<std::string> patterns = {
      "(有|是)[^,。]{0,3}(吗|么)[ ,.?!]|(有|是)[^,。]{0,3}(吗|么)$",
      "(快递|货)((也|都|还){0,2})(没|未)到",
      "^[ ,~]*(在吗|有人吗)",
      "\\b(if|what if)\\b[^.?!]{0,6}\\bfire\\b",
      "(太|很|超级?){0,2}(好|差)[吗呢]*$",
      "坏[^a-c]{0,2}了",
  };
  auto matcher = RuleMatcher::build(patterns, std::int64_t{8} << 20);
  ASSERT_TRUE(matcher);
  const Reference reference(patterns);
  std::size_t matches = 0;
  for (std::string_view text :
       {"有货吗", "有货吗?", "有没有货吗", "有没有货吗?", "有货,吗?", "是吗 ", "是吗x", "有吗有吗", "有1234吗",
        "快递没到", "快递也都没到", "快递也都还没到", "货还没到", "快递很没到", " ~在吗", "喂 在吗", "有人吗",
        "what if fire", "if a big fire", "if a big. fire", "if xfire", "超级好", "太很好吗呢", "好吗?", "很差了吧",
        "坏xx了", "坏ab了", "坏xyz了", "坏了", "", "\xe5\xa5\xbd\xff吗 有\xff吗."}) {
    auto got = matcher->match(text);
    ASSERT_TRUE(got.has_value());
    expect_same(*got, reference(text), text);
    matches += got->size();
  }
  EXPECT_GT(matches, 15u);
}

// The shipped pack over the project's own corpus: every rule, every message.
TEST(RuleMatcher, AgreesWithOneRegexPerRuleOnTheDefaultPackAndCorpus) {
  std::ifstream pack_file(std::string(INTAKE_SOURCE_DIR) + "/config/rules/default.json");
  ASSERT_TRUE(pack_file);
  const auto pack = nlohmann::json::parse(pack_file, nullptr, true, /*ignore_comments=*/true);
  std::vector<std::string> patterns;
  for (const auto& rule : pack["rules"]) patterns.push_back(rule["pattern"].get<std::string>());
  auto matcher = RuleMatcher::build(patterns, std::int64_t{128} << 20);
  ASSERT_TRUE(matcher) << matcher.error().message;
  EXPECT_GT(matcher->piece_count(), patterns.size());  // the patterns were taken apart
  const Reference reference(patterns);

  std::ifstream corpus(std::string(INTAKE_SOURCE_DIR) + "/config/corpus/regression.jsonl");
  ASSERT_TRUE(corpus);
  std::string line;
  std::size_t messages = 0, matches = 0;
  while (std::getline(corpus, line)) {
    if (line.empty()) continue;
    const std::string text = normalize(nlohmann::json::parse(line)["text"].get<std::string>());
    auto got = matcher->match(text);
    ASSERT_TRUE(got.has_value());
    expect_same(*got, reference(text), text);
    ++messages;
    matches += got->size();
  }
  EXPECT_GT(messages, 200u);
  EXPECT_GT(matches, messages);  // the comparison saw real matches, not only empty results
}

}  // namespace
}  // namespace intake::dialog
