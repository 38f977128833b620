#pragma once
// `intakectl staff add|revoke|list`: staff accounts and their tokens. See
// `intakectl --help`. Returns the process exit code: 0 ok, 1 the database refused or the
// account does not exist, 2 usage.
#include <string>
#include <vector>

#include "gateway/bootstrap.hpp"

namespace intake::gateway {

int staff_command(const CommonFlags& flags, const std::vector<std::string>& args);

}  // namespace intake::gateway
