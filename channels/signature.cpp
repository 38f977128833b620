#include "intake/channels/signature.hpp"

#include "intake/channels/adapter.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <utf8proc.h>

#include <array>
#include <cctype>
#include <optional>
#include <vector>

#include "intake/hex.hpp"
#include "intake/utf8.hpp"

namespace intake::channels {
namespace {

std::optional<std::vector<unsigned char>> decode_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::vector<unsigned char> out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return out;
}


}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &len);
  return lower_hex(mac.data(), len);
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &len, EVP_sha256(), nullptr);
  return lower_hex(digest.data(), len);
}

bool hex_digest_equals(std::string_view received_hex, std::string_view expected_hex) {
  auto received = decode_hex(received_hex);
  auto expected = decode_hex(expected_hex);
  if (!received || !expected || received->size() != expected->size() || expected->empty()) return false;
  return CRYPTO_memcmp(received->data(), expected->data(), expected->size()) == 0;
}

bool secret_equals(std::string_view received, std::string_view expected) {
  // Digests of equal length hide where, and whether in length, the two differ.
  const std::string a = hmac_sha256_hex("intake secret comparison", received);
  const std::string b = hmac_sha256_hex("intake secret comparison", expected);
  return !expected.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Status check_intake_signature(const std::optional<std::string>& secret, bool allow_unsigned, std::string_view secret_env,
                              const HttpRequestView& request) {
  if (!secret) {
    if (allow_unsigned) return Ok{};
    return make_error(std::string(errc::unauthorized), "this channel has no signing secret configured (" +
                                                           std::string(secret_env) + ") and does not accept unsigned requests");
  }
  auto header = request.header("X-Intake-Signature");
  if (!header) return make_error(std::string(errc::unauthorized), "X-Intake-Signature header is missing");
  constexpr std::string_view kScheme = "sha256=";
  if (!header->starts_with(kScheme))
    return make_error(std::string(errc::unauthorized), "X-Intake-Signature must be of the form sha256=<hex>");
  if (!hex_digest_equals(header->substr(kScheme.size()), hmac_sha256_hex(*secret, request.body)))
    return make_error(std::string(errc::unauthorized), "X-Intake-Signature does not match the body");
  return Ok{};
}

bool is_json_media_type(std::string_view content_type) {
  std::string lower(content_type);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("json") != std::string::npos;
}

namespace {

// True when `text` is well-formed UTF-8 and every code point satisfies `accept`.
template <class Predicate>
bool all_code_points(std::string_view text, Predicate accept) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0 || cp < 0 || !accept(cp)) return false;
    p += n;
    left -= n;
  }
  return true;
}

}  // namespace

bool is_valid_utf8(std::string_view text) { return is_utf8(text); }

bool is_blank(std::string_view text) {
  return all_code_points(text, [](utf8proc_int32_t cp) {
    switch (utf8proc_category(cp)) {
      case UTF8PROC_CATEGORY_ZS:
      case UTF8PROC_CATEGORY_ZL:
      case UTF8PROC_CATEGORY_ZP:
      case UTF8PROC_CATEGORY_CC:
      case UTF8PROC_CATEGORY_CF:  // zero-width spaces and joiners, the byte-order mark
        return true;
      default:
        return false;
    }
  });
}

}  // namespace intake::channels
