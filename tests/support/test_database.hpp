#pragma once
// A throwaway PostgreSQL for tests: a fresh cluster in a temporary directory, started
// with the gateway's own EmbeddedPostgres (so the tests exercise that code too), with
// migrations applied. stop()/start() let a test take the database away and back.
#include <memory>
#include <string>

#include "gateway/embedded_postgres.hpp"
#include "temp_dir.hpp"

namespace intake::testing {

class TestDatabase {
 public:
  TestDatabase();   // throws std::runtime_error when the cluster cannot be made
  ~TestDatabase();
  const std::string& conninfo() const { return conninfo_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  void stop();
  void start();
  // Runs one SQL query and returns the first column of the first row ("" if none).
  std::string scalar(const std::string& sql) const;

 private:
  TempDir dir_;
  std::unique_ptr<gateway::EmbeddedPostgres> pg_;
  std::string conninfo_;
};

}  // namespace intake::testing
