#pragma once
// The embedded PostgreSQL: a private cluster under <data-dir>/postgres, reachable only
// through a Unix socket (no TCP port), created on first use and started on demand.
//
// initdb and postgres refuse to run as root, so as root they run as the `postgres` user
// (the Debian package creates it). The socket's permissions (0700) let only that user
// and root connect, which is why the cluster can trust local connections.
#include <filesystem>
#include <memory>
#include <string>

#include "intake/result.hpp"

namespace intake::gateway {

class EmbeddedPostgres {
 public:
  // Initialises the cluster if needed, starts it unless it is already running, and
  // makes sure the "intake" database exists. With `stop_when_done`, the server is
  // stopped by stop() or the destructor even if it was running before (the gateway owns
  // it); otherwise only if this call started it (intakectl next to a running gateway).
  static Result<std::unique_ptr<EmbeddedPostgres>> start(const std::filesystem::path& data_dir, bool stop_when_done);

  ~EmbeddedPostgres();
  EmbeddedPostgres(const EmbeddedPostgres&) = delete;
  EmbeddedPostgres& operator=(const EmbeddedPostgres&) = delete;

  // The libpq conninfo of the "intake" database.
  const std::string& conninfo() const { return conninfo_; }

  // Stops the server if this object is to (see start); idempotent.
  Status stop();

 private:
  EmbeddedPostgres() = default;
  std::filesystem::path bin_;
  std::filesystem::path cluster_;
  std::filesystem::path socket_dir_;
  std::string run_as_;
  std::string conninfo_;
  bool should_stop_ = false;
};

}  // namespace intake::gateway
