#pragma once
// Runs a shell command line for the end-to-end tests and collects what it printed.
#include <string>

namespace intake::testing {

struct CommandResult {
  int exit_code;       // -1 when it did not exit normally
  std::string output;  // stdout and stderr
};

// `command_line` is passed to /bin/sh; quote arguments as the shell needs.
CommandResult run_command(const std::string& command_line);

}  // namespace intake::testing
