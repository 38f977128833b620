#include "intake/dialog/quoted_history.hpp"

#include <array>

#include "intake/ascii.hpp"

namespace intake::dialog {
namespace {

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

bool ends_with_any(std::string_view s, std::initializer_list<std::string_view> endings) {
  for (std::string_view e : endings)
    if (s.ends_with(e)) return true;
  return false;
}

// A line that opens the quoted part. Headers are matched on the line as a whole, so a
// customer writing "from: Shanghai" in the middle of a sentence is not cut.
bool starts_history(std::string_view raw_line) {
  const std::string_view line = trim_ascii_space(raw_line);
  if (line.starts_with(">") || line.starts_with("＞")) return true;
  if (raw_line == "-- " || raw_line == "--\r" || raw_line == "-- \r") return true;  // signature separator
  static constexpr std::array<std::string_view, 6> kSeparators = {
      "original message", "Original Message", "原始邮件", "原始郵件", "Forwarded message", "转发的邮件"};
  if (line.starts_with("-----") || line.starts_with("———") || line.starts_with("________"))
    for (std::string_view marker : kSeparators)
      if (contains(line, marker)) return true;
  // "On Mon, 23 Nov 2026 at 10:00, Li <li@example.com> wrote:" / "在 2026年11月23日 …写道："
  if (line.starts_with("On ") && ends_with_any(line, {"wrote:", "writes:"})) return true;
  if ((line.starts_with("在") || line.starts_with("於") || line.starts_with("于")) &&
      ends_with_any(line, {"写道：", "写道:", "寫道：", "寫道:"}))
    return true;
  // Outlook pastes a header block: "From:/发件人:" followed by Sent/Date/To lines.
  for (std::string_view header : {"From:", "发件人:", "发件人：", "寄件者:", "寄件者：", "發件人:", "發件人："})
    if (line.starts_with(header)) return true;
  return false;
}

}  // namespace

std::string_view strip_quoted_history(std::string_view text) {
  std::size_t line_start = 0;
  while (line_start < text.size()) {
    const std::size_t line_end = std::min(text.find('\n', line_start), text.size());
    const std::string_view line = text.substr(line_start, line_end - line_start);
    if (starts_history(line)) {
      const std::string_view fresh = text.substr(0, line_start);
      return trim_ascii_space(fresh).empty() ? text : fresh;
    }
    line_start = line_end + 1;
  }
  return text;
}

}  // namespace intake::dialog
