#pragma once
// Running helper programs (PostgreSQL's initdb and pg_ctl) to completion.
#include <string>
#include <vector>

#include "intake/result.hpp"

namespace intake::gateway {

struct ProcessResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs argv[0] (an absolute path) with the given arguments, waits for it and returns its
// exit code and output. When `as_user` is non-empty and we are root, the child drops to
// that user first (PostgreSQL refuses to run as root). The child starts in "/".
Result<ProcessResult> run_process(const std::vector<std::string>& argv, const std::string& as_user = "");

}  // namespace intake::gateway
