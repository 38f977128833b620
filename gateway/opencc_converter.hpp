#pragma once
// dialog::ChineseConverter backed by OpenCC: Taiwan/Hong Kong traditional text becomes
// mainland simplified text with mainland wording (OpenCC's "tw2sp" configuration), so
// rules are written once, in simplified characters.
#include <functional>
#include <memory>
#include <string>

#include "intake/dialog/normalizer.hpp"
#include "intake/result.hpp"

namespace intake::gateway {

// Loads OpenCC's dictionaries from its data directory (Debian: /usr/share/opencc) and
// works out which characters are traditional-only. Takes about a tenth of a second;
// done once at start-up. Errors (code "opencc") name the configuration that failed.
Result<std::shared_ptr<const dialog::ChineseConverter>> load_opencc_converter();

// Any OpenCC configuration as a function, e.g. "s2twp.json" (simplified → Taiwan
// traditional with Taiwan wording), which `intakectl rules regress --variant` uses to
// check that rules written in simplified characters still hold for traditional text.
using TextConversion = std::function<std::string(std::string_view)>;
Result<TextConversion> load_opencc_conversion(const std::string& configuration);

}  // namespace intake::gateway
