#pragma once
// The writing a customer uses, so the bot answers in it: simplified Chinese, traditional
// Chinese or English. Reply templates exist once per script.
#include <array>
#include <optional>
#include <string_view>

#include "intake/enum_names.hpp"

namespace intake {

enum class Script { zh_Hans, zh_Hant, en };

inline constexpr std::array<Script, 3> kAllScripts = {Script::zh_Hans, Script::zh_Hant, Script::en};

// BCP 47 tags, as used in rule packs and stored with every classification.
constexpr std::string_view to_string(Script s) {
  switch (s) {
    case Script::zh_Hans: return "zh-Hans";
    case Script::zh_Hant: return "zh-Hant";
    case Script::en: return "en";
  }
  return "zh-Hans";
}

constexpr std::optional<Script> parse_script(std::string_view tag) { return from_name(tag, kAllScripts); }

}  // namespace intake
