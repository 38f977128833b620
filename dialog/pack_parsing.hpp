#pragma once
// What every section of a rule pack (rules, slots, templates) shares when it is parsed:
// one error format and one way patterns are compiled. Internal to dialog/.
#include <re2/re2.h>

#include <string>
#include <string_view>

#include "intake/result.hpp"

namespace intake::dialog {

// "config/rules/default.json: /rules/3/pattern: RE2: missing )" (code "invalid_rule_pack").
inline Error pack_error(std::string_view source, const std::string& pointer, const std::string& what) {
  return make_error("invalid_rule_pack", std::string(source) + ": " + pointer + ": " + what);
}

// UTF-8, errors returned rather than logged. Rules match case-folded text and are written
// folded (case-sensitive); slot extractors run on text that keeps its case (insensitive).
inline RE2::Options pattern_options(bool case_sensitive) {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingUTF8);
  o.set_log_errors(false);
  o.set_case_sensitive(case_sensitive);
  return o;
}

}  // namespace intake::dialog
