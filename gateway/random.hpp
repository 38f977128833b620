#pragma once
// Secrets and ids the gateway makes for itself: lower-case hex of fresh random bytes from
// OpenSSL's generator. nullopt only when the generator has no entropy (never on a sane
// system); callers turn that into an error of their own.
#include <openssl/rand.h>

#include <optional>
#include <string>
#include <vector>

#include "intake/hex.hpp"

namespace intake::gateway {

inline std::optional<std::string> random_hex(std::size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  if (RAND_bytes(buffer.data(), static_cast<int>(buffer.size())) != 1) return std::nullopt;
  return lower_hex(buffer.data(), buffer.size());
}

}  // namespace intake::gateway
