#pragma once
// Runs the real intake-gateway binary for end-to-end tests: waits (with a deadline) for
// its "listening on https://HOST:PORT" line, keeps its logs, stops it with a signal and
// reports its exit code.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace intake::testing {

class GatewayProcess {
 public:
  // Starts `binary` with `args`, extra environment `env`, and waits for readiness.
  // Throws std::runtime_error (with the log) when it does not become ready in time.
  GatewayProcess(const std::filesystem::path& binary, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env, std::chrono::seconds ready_within);
  ~GatewayProcess();

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
