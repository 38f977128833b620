// gateway/log: masking of contact details before they reach a log line.
#include <gtest/gtest.h>

#include <string>

#include "gateway/log.hpp"
#include "intake/channels/signature.hpp"

namespace {

using intake::gateway::log::mask_email;
using intake::gateway::log::mask_phone;

std::string digits_of(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out.push_back(c);
  return out;
}

TEST(MaskPhone, KeepsCountryCodeOperatorPrefixAndLastFour) {
  EXPECT_EQ(mask_phone("+8613812345678"), "+86138****5678");
}

TEST(MaskPhone, DomesticMobileKeepsOperatorPrefixAndLastFour) {
  EXPECT_EQ(mask_phone("13812345678"), "138****5678");
}

TEST(MaskPhone, SeparatorsDoNotLeakTheMiddleDigits) {
  for (const char* phone : {"+86 138 1234 5678", "+86-138-1234-5678", "(+86) 138-1234-5678"}) {
    const std::string masked = mask_phone(phone);
    EXPECT_EQ(masked, "+86138****5678") << phone;
    EXPECT_EQ(masked.find("1234"), std::string::npos) << phone;
  }
}

TEST(MaskPhone, NeverRevealsTheWholeNumber) {
  for (const char* phone : {"+8613812345678", "13812345678", "010-12345678", "12345678", "95123", "12315", "1234",
                            "12", "+1 415 555 0100", "+44 20 7946 0958"}) {
    const std::string masked = mask_phone(phone);
    const std::string all_digits = digits_of(phone);
    EXPECT_NE(masked, phone);
    EXPECT_NE(digits_of(masked), all_digits) << phone << " -> " << masked;
    EXPECT_NE(masked.find('*'), std::string::npos) << phone << " -> " << masked;
  }
}

TEST(MaskPhone, HidesAtLeastTheMiddleOfLongNumbers) {
  // A mobile number shown by its prefix and last four: the four middle digits are hidden.
  const std::string masked = mask_phone("+8613899990000");
  EXPECT_EQ(masked.find("9999"), std::string::npos) << masked;
  EXPECT_EQ(masked.substr(masked.size() - 4), "0000");
}

TEST(MaskPhone, EmptyStaysEmptyOfDigits) {
  EXPECT_TRUE(digits_of(mask_phone("")).empty());
  EXPECT_TRUE(digits_of(mask_phone("not a number")).empty());
}

TEST(MaskEmail, KeepsFirstLetterAndDomain) {
  EXPECT_EQ(mask_email("wang@example.com"), "w***@example.com");
  EXPECT_EQ(mask_email("wang.xiaoming+orders@mail.example.cn"), "w***@mail.example.cn");
}

TEST(MaskEmail, NeverRevealsTheWholeAddress) {
  for (const char* email : {"wang@example.com", "a@example.com", "ab@b.cn", "no-at-sign", "@example.com",
                            "wang@", "", "x"}) {
    const std::string masked = mask_email(email);
    if (std::string(email).empty()) continue;
    EXPECT_EQ(masked.find(email), std::string::npos) << email << " -> " << masked;
  }
  // The local part is hidden whatever its length.
  EXPECT_EQ(mask_email("wangxiaoming@example.com").find("wangxiaoming"), std::string::npos);
}

TEST(MaskEmail, NonAsciiLocalPartStaysValidUtf8) {
  // Internationalised addresses (RFC 6531) exist in China: 张伟@example.cn.
  const std::string masked = mask_email("张伟@example.cn");
  EXPECT_EQ(masked.find("张伟"), std::string::npos);
  EXPECT_TRUE(intake::channels::is_valid_utf8(masked));
}

}  // namespace
