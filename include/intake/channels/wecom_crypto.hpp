#pragma once
// WeCom's (企业微信) callback encryption, WXBizMsgCrypt:
//   msg_signature = hex SHA1 of the sorted concatenation of token, timestamp, nonce and
//                   the ciphertext
//   key           = base64 of the 43-character EncodingAESKey plus "=" (32 bytes)
//   ciphertext    = base64 AES-256-CBC(key, IV = key[0..16]) of
//                   16 random bytes | message length (4 bytes, big-endian) | message |
//                   receive id (the corp id), PKCS#7-padded to a multiple of 32 bytes
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "intake/result.hpp"

namespace intake::channels {

std::string wecom_signature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                            std::string_view ciphertext);

class WecomCipher {
 public:
  // Errors (code "invalid_key") when the key is not 43 characters of base64.
  static Result<WecomCipher> from_encoding_aes_key(std::string_view encoding_aes_key);

  // The message inside `ciphertext` (base64). Errors (code "unauthorized") when it does
  // not decrypt, its padding or length is wrong, or it was made for another receive id.
  Result<std::string> decrypt(std::string_view ciphertext, std::string_view receive_id) const;

  // `message` encrypted for `receive_id`, with `prefix` as the 16 leading bytes (random in
  // WeCom's samples; the caller decides, so a reply can be reproduced exactly).
  std::string encrypt(std::string_view message, std::string_view receive_id,
                      const std::array<std::uint8_t, 16>& prefix) const;

  const std::array<std::uint8_t, 32>& key() const { return key_; }

 private:
  std::array<std::uint8_t, 32> key_{};
};

}  // namespace intake::channels
