#include "intake/dialog/normalizer.hpp"

#include <utf8proc.h>

#include "intake/utf8.hpp"

#include <cstdlib>
#include <memory>
#include <optional>

namespace intake::dialog {
namespace {

// CJK Unified Ideographs, Extension A, compatibility ideographs and the supplementary planes.
bool is_han(utf8proc_int32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x3134F);
}

bool is_space_codepoint(utf8proc_int32_t cp) {
  // ASCII and Han, nearly all of a Chinese text, are answered without the table.
  if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
  if (is_han(cp)) return false;
  if (cp == 0x85 || cp == 0xA0 || cp == 0x3000) return true;
  const auto category = utf8proc_category(cp);
  return category == UTF8PROC_CATEGORY_ZS || category == UTF8PROC_CATEGORY_ZL ||
         category == UTF8PROC_CATEGORY_ZP;
}

bool is_punctuation_codepoint(utf8proc_int32_t cp) {
  const auto category = utf8proc_category(cp);
  return category >= UTF8PROC_CATEGORY_PC && category <= UTF8PROC_CATEGORY_PO;
}

using Utf8Buffer = std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)>;

// Calls f(code point, its bytes) for each code point of valid UTF-8; false on invalid input.
template <typename F>
bool for_each_code_point(std::string_view text, F&& f) {
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t begin = pos;
    const char32_t cp = decode_utf8(text, pos);
    if (cp == kNotACharacter) return false;
    f(static_cast<utf8proc_int32_t>(cp), text.substr(begin, pos - begin));
  }
  return true;
}

// White space collapsed and trimmed; a run of one punctuation mark shortened to two.
// Two, not one: that a customer repeated a mark ("!!!", "???") is a signal rules may use
// (strong anger); how many times they pressed the key is not. Fed one code point at a
// time, so that the fast path below can collapse as it goes.
class Collapser {
 public:
  // `capacity`: at least the bytes that will be fed. The output never outgrows its input
  // (white space becomes at most one space; anything else is kept or dropped), so it is
  // written in place.
  explicit Collapser(std::size_t capacity) : out_(capacity, '\0'), to_(out_.data()) {}
  Collapser(const Collapser&) = delete;  // to_ points into out_
  Collapser& operator=(const Collapser&) = delete;

  void add(utf8proc_int32_t cp, std::string_view bytes) {
    if (is_space_codepoint(cp)) {
      pending_space_ = to_ != out_.data();
      return;
    }
    if (cp == previous_ && !pending_space_ && is_punctuation_codepoint(cp)) {
      if (run_ >= 2) return;
      ++run_;
    } else {
      run_ = 1;
    }
    if (pending_space_) *to_++ = ' ';
    pending_space_ = false;
    if (bytes.size() == 3) {  // a Chinese character: most of them, copied without a loop
      to_[0] = bytes[0];
      to_[1] = bytes[1];
      to_[2] = bytes[2];
      to_ += 3;
    } else {
      for (const char byte : bytes) *to_++ = byte;
    }
    previous_ = cp;
  }
  std::string finish() && {
    out_.resize(static_cast<std::size_t>(to_ - out_.data()));
    return std::move(out_);
  }

 private:
  std::string out_;
  char* to_;
  bool pending_space_ = false;
  utf8proc_int32_t previous_ = -1;
  int run_ = 0;  // how many times `previous_` stands at the end of the output
};

std::string collapse(std::string_view text) {
  Collapser collapsed(text.size());
  if (!for_each_code_point(text, [&](utf8proc_int32_t cp, std::string_view bytes) { collapsed.add(cp, bytes); }))
    return {};
  return std::move(collapsed).finish();
}

bool is_traditional_han(utf8proc_int32_t cp, const ChineseConverter& converter) {
  return is_han(cp) && converter.is_traditional(static_cast<char32_t>(cp));
}

bool has_traditional(std::string_view text, const ChineseConverter& converter) {
  bool found = false;
  for_each_code_point(text, [&](utf8proc_int32_t cp, std::string_view) {
    if (!found && is_traditional_han(cp, converter)) found = true;
  });
  return found;
}

// The code points the fast path handles, with what NFKC makes of them: CJK ideographs and
// the common CJK and typographic punctuation stay as they are; full-width ASCII forms
// (U+FF01..FF5E) become ASCII; the ideographic space becomes a space. Anything else (Latin
// with accents, Hangul, compatibility ideographs, emoji …) goes to utf8proc.
constexpr bool fast_identity(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x3001 && cp <= 0x3011) ||
         (cp >= 0x3014 && cp <= 0x301F) || cp == 0x2014 || cp == 0x2018 || cp == 0x2019 || cp == 0x201C ||
         cp == 0x201D;
}

// NFKC (and case folding) of text made only of ASCII and the code points above, without
// utf8proc: nearly every Chinese message, at a fraction of the cost. Calls emit(code point,
// its UTF-8 bytes) for each character of the result. False, part way through, when the
// text holds anything else or is not valid UTF-8: the caller then takes the general path.
template <typename Emit>
bool fast_nfkc(std::string_view text, bool case_fold, Emit&& emit) {
  auto ascii = [&](unsigned char c) {
    const char folded = case_fold && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
    emit(static_cast<utf8proc_int32_t>(static_cast<unsigned char>(folded)), std::string_view(&folded, 1));
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (b0 < 0x80) {
      ascii(b0);
      ++i;
      continue;
    }
    // Only three-byte sequences can hold the code points above; overlong forms and
    // surrogates decode to values outside them and fall through to the general path.
    if ((b0 & 0xF0) != 0xE0 || i + 3 > text.size()) return false;
    const auto b1 = static_cast<unsigned char>(text[i + 1]), b2 = static_cast<unsigned char>(text[i + 2]);
    if ((b1 & 0xC0) != 0x80 || (b2 & 0xC0) != 0x80) return false;
    const char32_t cp = (char32_t{b0 & 0x0Fu} << 12) | (char32_t{b1 & 0x3Fu} << 6) | char32_t{b2 & 0x3Fu};
    if (fast_identity(cp)) {
      emit(static_cast<utf8proc_int32_t>(cp), text.substr(i, 3));
    } else if (cp >= 0xFF01 && cp <= 0xFF5E) {
      ascii(static_cast<unsigned char>(cp - 0xFEE0));
    } else if (cp == 0x3000) {
      emit(' ', std::string_view(" ", 1));
    } else {
      return false;
    }
    i += 3;
  }
  return true;
}

}  // namespace

std::string normalize(std::string_view text, const NormalizeOptions& options) {
  {
    // The fast path collapses as it goes; only text with a traditional character (which
    // is converted before collapsing, as on the general path) takes it twice.
    Collapser collapsed(text.size());
    bool traditional = false;
    const bool fast = fast_nfkc(text, options.case_fold, [&](utf8proc_int32_t cp, std::string_view bytes) {
      traditional = traditional || (options.converter && is_traditional_han(cp, *options.converter));
      collapsed.add(cp, bytes);
    });
    if (fast && !traditional) return std::move(collapsed).finish();
    if (fast) {
      std::string nfkc;
      fast_nfkc(text, options.case_fold, [&](utf8proc_int32_t, std::string_view bytes) { nfkc.append(bytes); });
      return collapse(options.converter->to_simplified(nfkc));
    }
  }
  utf8proc_uint8_t* mapped = nullptr;
  auto flags = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
  if (options.case_fold) flags = flags | UTF8PROC_CASEFOLD;
  const utf8proc_ssize_t len = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                            static_cast<utf8proc_ssize_t>(text.size()), &mapped,
                                            static_cast<utf8proc_option_t>(flags));
  if (len < 0) return {};
  Utf8Buffer owned(mapped, &std::free);
  const std::string_view folded(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(len));
  // Converting costs far more than scanning, so simplified text (nearly all of it) skips it.
  if (options.converter && has_traditional(folded, *options.converter))
    return collapse(options.converter->to_simplified(folded));
  return collapse(folded);
}

Script detect_script(std::string_view text, const ChineseConverter* converter) {
  int han = 0, latin = 0, traditional = 0;
  for_each_code_point(text, [&](utf8proc_int32_t cp, std::string_view) {
    if (is_han(cp)) {
      ++han;
      if (converter && converter->is_traditional(static_cast<char32_t>(cp))) ++traditional;
    } else if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= 0xFF21 && cp <= 0xFF5A)) {
      ++latin;
    }
  });
  if (han == 0) return latin > 0 ? Script::en : Script::zh_Hans;
  return traditional > 0 ? Script::zh_Hant : Script::zh_Hans;
}

}  // namespace intake::dialog
