#pragma once
// Base64 (RFC 4648, with padding) for the channels that sign or encrypt with it
// (Twilio's signature, WeCom's ciphertext, HTTP Basic credentials). Internal to channels/.
#include <openssl/evp.h>

#include <string>
#include <string_view>

namespace intake::channels {

inline std::string base64_encode(const void* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');  // EVP_EncodeBlock writes a NUL after
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      static_cast<const unsigned char*>(data), static_cast<int>(size));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

inline std::string base64_encode(std::string_view bytes) { return base64_encode(bytes.data(), bytes.size()); }

}  // namespace intake::channels
