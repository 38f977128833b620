// dialog::normalize: NFKC, case folding, white-space collapsing, invalid UTF-8.
#include <gtest/gtest.h>

#include <string>

#include <utf8proc.h>

#include <cstdlib>
#include <vector>

#include "intake/dialog/normalizer.hpp"
#include "unit_support.hpp"

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

// ---- repeated punctuation, conversion and script ---------------------------------------

namespace {

using intake::Script;
using intake::dialog::detect_script;

// Maps 質→质 and 軟體→软件 only: enough to see that normalize() converts when, and only
// when, a traditional character is present.
unit::TableConverter two_word_converter() {
  return unit::TableConverter(U"質軟體", {{"質", "质"}, {"軟體", "软件"}});
}

TEST(Normalize, RepeatedPunctuationCollapsesToTwo) {
  EXPECT_EQ(normalize("坏了！！！"), "坏了!!");
  EXPECT_EQ(normalize("坏了!!!!!!!!"), "坏了!!");
  EXPECT_EQ(normalize("坏了！！"), "坏了!!");
  EXPECT_EQ(normalize("怎么回事？？？！！！！"), "怎么回事?" "?!!");  // split: "??!" is a trigraph
  EXPECT_EQ(normalize("等了很久。。。"), "等了很久。。");
  EXPECT_EQ(normalize("a---b"), "a--b");
  // Different marks in a row, digits and letters are left alone.
  EXPECT_EQ(normalize("真的?!"), "真的?!");
  EXPECT_EQ(normalize("1000元"), "1000元");
  EXPECT_EQ(normalize("! !"), "! !");
}

TEST(Normalize, TraditionalTextIsConvertedOnlyWhenItHasTraditionalCharacters) {
  const auto converter = two_word_converter();
  EXPECT_EQ(normalize("產品品質很差", {.converter = &converter}), "產品品质很差");
  EXPECT_EQ(normalize("ＡＰＰ軟體", {.converter = &converter}), "app软件");
  EXPECT_EQ(converter.calls, 2);
  EXPECT_EQ(normalize("产品质量很差", {.converter = &converter}), "产品质量很差");
  EXPECT_EQ(converter.calls, 2);  // simplified text never pays for conversion
}

TEST(Normalize, CaseFoldingCanBeTurnedOff) {
  EXPECT_EQ(normalize("型号ＸＪ－２００Ｂ", {.case_fold = false}), "型号XJ-200B");
}

TEST(DetectScript, SimplifiedTraditionalAndEnglish) {
  const auto converter = two_word_converter();
  EXPECT_EQ(detect_script("产品质量很差", &converter), Script::zh_Hans);
  EXPECT_EQ(detect_script("產品品質很差", &converter), Script::zh_Hant);
  EXPECT_EQ(detect_script("The pump is broken", &converter), Script::en);
  EXPECT_EQ(detect_script("ＴＨＥ ＰＵＭＰ", &converter), Script::en);          // full-width Latin
  EXPECT_EQ(detect_script("XJ-200 坏了", &converter), Script::zh_Hans);         // Chinese with a model number
  EXPECT_EQ(detect_script("12345", &converter), Script::zh_Hans);               // nothing to tell: the default
  EXPECT_EQ(detect_script("產品品質很差", nullptr), Script::zh_Hans);            // no converter, no way to tell
}

}  // namespace

// ---- the fast path for Chinese text agrees with utf8proc --------------------------------

namespace {

// NFKC + case fold straight from utf8proc, whitespace left alone: what normalize() did
// before it had a fast path, for the characters that path handles.
std::string utf8proc_reference(const std::string& text) {
  utf8proc_uint8_t* mapped = nullptr;
  const auto len = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                static_cast<utf8proc_ssize_t>(text.size()), &mapped,
                                static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                                               UTF8PROC_CASEFOLD));
  std::string out = len < 0 ? std::string() : std::string(reinterpret_cast<char*>(mapped), static_cast<std::size_t>(len));
  std::free(mapped);
  return out;
}

std::string utf8_of(char32_t cp) {
  utf8proc_uint8_t buf[4];
  const auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(cp), buf);
  return std::string(reinterpret_cast<char*>(buf), static_cast<std::size_t>(n));
}

TEST(Normalize, FastPathAgreesWithUtf8procOnEveryCharacterItHandles) {
  std::vector<char32_t> handled;
  for (char32_t cp = 0x4E00; cp <= 0x9FFF; ++cp) handled.push_back(cp);
  for (char32_t cp = 0x3400; cp <= 0x4DBF; ++cp) handled.push_back(cp);
  for (char32_t cp = 0x3000; cp <= 0x301F; ++cp) handled.push_back(cp);
  for (char32_t cp = 0xFF01; cp <= 0xFF5E; ++cp) handled.push_back(cp);
  for (char32_t cp : {U'\u2014', U'\u2018', U'\u2019', U'\u201C', U'\u201D'}) handled.push_back(cp);
  for (char32_t cp = 0x21; cp <= 0x7E; ++cp) handled.push_back(cp);
  int checked = 0;
  for (char32_t cp : handled) {
    // Between two letters, so that collapsing punctuation or spaces cannot hide a difference.
    const std::string text = "a" + utf8_of(cp) + "b";
    std::string expected = utf8proc_reference(text);
    if (cp == 0x3000) expected = "a b";  // the ideographic space is white space: collapsed to ' '
    ASSERT_EQ(normalize(text), expected) << "U+" << std::hex << static_cast<std::uint32_t>(cp);
    ++checked;
  }
  EXPECT_GT(checked, 27000);
  // Text outside the fast path still goes through utf8proc.
  EXPECT_EQ(normalize("ＣＡＦÉ ﬁ ①"), "café fi 1");
  EXPECT_EQ(normalize("\xE0\x80\x80"), "");  // an overlong form is invalid, not a character
  EXPECT_EQ(normalize("\xE4\xB8"), "");      // a truncated sequence too
}

}  // namespace
