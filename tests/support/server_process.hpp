#pragma once
// Runs a server for end-to-end tests (the real intake-gateway binary, the test SMTP sink):
// waits (with a deadline) for the line on its stdout that says "listening on …PORT" and
// reads the port from the digits that end it, keeps its stderr, stops it with a signal
// and reports its exit code.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace intake::testing {

class ServerProcess {
 public:
  // Starts `binary` with `args`, extra environment `env`, and waits for readiness.
  // Throws std::runtime_error (with the log) when it does not become ready in time.
  ServerProcess(const std::filesystem::path& binary, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env, std::chrono::seconds ready_within);
  ~ServerProcess();

  unsigned short port() const { return port_; }
  // Sends `signal` and returns at once (SIGHUP: reload the rules).
  void signal(int signal);
  // Sends `signal` and waits for the exit; returns the exit code (128+N if killed).
  int stop(int signal, std::chrono::seconds within);
  std::string log() const;  // stderr so far

 private:
  int pid_ = -1;
  int stdout_fd_ = -1;
  std::filesystem::path stderr_path_;
  unsigned short port_ = 0;
};

}  // namespace intake::testing
