#include "gateway/opencc_converter.hpp"

#include <opencc/opencc.h>

#include "intake/utf8.hpp"

#include <vector>

namespace intake::gateway {
namespace {

constexpr char32_t kBmpEnd = 0x10000;

bool is_bmp_han(char32_t cp) {
  return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF);
}

class OpenccConverter final : public dialog::ChineseConverter {
 public:
  OpenccConverter() : to_simplified_("tw2sp.json"), traditional_(kBmpEnd, false) {
    // One conversion of every BMP Han character, one per line (so no phrase spans two),
    // tells which characters character-level t2s changes: those are traditional-only.
    const opencc::SimpleConverter characters("t2s.json");
    std::string all;
    std::vector<char32_t> order;
    for (char32_t cp = 0x3400; cp < kBmpEnd; ++cp) {
      if (!is_bmp_han(cp)) continue;
      append_utf8(all, cp);
      all.push_back('\n');
      order.push_back(cp);
    }
    const std::string converted = characters.Convert(all);
    std::size_t line_start = 0;
    std::size_t original_start = 0;
    for (char32_t cp : order) {
      const std::size_t line_end = converted.find('\n', line_start);
      if (line_end == std::string::npos) break;
      const std::size_t original_end = all.find('\n', original_start);
      if (converted.compare(line_start, line_end - line_start, all, original_start, original_end - original_start) != 0)
        traditional_[cp] = true;
      line_start = line_end + 1;
      original_start = original_end + 1;
    }
  }

  bool is_traditional(char32_t cp) const override { return cp < kBmpEnd && traditional_[cp]; }

  std::string to_simplified(std::string_view utf8) const override {
    return to_simplified_.Convert(utf8.data(), utf8.size());
  }

 private:
  opencc::SimpleConverter to_simplified_;
  std::vector<bool> traditional_;
};

}  // namespace

Result<std::shared_ptr<const dialog::ChineseConverter>> load_opencc_converter() {
  try {
    return std::shared_ptr<const dialog::ChineseConverter>(std::make_shared<const OpenccConverter>());
  } catch (const std::exception& e) {
    return make_error("opencc", std::string("cannot load OpenCC's tw2sp/t2s dictionaries (package libopencc-data): ") + e.what());
  }
}

}  // namespace intake::gateway

namespace intake::gateway {

Result<TextConversion> load_opencc_conversion(const std::string& configuration) {
  try {
    auto converter = std::make_shared<const opencc::SimpleConverter>(configuration);
    return TextConversion([converter](std::string_view text) { return converter->Convert(text.data(), text.size()); });
  } catch (const std::exception& e) {
    return make_error("opencc", "cannot load OpenCC's " + configuration + ": " + e.what());
  }
}

}  // namespace intake::gateway
