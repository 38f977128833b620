#pragma once
// The real intake-gateway binary as the end-to-end tests start it: a config file written
// into `dir` (the project's rules and SLA policy, a free port on 127.0.0.1, two store
// connections) with `patch` merged over it (RFC 7396), its data under `dir`/var, the
// given database, and `env` as its environment's secrets.
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server_process.hpp"
#include "temp_dir.hpp"

namespace intake::testing {

// Writes that config file (dir/gateway.json) and returns its path.
std::filesystem::path write_test_gateway_config(const TempDir& dir, const nlohmann::json& patch);

// An empty `conninfo` leaves the database to the gateway (embedded, under dir/var).
std::unique_ptr<ServerProcess> start_test_gateway(const TempDir& dir, const std::string& conninfo,
                                                  const nlohmann::json& patch,
                                                  const std::map<std::string, std::string>& env,
                                                  const std::vector<std::string>& extra_args = {});

}  // namespace intake::testing
