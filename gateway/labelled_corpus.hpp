#pragma once
// Reads a labelled corpus (JSON Lines, ../shared/docs/LABELS.md's format): for
// `intakectl rules regress` and the staff API's regression of a rule version.
#include <filesystem>
#include <vector>

#include "intake/dialog/evaluation.hpp"
#include "intake/result.hpp"

namespace intake::gateway {

// Every labelled message of the file, blank lines skipped. Errors name the file and line.
Result<std::vector<dialog::LabelledMessage>> read_labelled_corpus(const std::filesystem::path& file);

}  // namespace intake::gateway
