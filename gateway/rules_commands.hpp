#pragma once
// `intakectl rules lint|test|regress`: the managers' tools for a rule pack. See
// `intakectl --help`. Each returns the process exit code: 0 ok, 1 the pack or corpus is
// bad (the message names the file and where), 2 usage.
#include <string>
#include <vector>

#include "gateway/bootstrap.hpp"

namespace intake::gateway {

// Only `rules test` reads the configuration (for the SLA policy behind due times).
int rules_command(const CommonFlags& flags, const std::vector<std::string>& args);

}  // namespace intake::gateway
