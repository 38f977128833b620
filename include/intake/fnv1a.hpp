#pragma once
// FNV-1a, 64 bits: a stable, dependency-free fingerprint (not for security) used where a
// short name must be derived from a longer text the same way on every run and machine.
#include <cstdint>
#include <string_view>

namespace intake {

constexpr std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace intake
