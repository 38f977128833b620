#pragma once
// `intakectl outbox list|retry`: what the operator needs of the outbox when the relay
// was down or misconfigured for longer than the retries last. See `intakectl --help`.
// Returns the process exit code: 0 ok, 1 database error, 2 usage.
#include <string>
#include <vector>

#include "gateway/bootstrap.hpp"

namespace intake::gateway {

int outbox_command(const CommonFlags& flags, const std::vector<std::string>& args);

}  // namespace intake::gateway
