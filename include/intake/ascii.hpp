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

// Without leading and trailing spaces, tabs, carriage returns and line feeds.
inline std::string_view trim_ascii_space(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace intake
