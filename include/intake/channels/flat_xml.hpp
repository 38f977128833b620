#pragma once
// The flat XML of WeChat-style callbacks: <xml><Name><![CDATA[value]]></Name>
// <Other>123</Other></xml>. Only that shape is read: one root, child elements holding
// text or CDATA, the five predefined entities. Anything else (attributes, nesting,
// DTDs) is refused rather than guessed at.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace intake::channels {

using FlatXml = std::map<std::string, std::string>;

// The children of the root element by name (a repeated name keeps the first), or nullopt
// when the document is not of that shape.
std::optional<FlatXml> parse_flat_xml(std::string_view document);

// `value` as CDATA, safe for any text ("]]>" is split across two sections).
std::string cdata(std::string_view value);

}  // namespace intake::channels
