#include "test_gateway.hpp"

#include <filesystem>
#include <fstream>

namespace intake::testing {

std::filesystem::path write_test_gateway_config(const TempDir& dir, const nlohmann::json& patch) {
  const std::filesystem::path source = INTAKE_SOURCE_DIR;
  nlohmann::json config = {{"listen", "127.0.0.1:0"},
                           {"rules", (source / "config/rules/default.json").string()},
                           {"sla", (source / "config/sla.json").string()},
                           {"calendar", (source / "config/calendar").string()},
                           {"corpus", (source / "config/corpus/regression.jsonl").string()},
                           {"store", {{"connections", 2}, {"max_batch", 16}}}};
  if (!patch.is_null()) config.merge_patch(patch);  // `{}` in a call may arrive as null
  const auto path = dir.path() / "gateway.json";
  std::ofstream(path) << config.dump(2);
  return path;
}

std::unique_ptr<ServerProcess> start_test_gateway(const TempDir& dir, const std::string& conninfo,
                                                  const nlohmann::json& patch,
                                                  const std::map<std::string, std::string>& env,
                                                  const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = {"--config", write_test_gateway_config(dir, patch).string(), "--data-dir",
                                   (dir.path() / "var").string()};
  if (!conninfo.empty()) args.insert(args.end(), {"--database", conninfo});
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return std::make_unique<ServerProcess>(INTAKE_GATEWAY_BINARY, args, env, std::chrono::seconds(90));
}

}  // namespace intake::testing
