#pragma once
// Text normalisation before classification. The original text is always kept; rules
// are matched against the normalised form only.
//
// Steps: Unicode NFKC (full-width digits, letters and punctuation become their
// half-width forms), case folding, and every run of white space (including U+3000)
// collapsed to one ASCII space, trimmed at both ends. Invalid UTF-8 yields "".
#include <string>
#include <string_view>

namespace intake::dialog {

std::string normalize(std::string_view text);

}  // namespace intake::dialog
