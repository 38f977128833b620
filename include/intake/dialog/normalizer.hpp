#pragma once
// Text normalisation before classification. The original text is always kept; rules
// are matched against the normalised form only.
//
// Steps, in order: Unicode NFKC (full-width digits, letters and punctuation become their
// half-width forms); case folding; traditional → simplified Chinese when a converter is
// given and the text holds a traditional character; every run of white space (including
// U+3000) collapsed to one ASCII space and trimmed at both ends; every run of one
// repeated punctuation mark ("!!!!", "。。。", "???") shortened to two ("!!"): the
// repetition is kept as a signal, its length is not.
// Invalid UTF-8 yields "".
#include <string>
#include <string_view>

#include "intake/script.hpp"

namespace intake::dialog {

// Traditional → simplified Chinese. dialog does no I/O, and OpenCC loads its dictionaries
// from disk, so the gateway supplies the implementation (gateway/opencc_converter.cpp).
// Implementations must be safe to call from several threads at once.
class ChineseConverter {
 public:
  virtual ~ChineseConverter() = default;
  // True for a character simplified Chinese writes differently (產, 質, 態 …).
  virtual bool is_traditional(char32_t code_point) const = 0;
  // The text in simplified characters and mainland wording (軟體 → 软件).
  virtual std::string to_simplified(std::string_view utf8) const = 0;
};

struct NormalizeOptions {
  const ChineseConverter* converter = nullptr;  // no conversion when null
  bool case_fold = true;                        // slot values keep their case
};

std::string normalize(std::string_view text, const NormalizeOptions& options = {});

// Which script to answer in: English when the text has Latin letters and no Han
// character; traditional Chinese when it holds a traditional character (needs the
// converter; without one, all Chinese is taken as simplified); simplified otherwise.
Script detect_script(std::string_view text, const ChineseConverter* converter);

}  // namespace intake::dialog
