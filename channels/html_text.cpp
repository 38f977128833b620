#include "intake/channels/html_text.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <climits>
#include <cstring>
#include <memory>

namespace intake::channels {
namespace {

bool named(const xmlNode* node, const char* name) {
  return xmlStrcasecmp(node->name, reinterpret_cast<const xmlChar*>(name)) == 0;
}

bool is_block(const xmlNode* node) {
  static constexpr const char* kBlocks[] = {"p",  "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2",
                                            "h3", "h4",  "h5", "h6", "hr", "pre", "blockquote", "address", "dd",
                                            "dt", "section", "article", "header", "footer"};
  for (const char* b : kBlocks)
    if (named(node, b)) return true;
  return false;
}

bool is_skipped(const xmlNode* node) {
  return named(node, "script") || named(node, "style") || named(node, "head") || named(node, "title") ||
         named(node, "noscript") || named(node, "template");
}

// Builds the text line by line; `quote_depth` blockquotes deep, each line starts with
// that many "> ".
class TextBuilder {
 public:
  void text(std::string_view s, bool preformatted) {
    for (char c : s) {
      if (preformatted && c == '\n') {
        end_line();
        continue;
      }
      const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
      if (space && !preformatted) {
        pending_space_ = !line_.empty();
        continue;
      }
      if (pending_space_) line_ += ' ';
      pending_space_ = false;
      line_ += c;
    }
  }
  // A block boundary: what follows starts a new line.
  void end_line() {
    pending_space_ = false;
    if (line_.empty()) return;
    for (int i = 0; i < quote_depth; ++i) out_ += "> ";
    out_ += line_;
    out_ += '\n';
    line_.clear();
  }
  std::string finish() {
    end_line();
    if (!out_.empty()) out_.pop_back();
    return std::move(out_);
  }
  int quote_depth = 0;

 private:
  std::string out_;
  std::string line_;
  bool pending_space_ = false;
};

void walk(const xmlNode* node, TextBuilder& out, bool preformatted, int depth) {
  for (; node; node = node->next) {
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      if (node->content) out.text(reinterpret_cast<const char*>(node->content), preformatted);
      continue;
    }
    if (node->type != XML_ELEMENT_NODE) continue;
    if (is_skipped(node)) continue;
    const bool block = is_block(node);
    const bool quote = named(node, "blockquote");
    if (block) out.end_line();
    if (quote) ++out.quote_depth;
    // libxml2 builds a tree as deep as the input nests; past this depth the rest of a
    // (hostile) document is dropped rather than risking the stack.
    if (depth < 256) walk(node->children, out, preformatted || named(node, "pre"), depth + 1);
    if (quote) {
      out.end_line();
      --out.quote_depth;
    }
    if (block) out.end_line();
  }
}

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

}  // namespace

std::string html_to_text(std::string_view html) {
  if (html.empty() || html.size() > INT_MAX) return {};
  const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                      HTML_PARSE_NOIMPLIED | HTML_PARSE_COMPACT;
  std::unique_ptr<xmlDoc, DocFree> doc(
      htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8", options));
  if (!doc) return {};
  TextBuilder out;
  walk(xmlDocGetRootElement(doc.get()) ? doc->children : nullptr, out, false, 0);
  return out.finish();
}

}  // namespace intake::channels
