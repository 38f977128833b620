#pragma once
// `intakectl sla due`: the deadlines the SLA policy and business calendar give a case,
// for managers checking a policy change and for anyone asking "when is this due?". See
// `intakectl --help`. Returns the process exit code: 0 ok, 1 the policy or calendar does
// not load (the message names the file and where), 2 usage.
#include <string>
#include <vector>

#include "gateway/bootstrap.hpp"

namespace intake::gateway {

int sla_command(const CommonFlags& flags, const std::vector<std::string>& args);

}  // namespace intake::gateway
