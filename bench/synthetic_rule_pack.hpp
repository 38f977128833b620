#pragma once
// A large rule pack generated from a seed, to see how classification scales from the
// default pack's few dozen rules to the thousands a mature deployment may accumulate.
//
// The patterns look like hand-written ones: alternations of after-sales words in
// simplified Chinese (products, defects, staff, requests) and lower-case English, short
// gaps such as .{0,6}, optional particles, character classes and \b-bounded English.
// Targets spread over every category, severity and intent. The output is a pack in the
// format of include/intake/dialog/rule_pack.hpp, so it goes through RulePack::parse.
// The same seed and count always give the same text, on every platform.
#include <cstddef>
#include <cstdint>
#include <string>

namespace intake::bench {

std::string generate_rule_pack(std::size_t rule_count, std::uint64_t seed);

}  // namespace intake::bench
