#include "intake/dialog/normalizer.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace intake::dialog {
namespace {

bool is_space_codepoint(utf8proc_int32_t cp) {
  if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x3000) return true;
  const auto category = utf8proc_category(cp);
  return category == UTF8PROC_CATEGORY_ZS || category == UTF8PROC_CATEGORY_ZL ||
         category == UTF8PROC_CATEGORY_ZP;
}

}  // namespace

std::string normalize(std::string_view text) {
  utf8proc_uint8_t* mapped = nullptr;
  const auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                                       UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
  const utf8proc_ssize_t len = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                            static_cast<utf8proc_ssize_t>(text.size()), &mapped, options);
  if (len < 0) return {};
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(mapped, &std::free);

  // Collapse white space in one pass over the code points.
  std::string out;
  out.reserve(static_cast<std::size_t>(len));
  bool pending_space = false;
  utf8proc_ssize_t pos = 0;
  while (pos < len) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(mapped + pos, len - pos, &cp);
    if (n <= 0) return {};
    if (is_space_codepoint(cp)) {
      pending_space = !out.empty();
    } else {
      if (pending_space) out.push_back(' ');
      pending_space = false;
      out.append(reinterpret_cast<const char*>(mapped + pos), static_cast<std::size_t>(n));
    }
    pos += n;
  }
  return out;
}

}  // namespace intake::dialog
