#pragma once
// ASCII case for protocol tokens (header names and values, charset labels, e-mail
// addresses' domains): locale-independent, and leaves every non-ASCII byte alone.
#include <string>
#include <string_view>

namespace intake {

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

inline std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

}  // namespace intake
