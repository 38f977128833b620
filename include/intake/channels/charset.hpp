#pragma once
// Turning text in whatever charset a mail client declared into UTF-8, the way the real
// world needs it: Chinese mail is often labelled with a smaller charset than it uses
// (gb2312 carrying GBK-only characters), or with the wrong one altogether (UTF-8 bytes
// declared gb2312, Big5 bytes declared us-ascii). Guessing right beats producing mojibake.
#include <string>
#include <string_view>

namespace intake::channels {

struct DecodedText {
  std::string text;     // valid UTF-8, without NUL characters
  std::string charset;  // the charset actually used, as iconv names it ("GB18030", "UTF-8")
  bool declared_used = true;  // false when the declared charset was wrong or unknown
  bool lossy = false;   // true when no charset fitted and bad bytes became U+FFFD
};

// The iconv name to decode a MIME charset label with. gb2312, gbk, cp936 and their
// aliases map to GB18030 (a superset of both, so GBK-only characters in a "gb2312" part
// survive); big5 maps to CP950, the Windows superset Outlook writes. Other labels pass
// through upper-cased; an empty label is US-ASCII.
std::string iconv_charset(std::string_view label);

// Decodes `bytes` declared as `declared_charset`:
//   1. pure ASCII is returned as it is;
//   2. bytes that are well-formed UTF-8 with non-ASCII characters are UTF-8, whatever the
//      label says (a legacy CJK text is virtually never well-formed UTF-8);
//   3. else the declared charset, strictly;
//   4. else Big5 (CP950), then GB18030, strictly (Big5 first: it rejects more byte
//      sequences, so it is tried before the charset that accepts almost anything);
//   5. else GB18030 with each undecodable byte replaced by U+FFFD (lossy = true).
// NUL characters are dropped: no text column can hold them and no person wrote them.
DecodedText decode_to_utf8(std::string_view bytes, std::string_view declared_charset);

}  // namespace intake::channels
