#include "suite_gateway.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include "test_gateway.hpp"

namespace intake::testing {

SuiteGateway::SuiteGateway(const std::string& name, const nlohmann::json& patch,
                           const std::map<std::string, std::string>& env)
    : dir_(name), gateway_(start_test_gateway(dir_, db_.conninfo(), patch, env)) {}

SuiteGateway::~SuiteGateway() {
  if (gateway_) {
    EXPECT_EQ(gateway_->stop(SIGTERM, std::chrono::seconds(30)), 0) << gateway_->log();
  }
}

}  // namespace intake::testing
