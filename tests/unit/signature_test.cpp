// intake/channels/signature.hpp: HMAC-SHA256 hex, digest comparison and UTF-8 checks.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>
#include <cstdio>
#include <string>

#include "intake/channels/signature.hpp"
#include "unit_support.hpp"

namespace {

using intake::channels::hex_digest_equals;
using intake::channels::hmac_sha256_hex;
using intake::channels::is_valid_utf8;

TEST(HmacSha256Hex, MatchesRfc4231TestCases) {
  // RFC 4231, test cases 1 and 2.
  EXPECT_EQ(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256Hex, IsLowerCaseHexOfOpenSslHmac) {
  const std::string key = "s3cret-键";
  const std::string body = R"({"message_id":"m-1","text":"冰箱坏了"})";
  const std::string mac = hmac_sha256_hex(key, body);
  EXPECT_EQ(mac, unit::reference_hmac_sha256_hex(key, body));
  EXPECT_EQ(mac.size(), 64u);
  EXPECT_EQ(mac.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(HexDigestEquals, EqualDigestsMatchInAnyCase) {
  const std::string lower = unit::reference_hmac_sha256_hex("k", "body");
  std::string upper = lower;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string mixed = lower;
  for (std::size_t i = 0; i < mixed.size(); i += 2)
    mixed[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(mixed[i])));
  EXPECT_TRUE(hex_digest_equals(lower, lower));
  EXPECT_TRUE(hex_digest_equals(upper, lower));
  EXPECT_TRUE(hex_digest_equals(mixed, lower));
  EXPECT_TRUE(hex_digest_equals(lower, upper));
}

TEST(HexDigestEquals, OneDifferentNibbleDoesNotMatch) {
  const std::string expected = unit::reference_hmac_sha256_hex("k", "body");
  for (std::size_t pos : {std::size_t{0}, expected.size() / 2, expected.size() - 1}) {
    std::string received = expected;
    received[pos] = received[pos] == '0' ? '1' : '0';
    EXPECT_FALSE(hex_digest_equals(received, expected)) << "changed position " << pos;
  }
}

TEST(HexDigestEquals, LengthMismatchDoesNotMatch) {
  const std::string expected = unit::reference_hmac_sha256_hex("k", "body");
  EXPECT_FALSE(hex_digest_equals(expected.substr(0, 62), expected));  // a prefix is not enough
  EXPECT_FALSE(hex_digest_equals(expected + "00", expected));
  EXPECT_FALSE(hex_digest_equals("", expected));
  EXPECT_FALSE(hex_digest_equals(expected, ""));
  EXPECT_FALSE(hex_digest_equals("", ""));  // nothing to compare is never a match
}

TEST(HexDigestEquals, NonHexDoesNotMatch) {
  const std::string expected = unit::reference_hmac_sha256_hex("k", "body");
  std::string with_g = expected;
  with_g[10] = 'g';
  EXPECT_FALSE(hex_digest_equals(with_g, expected));
  std::string with_space = expected;
  with_space[0] = ' ';
  EXPECT_FALSE(hex_digest_equals(with_space, expected));
  EXPECT_FALSE(hex_digest_equals(expected.substr(0, 63), expected));  // odd length
  EXPECT_FALSE(hex_digest_equals("zz", "zz"));                        // both malformed
  EXPECT_FALSE(hex_digest_equals("0x" + expected.substr(2), expected));
}

TEST(IsValidUtf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ASCII"));
  EXPECT_TRUE(is_valid_utf8("冰箱坏了，请尽快处理"));
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));          // U+1F600, four bytes
  EXPECT_TRUE(is_valid_utf8("\xC2\x80"));                  // U+0080, the smallest two-byte form
  EXPECT_TRUE(is_valid_utf8("\xDF\xBF"));                  // U+07FF
  EXPECT_TRUE(is_valid_utf8("\xE0\xA0\x80"));              // U+0800, the smallest three-byte form
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));              // U+D7FF, just below the surrogates
  EXPECT_TRUE(is_valid_utf8("\xEE\x80\x80"));              // U+E000, just above them
  EXPECT_TRUE(is_valid_utf8("\xF0\x90\x80\x80"));          // U+10000
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));          // U+10FFFF, the last code point
  EXPECT_TRUE(is_valid_utf8(std::string("a\0b", 3)));      // NUL is a valid character
}

TEST(IsValidUtf8, RejectsOverlongForms) {
  EXPECT_FALSE(is_valid_utf8("\xC0\x80"));          // NUL in two bytes
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // '/' in two bytes
  EXPECT_FALSE(is_valid_utf8("\xC1\xBF"));
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // '/' in three bytes
  EXPECT_FALSE(is_valid_utf8("\xE0\x9F\xBF"));      // U+07FF in three bytes
  EXPECT_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));  // '/' in four bytes
  EXPECT_FALSE(is_valid_utf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in four bytes
}

TEST(IsValidUtf8, RejectsSurrogatesAndCodePointsAboveTheRange) {
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));                  // U+D800
  EXPECT_FALSE(is_valid_utf8("\xED\xBF\xBF"));                  // U+DFFF
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\xBD\xED\xB8\x80"));      // a CESU-8 surrogate pair
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));              // U+110000
  EXPECT_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xF8\x88\x80\x80\x80"));          // old five-byte form
  EXPECT_FALSE(is_valid_utf8("\xFE"));
  EXPECT_FALSE(is_valid_utf8("\xFF"));
}

TEST(IsValidUtf8, RejectsTruncatedAndStraySequences) {
  EXPECT_FALSE(is_valid_utf8("\xC3"));                  // lead byte at the end
  EXPECT_FALSE(is_valid_utf8("\xE4\xB8"));              // two of three bytes of 中
  EXPECT_FALSE(is_valid_utf8("\xF0\x9F\x98"));          // three of four bytes
  EXPECT_FALSE(is_valid_utf8("abc\xE4\xB8"));           // truncated at the end of otherwise good text
  EXPECT_FALSE(is_valid_utf8("\xE4\xB8" "abc"));        // truncated in the middle
  EXPECT_FALSE(is_valid_utf8("\x80"));                  // a continuation byte alone
  EXPECT_FALSE(is_valid_utf8("\xE4\xB8\xAD\xAD"));      // one continuation byte too many
  EXPECT_FALSE(is_valid_utf8("\xC3\x28"));              // lead byte followed by ASCII
  EXPECT_FALSE(is_valid_utf8("\xB9\xFA\xBC\xD2"));      // 国家 in GBK, a common mislabelling
}

}  // namespace
