// The charset reader: labels as mailers write them, text that does not match its label.
#include "intake/channels/charset.hpp"

#include <gtest/gtest.h>

namespace intake::channels {
namespace {

TEST(Charset, ChineseLabelsMapToTheirSupersets) {
  EXPECT_EQ(iconv_charset("gb2312"), "GB18030");
  EXPECT_EQ(iconv_charset("GBK"), "GB18030");
  EXPECT_EQ(iconv_charset("x-gbk"), "GB18030");
  EXPECT_EQ(iconv_charset("Big5"), "CP950");
  EXPECT_EQ(iconv_charset(""), "US-ASCII");
  EXPECT_EQ(iconv_charset("utf8"), "UTF-8");
  EXPECT_EQ(iconv_charset("iso-8859-1"), "ISO-8859-1");
}

TEST(Charset, DecodesTheDeclaredCharset) {
  DecodedText gbk = decode_to_utf8("\xC4\xE3\xBA\xC3\xA3\xAC\xB2\xFA\xC6\xB7\xC2\xA9\xCB\xAE", "gbk");
  EXPECT_EQ(gbk.text, "你好，产品漏水");
  EXPECT_EQ(gbk.charset, "GB18030");
  EXPECT_TRUE(gbk.declared_used);
  EXPECT_FALSE(gbk.lossy);

  DecodedText big5 = decode_to_utf8("\xB2\xA3\xAB\x7E\xBD\xE8\xB6\x71", "big5");
  EXPECT_EQ(big5.text, "產品質量");
  EXPECT_TRUE(big5.declared_used);
}

TEST(Charset, Gb2312LabelCarryingAGbkOnlyCharacterIsNotMangled) {
  // 镕 is E9 46 in GBK: the trail byte 0x46 does not exist in GB2312.
  DecodedText d = decode_to_utf8("\xC4\xFA\xBA\xC3\xE9\x46", "gb2312");
  EXPECT_EQ(d.text, "您好镕");
  EXPECT_TRUE(d.declared_used);
}

TEST(Charset, Utf8BytesUnderALegacyLabelAreReadAsUtf8) {
  DecodedText d = decode_to_utf8("\xE6\x88\x91\xE4\xBB\xAC", "gb2312");
  EXPECT_EQ(d.text, "我们");
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_FALSE(d.declared_used);
}

TEST(Charset, EightBitBytesLabelledAsciiAreTriedAsBig5) {
  DecodedText d = decode_to_utf8("\xB2\xA3\xAB\x7E\xBD\xE8\xB6\x71", "us-ascii");
  EXPECT_EQ(d.text, "產品質量");
  EXPECT_EQ(d.charset, "CP950");
  EXPECT_FALSE(d.declared_used);
}

TEST(Charset, UnknownLabelFallsBack) {
  DecodedText d = decode_to_utf8("\xBF\xCD\xB7\xFE\xCC\xAC\xB6\xC8\xBA\xDC\xB2\xEE", "x-no-such-charset");
  EXPECT_FALSE(d.declared_used);
  EXPECT_FALSE(d.lossy);
  EXPECT_FALSE(d.text.empty());
}

TEST(Charset, BytesNoCharsetFitsAreReplacedNotDropped) {
  // 0xFF is neither a lead byte in GB18030 and Big5 nor anything in UTF-8.
  DecodedText d = decode_to_utf8("ok \xFF\xFF end", "utf-8");
  EXPECT_TRUE(d.lossy);
  EXPECT_EQ(d.text, "ok \xEF\xBF\xBD\xEF\xBF\xBD end");
}

TEST(Charset, NulCharactersAreDropped) {
  EXPECT_EQ(decode_to_utf8(std::string("a\0b", 3), "utf-8").text, "ab");
  EXPECT_EQ(decode_to_utf8(std::string("\xC4\xFA\0\xBA\xC3", 5), "gbk").text, "您好");
}

TEST(Charset, AsciiPassesThrough) {
  DecodedText d = decode_to_utf8("Order 2026112301 late", "big5");
  EXPECT_EQ(d.text, "Order 2026112301 late");
  EXPECT_TRUE(d.declared_used);
}

}  // namespace
}  // namespace intake::channels
