#pragma once
// What the tests of one end-to-end suite share: a throwaway database, a folder, and one
// gateway started on them with `patch` over the test configuration (test_gateway.hpp).
// Destroying it stops the gateway and checks that it exited cleanly.
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "server_process.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

namespace intake::testing {

class SuiteGateway {
 public:
  SuiteGateway(const std::string& name, const nlohmann::json& patch, const std::map<std::string, std::string>& env = {});
  ~SuiteGateway();
  SuiteGateway(const SuiteGateway&) = delete;
  SuiteGateway& operator=(const SuiteGateway&) = delete;

  TestDatabase& db() { return db_; }
  const TempDir& dir() const { return dir_; }
  ServerProcess& gateway() { return *gateway_; }
  unsigned short port() const { return gateway_->port(); }

 private:
  TestDatabase db_;
  TempDir dir_;
  std::unique_ptr<ServerProcess> gateway_;
};

}  // namespace intake::testing
