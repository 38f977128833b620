#pragma once
// Lower-case hexadecimal of bytes: digests in signatures, bytea literals for PostgreSQL.
#include <string>
#include <string_view>

namespace intake {

inline std::string lower_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  return out;
}

// The same for a digest buffer as OpenSSL fills it.
inline std::string lower_hex(const unsigned char* bytes, std::size_t size) {
  return lower_hex(std::string_view(reinterpret_cast<const char*>(bytes), size));
}

}  // namespace intake
