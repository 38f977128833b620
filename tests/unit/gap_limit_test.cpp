// What a pattern allows between two of its pieces: a limit that may let through text the
// pattern does not allow, never the other way round.
#include <gtest/gtest.h>

#include <string>

#include "dialog/gap_limit.hpp"

namespace intake::dialog {
namespace {

bool fits(const GapLimit& limit, const std::string& gap) {
  const std::string text = "<" + gap + ">";
  return limit.fits(text, 1, text.size() - 1);
}

TEST(GapLimit, ANegatedClassLimitsLengthAndRulesOutItsCharacters) {
  const GapLimit limit = GapLimit::of_item("[^,。\\.]", 3);
  EXPECT_TRUE(fits(limit, ""));
  EXPECT_TRUE(fits(limit, "好了吗"));
  EXPECT_FALSE(fits(limit, "好了吗?"));  // four characters
  EXPECT_FALSE(fits(limit, "好,"));
  EXPECT_FALSE(fits(limit, "好。"));
  EXPECT_FALSE(fits(limit, "a.b"));
  EXPECT_FALSE(limit.fits("abc", 2, 1));  // ends before it starts
}

TEST(GapLimit, AnItemOfWordsAllowsOnlyTheirCharacters) {
  const GapLimit filler = GapLimit::of_item("(也|都|超级?)", 2);  // up to 2 × 2 characters
  EXPECT_TRUE(fits(filler, "也超级"));
  EXPECT_TRUE(fits(filler, "级也"));  // the order of characters is not read: looser, never stricter
  EXPECT_FALSE(fits(filler, "也都超级也"));  // five characters
  EXPECT_FALSE(fits(filler, "也很"));
  const GapLimit marks = GapLimit::of_item("[?!~ ]", GapLimit::kUnlimited);
  EXPECT_TRUE(fits(marks, "?! ~~"));
  EXPECT_FALSE(fits(marks, "? a"));
}

TEST(GapLimit, WhatItCannotReadLimitsNothingOrOnlyLength) {
  EXPECT_FALSE(GapLimit::of_item(".", GapLimit::kUnlimited).limits_anything());
  EXPECT_FALSE(GapLimit::of_item("(a|b.c)", 3).limits_anything());  // a group of other syntax
  const GapLimit range = GapLimit::of_item("[^a-c]", 2);  // ranges are not read: length only
  EXPECT_TRUE(fits(range, "ab"));
  EXPECT_FALSE(fits(range, "xyz"));
  EXPECT_TRUE(fits(GapLimit::of_item("[^,]", 1), "\xff,"));  // not UTF-8: it cannot say
}

TEST(GapLimit, GapsOneAfterTheOtherAddUpAndAllowWhatEitherAllows) {
  const GapLimit both = GapLimit::of_item("[^,.]", 2).then(GapLimit::of_item("[^.!]", 1));
  EXPECT_EQ(both.max_chars, 3u);
  EXPECT_TRUE(fits(both, ",!"));  // ',' by the second, '!' by the first
  EXPECT_FALSE(fits(both, "a.b"));  // '.' by neither
  const GapLimit words_then_class = GapLimit::of_item("(也|都)", 1).then(GapLimit::of_item("[^也,]", 1));
  EXPECT_TRUE(fits(words_then_class, "也"));
  EXPECT_FALSE(fits(words_then_class, ","));
  EXPECT_TRUE(fits(words_then_class, "都x"));
  const GapLimit two_lists = GapLimit::of_item("[ab]", 1).then(GapLimit::of_item("[cd]", 1));
  EXPECT_TRUE(fits(two_lists, "da"));
  EXPECT_FALSE(fits(two_lists, "ae"));
  EXPECT_FALSE(GapLimit::nothing().then(GapLimit::of_item(".", GapLimit::kUnlimited)).limits_anything());
  EXPECT_FALSE(fits(GapLimit::nothing(), "a"));
}

}  // namespace
}  // namespace intake::dialog
