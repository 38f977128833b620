#include "intake/channels/charset.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <optional>

#include "intake/ascii.hpp"
#include "intake/channels/signature.hpp"

namespace intake::channels {
namespace {

bool is_ascii(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string without_nul(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), '\0'), text.end());
  return text;
}

// One iconv conversion descriptor, closed on every path.
class Converter {
 public:
  explicit Converter(const std::string& from) : cd_(iconv_open("UTF-8", from.c_str())) {}
  ~Converter() {
    if (ok()) iconv_close(cd_);
  }
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;
  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }

  // Converts all of `bytes`; nullopt at the first undecodable sequence unless `lossy`,
  // in which case that byte becomes U+FFFD and decoding resumes after it.
  std::optional<std::string> convert(std::string_view bytes, bool lossy) {
    std::string out;
    out.reserve(bytes.size() * 3 / 2 + 16);
    char* in = const_cast<char*>(bytes.data());  // iconv's signature; it does not write
    std::size_t in_left = bytes.size();
    char buffer[4096];
    while (in_left > 0) {
      char* dst = buffer;
      std::size_t dst_left = sizeof buffer;
      const std::size_t rc = iconv(cd_, &in, &in_left, &dst, &dst_left);
      out.append(buffer, static_cast<std::size_t>(dst - buffer));
      if (rc != static_cast<std::size_t>(-1)) continue;
      if (errno == E2BIG) continue;
      if (!lossy) return std::nullopt;
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++in;
      --in_left;
      iconv(cd_, nullptr, nullptr, nullptr, nullptr);  // back to the initial shift state
    }
    // Flush a stateful encoding's final shift sequence.
    char* dst = buffer;
    std::size_t dst_left = sizeof buffer;
    iconv(cd_, nullptr, nullptr, &dst, &dst_left);
    out.append(buffer, static_cast<std::size_t>(dst - buffer));
    return out;
  }

 private:
  iconv_t cd_;
};

std::optional<std::string> strict(std::string_view bytes, const std::string& charset) {
  Converter c(charset);
  if (!c.ok()) return std::nullopt;
  return c.convert(bytes, false);
}

}  // namespace

std::string iconv_charset(std::string_view label) {
  const std::string l = ascii_lower(label);
  if (l.empty() || l == "ascii" || l == "us-ascii" || l == "ansi_x3.4-1968") return "US-ASCII";
  if (l == "gb2312" || l == "gbk" || l == "cp936" || l == "x-gbk" || l == "gb_2312-80" || l == "euc-cn" ||
      l == "x-euc-cn" || l == "csgb2312" || l == "windows-936" || l == "ms936" || l == "gb18030")
    return "GB18030";
  if (l == "big5" || l == "big-5" || l == "x-x-big5" || l == "cn-big5" || l == "csbig5" || l == "cp950" ||
      l == "windows-950" || l == "ms950")
    return "CP950";
  if (l == "utf8") return "UTF-8";
  return ascii_upper(l);
}

DecodedText decode_to_utf8(std::string_view bytes, std::string_view declared_charset) {
  const std::string declared = iconv_charset(declared_charset);
  if (is_ascii(bytes)) return {without_nul(std::string(bytes)), declared == "UTF-8" ? "UTF-8" : "US-ASCII", true, false};
  if (is_valid_utf8(bytes)) return {without_nul(std::string(bytes)), "UTF-8", declared == "UTF-8", false};
  if (declared != "UTF-8" && declared != "US-ASCII")
    if (auto text = strict(bytes, declared)) return {without_nul(std::move(*text)), declared, true, false};
  for (const char* fallback : {"CP950", "GB18030"})
    if (fallback != declared)
      if (auto text = strict(bytes, fallback)) return {without_nul(std::move(*text)), fallback, false, false};
  Converter lossy("GB18030");
  return {without_nul(lossy.convert(bytes, true).value_or(std::string())), "GB18030", false, true};
}

}  // namespace intake::channels
