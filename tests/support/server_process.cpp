#include "server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace intake::testing {
namespace {

int milliseconds_left(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

}  // namespace

ServerProcess::ServerProcess(const std::filesystem::path& binary, const std::vector<std::string>& args,
                               const std::map<std::string, std::string>& env, std::chrono::seconds ready_within) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  char name[] = "/tmp/intake-gateway-stderr-XXXXXX";
  const int err_fd = mkstemp(name);
  if (err_fd < 0) throw std::runtime_error("mkstemp failed");
  stderr_path_ = name;

  std::vector<std::string> argv_strings{binary.string()};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(out[1]);
  close(err_fd);
  stdout_fd_ = out[0];

  // Read stdout until the readiness line, with a deadline.
  const auto deadline = std::chrono::steady_clock::now() + ready_within;
  std::string seen;
  for (;;) {
    pollfd p{stdout_fd_, POLLIN, 0};
    const int ready = poll(&p, 1, milliseconds_left(deadline));
    if (ready <= 0) break;
    char buf[512];
    const ssize_t n = read(stdout_fd_, buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<std::size_t>(n));
    const auto at = seen.find("listening on ");
    const auto eol = at == std::string::npos ? std::string::npos : seen.find('\n', at);
    if (eol != std::string::npos) {
      std::size_t digits = eol;
      while (digits > at && std::isdigit(static_cast<unsigned char>(seen[digits - 1]))) --digits;
      if (digits < eol) {
        port_ = static_cast<unsigned short>(std::stoi(seen.substr(digits, eol - digits)));
        return;
      }
    }
  }
  const std::string log_text = log();
  stop(SIGKILL, std::chrono::seconds(10));
  throw std::runtime_error(binary.string() + " did not become ready; stdout: " + seen + "\nstderr:\n" + log_text);
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop(SIGKILL, std::chrono::seconds(10));
  if (stdout_fd_ >= 0) close(stdout_fd_);
  std::error_code ec;
  std::filesystem::remove(stderr_path_, ec);
}

void ServerProcess::signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

int ServerProcess::stop(int signal, std::chrono::seconds within) {
  if (pid_ <= 0) return -1;
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  kill(pid_, signal);
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(std::chrono::milliseconds(within).count())) == 0) kill(pid_, SIGKILL);
    close(pidfd);
  }
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ServerProcess::log() const {
  std::ifstream in(stderr_path_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace intake::testing
