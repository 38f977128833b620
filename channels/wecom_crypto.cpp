#include "intake/channels/wecom_crypto.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "channels/base64.hpp"
#include "intake/channels/adapter.hpp"
#include "intake/hex.hpp"

namespace intake::channels {
namespace {

constexpr std::size_t kBlock = 32;  // WeCom pads to 32 bytes, not AES's 16

Error unauthorized(std::string message) { return make_error(std::string(errc::unauthorized), std::move(message)); }

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::vector<std::uint8_t> out(text.size() / 4 * 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --size;  // DecodeBlock counts padding
  out.resize(size);
  return out;
}

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// AES-256-CBC without OpenSSL's own padding (WeCom's is to 32 bytes).
std::optional<std::vector<std::uint8_t>> aes_cbc(const std::array<std::uint8_t, 32>& key, const std::vector<std::uint8_t>& in,
                                                 bool encrypt) {
  CipherContext ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  if (!ctx || EVP_CipherInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, key.data(), key.data(), encrypt ? 1 : 0) != 1)
    return std::nullopt;
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  std::vector<std::uint8_t> out(in.size() + 32);
  int written = 0, final_written = 0;
  if (EVP_CipherUpdate(ctx.get(), out.data(), &written, in.data(), static_cast<int>(in.size())) != 1) return std::nullopt;
  if (EVP_CipherFinal_ex(ctx.get(), out.data() + written, &final_written) != 1) return std::nullopt;
  out.resize(static_cast<std::size_t>(written + final_written));
  return out;
}

}  // namespace

std::string wecom_signature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                            std::string_view ciphertext) {
  std::array<std::string_view, 4> parts{token, timestamp, nonce, ciphertext};
  std::sort(parts.begin(), parts.end());
  std::string joined;
  for (auto part : parts) joined += part;
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char*>(joined.data()), joined.size(), digest.data());
  return lower_hex(digest.data(), digest.size());
}

Result<WecomCipher> WecomCipher::from_encoding_aes_key(std::string_view encoding_aes_key) {
  auto key = encoding_aes_key.size() == 43 ? base64_decode(std::string(encoding_aes_key) + "=") : std::nullopt;
  if (!key || key->size() != 32) return make_error("invalid_key", "the EncodingAESKey must be 43 characters of base64");
  WecomCipher cipher;
  std::copy(key->begin(), key->end(), cipher.key_.begin());
  return cipher;
}

Result<std::string> WecomCipher::decrypt(std::string_view ciphertext, std::string_view receive_id) const {
  auto data = base64_decode(ciphertext);
  if (!data || data->empty() || data->size() % 16 != 0) return unauthorized("Encrypt is not base64 of whole AES blocks");
  auto plain = aes_cbc(key_, *data, /*encrypt=*/false);
  if (!plain || plain->empty()) return unauthorized("Encrypt does not decrypt with this EncodingAESKey");
  const std::size_t pad = plain->back();
  if (pad < 1 || pad > kBlock || pad > plain->size()) return unauthorized("Encrypt has bad padding (wrong key?)");
  plain->resize(plain->size() - pad);
  if (plain->size() < 20) return unauthorized("Encrypt is too short to hold a message");
  const std::size_t length = (std::size_t{(*plain)[16]} << 24) | (std::size_t{(*plain)[17]} << 16) |
                             (std::size_t{(*plain)[18]} << 8) | std::size_t{(*plain)[19]};
  if (length > plain->size() - 20) return unauthorized("Encrypt declares a message longer than itself");
  const std::string message(plain->begin() + 20, plain->begin() + 20 + static_cast<std::ptrdiff_t>(length));
  const std::string_view tail(reinterpret_cast<const char*>(plain->data()) + 20 + length, plain->size() - 20 - length);
  if (tail != receive_id) return unauthorized("Encrypt was made for another receive id (corp id)");
  return message;
}

std::string WecomCipher::encrypt(std::string_view message, std::string_view receive_id,
                                 const std::array<std::uint8_t, 16>& prefix) const {
  std::vector<std::uint8_t> plain(prefix.begin(), prefix.end());
  const auto length = static_cast<std::uint32_t>(message.size());
  for (int shift : {24, 16, 8, 0}) plain.push_back(static_cast<std::uint8_t>(length >> shift));
  plain.insert(plain.end(), message.begin(), message.end());
  plain.insert(plain.end(), receive_id.begin(), receive_id.end());
  const std::size_t pad = kBlock - plain.size() % kBlock;
  plain.insert(plain.end(), pad, static_cast<std::uint8_t>(pad));
  const auto cipher = *aes_cbc(key_, plain, /*encrypt=*/true);
  return base64_encode(cipher.data(), cipher.size());
}

}  // namespace intake::channels
