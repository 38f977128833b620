#pragma once
// The readable text of an HTML mail part, for a message that has no text/plain part.
#include <string>
#include <string_view>

namespace intake::channels {

// Parses `html` (UTF-8; any charset a <meta> tag declares is ignored, the caller has
// decoded already) leniently with libxml2's HTML parser, and returns its text: scripts,
// styles and the head dropped, white space collapsed as a browser would, block elements
// (p, div, br, li, tr, headings) on lines of their own, entities decoded, and the lines
// of a <blockquote> prefixed with "> " so that quoted history is recognised as such.
std::string html_to_text(std::string_view html);

}  // namespace intake::channels
