#include "intake/channels/spoken.hpp"

namespace intake::channels {

std::string spell_out(std::string_view case_number) {
  std::string out;
  for (char c : case_number) {
    if (c == '-' || c == ' ') continue;
    if (!out.empty()) out.push_back(' ');
    out.push_back(c);
  }
  return out;
}

std::string spoken_reply(const Acknowledgement& ack) {
  if (!ack.reply_text) return {};
  std::string text = *ack.reply_text;
  if (ack.case_view)
    if (const std::size_t at = text.find(ack.case_view->number); at != std::string::npos)
      text.replace(at, ack.case_view->number.size(), spell_out(ack.case_view->number));
  return text;
}

}  // namespace intake::channels
