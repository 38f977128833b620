// dialog::normalize: NFKC, case folding, white-space collapsing, invalid UTF-8.
#include <gtest/gtest.h>

#include <string>

#include "intake/dialog/normalizer.hpp"

namespace {

using intake::dialog::normalize;

TEST(Normalize, FullWidthDigitsAndLettersBecomeAscii) {
  EXPECT_EQ(normalize("１２３１５"), "12315");
  EXPECT_EQ(normalize("ＡＢＣ－１２３"), "abc-123");  // letters are also case-folded
  EXPECT_EQ(normalize("型号ＸＹ９"), "型号xy9");
}

TEST(Normalize, FullWidthPunctuationBecomesHalfWidth) {
  EXPECT_EQ(normalize("坏了？！"), "坏了?!");
  EXPECT_EQ(normalize("（急）"), "(急)");
}

TEST(Normalize, FoldsCase) {
  EXPECT_EQ(normalize("Hello WORLD"), "hello world");
  EXPECT_EQ(normalize("DOESN'T WORK"), "doesn't work");
  EXPECT_EQ(normalize("ÀÉÎ"), "àéî");
}

TEST(Normalize, ComposesCombiningSequences) {
  // "e" + COMBINING ACUTE ACCENT becomes the single code point U+00E9.
  EXPECT_EQ(normalize("caf\x65\xCC\x81"), "caf\xC3\xA9");
}

TEST(Normalize, LeavesChineseTextAlone) {
  EXPECT_EQ(normalize("产品质量有问题"), "产品质量有问题");
}

TEST(Normalize, CollapsesWhiteSpaceRunsIncludingIdeographicSpace) {
  EXPECT_EQ(normalize("冰箱　　坏了"), "冰箱 坏了");           // two U+3000
  EXPECT_EQ(normalize("a \t\n\r b"), "a b");
  EXPECT_EQ(normalize("a\xC2\xA0\xC2\xA0" "b"), "a b");        // no-break spaces
  EXPECT_EQ(normalize("冰箱 　\t坏了"), "冰箱 坏了");          // mixed ASCII and ideographic
  EXPECT_EQ(normalize("a\xE2\x80\x83" "b"), "a b");           // EM SPACE
}

TEST(Normalize, TrimsBothEnds) {
  EXPECT_EQ(normalize("  冰箱坏了  "), "冰箱坏了");
  EXPECT_EQ(normalize("　冰箱坏了　"), "冰箱坏了");
  EXPECT_EQ(normalize("\n\t冰箱坏了\r\n"), "冰箱坏了");
}

TEST(Normalize, BlankAndEmptyBecomeEmpty) {
  EXPECT_EQ(normalize(""), "");
  EXPECT_EQ(normalize("   "), "");
  EXPECT_EQ(normalize("　 　\n"), "");
}

TEST(Normalize, InvalidUtf8YieldsEmpty) {
  EXPECT_EQ(normalize("\xC3\x28"), "");
  EXPECT_EQ(normalize("冰箱坏了\xFF"), "");
  EXPECT_EQ(normalize("\xED\xA0\x80"), "");          // a surrogate
  EXPECT_EQ(normalize("\xC0\xAF"), "");              // an overlong '/'
  EXPECT_EQ(normalize("abc\xE4\xB8"), "");           // truncated at the end
}

TEST(Normalize, IsIdempotent) {
  for (const char* text : {"ＡＢＣ　冰箱\n坏了 ", "Hello   WORLD", "１２３１５！", "  a  b  ", "质量问题"}) {
    const std::string once = normalize(text);
    EXPECT_EQ(normalize(once), once) << text;
  }
}

}  // namespace
