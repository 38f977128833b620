#include "gateway/labelled_corpus.hpp"

#include <fstream>

namespace intake::gateway {

Result<std::vector<dialog::LabelledMessage>> read_labelled_corpus(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error("invalid_corpus", file.string() + ": cannot be read");
  std::vector<dialog::LabelledMessage> messages;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto labelled = dialog::parse_labelled_message(line);
    if (!labelled)
      return make_error("invalid_corpus", file.string() + ":" + std::to_string(number) + ": " + labelled.error().message);
    messages.push_back(std::move(*labelled));
  }
  if (messages.empty()) return make_error("invalid_corpus", file.string() + ": no labelled messages");
  return messages;
}

}  // namespace intake::gateway
