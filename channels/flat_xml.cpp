#include "intake/channels/flat_xml.hpp"

#include <cctype>

namespace intake::channels {
namespace {

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; }

void skip_space(std::string_view s, std::size_t& i) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
}

// "<Name>" at i: the name, with i after '>'.
std::optional<std::string> open_tag(std::string_view s, std::size_t& i) {
  if (i >= s.size() || s[i] != '<') return std::nullopt;
  std::size_t j = i + 1;
  while (j < s.size() && is_name_char(s[j])) ++j;
  if (j == i + 1 || j >= s.size() || s[j] != '>') return std::nullopt;
  std::string name(s.substr(i + 1, j - i - 1));
  i = j + 1;
  return name;
}

bool close_tag(std::string_view s, std::size_t& i, std::string_view name) {
  const std::string tag = "</" + std::string(name) + ">";
  if (s.substr(i, tag.size()) != tag) return false;
  i += tag.size();
  return true;
}

std::optional<std::string> unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out.push_back(text[i]);
      continue;
    }
    static constexpr std::pair<std::string_view, char> kEntities[] = {
        {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
    bool known = false;
    for (const auto& [entity, c] : kEntities)
      if (text.substr(i, entity.size()) == entity) {
        out.push_back(c);
        i += entity.size() - 1;
        known = true;
        break;
      }
    if (!known) return std::nullopt;
  }
  return out;
}

// Text and CDATA sections up to the next '<' that is not CDATA.
std::optional<std::string> content(std::string_view s, std::size_t& i) {
  std::string out;
  while (i < s.size()) {
    if (s.substr(i, 9) == "<![CDATA[") {
      const std::size_t end = s.find("]]>", i + 9);
      if (end == std::string_view::npos) return std::nullopt;
      out += s.substr(i + 9, end - i - 9);
      i = end + 3;
    } else if (s[i] == '<') {
      return out;
    } else {
      const std::size_t end = std::min(s.find('<', i), s.size());
      auto text = unescape(s.substr(i, end - i));
      if (!text) return std::nullopt;
      out += *text;
      i = end;
    }
  }
  return std::nullopt;  // the element never closed
}

}  // namespace

std::optional<FlatXml> parse_flat_xml(std::string_view s) {
  std::size_t i = 0;
  skip_space(s, i);
  if (s.substr(i, 5) == "<?xml") {
    const std::size_t end = s.find("?>", i);
    if (end == std::string_view::npos) return std::nullopt;
    i = end + 2;
    skip_space(s, i);
  }
  auto root = open_tag(s, i);
  if (!root) return std::nullopt;
  FlatXml out;
  while (true) {
    skip_space(s, i);
    if (close_tag(s, i, *root)) break;
    auto name = open_tag(s, i);
    if (!name) return std::nullopt;
    auto value = content(s, i);
    if (!value || !close_tag(s, i, *name)) return std::nullopt;
    out.emplace(std::move(*name), std::move(*value));
  }
  skip_space(s, i);
  if (i != s.size()) return std::nullopt;
  return out;
}

std::string cdata(std::string_view value) {
  std::string out = "<![CDATA[";
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value.substr(i, 3) == "]]>") {
      out += "]]]]><![CDATA[>";
      i += 2;
    } else {
      out.push_back(value[i]);
    }
  }
  return out + "]]>";
}

}  // namespace intake::channels
