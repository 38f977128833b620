#pragma once
// application/x-www-form-urlencoded for test requests, every byte but [A-Za-z0-9-_.]
// percent-escaped. Written independently of the product's parser.
#include <cctype>
#include <string>
#include <utility>
#include <vector>

namespace intake::testing {

inline std::string form_encode(const std::vector<std::pair<std::string, std::string>>& params) {
  auto escape = [](const std::string& s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
        out.push_back(static_cast<char>(c));
      } else {
        out += '%';
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
      }
    }
    return out;
  };
  std::string body;
  for (const auto& [name, value] : params) body += (body.empty() ? "" : "&") + escape(name) + "=" + escape(value);
  return body;
}

}  // namespace intake::testing
