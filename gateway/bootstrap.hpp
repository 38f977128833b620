#pragma once
// Start-up steps shared by intake-gateway and intakectl: the command line, the
// configuration, the rule pack and SLA policy, and the database (embedded or external).
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config.hpp"
#include "gateway/embedded_postgres.hpp"
#include "intake/dialog/engine.hpp"
#include "intake/store/pg.hpp"

namespace intake::gateway {

// The flags both binaries take. Unknown flags are errors; positional arguments are kept.
struct CommonFlags {
  std::filesystem::path config = "config/gateway.json";
  std::optional<std::filesystem::path> data_dir;
  std::optional<std::string> database;
  std::optional<std::string> listen;
  bool help = false;
  std::vector<std::string> positional;
};

// Parses argv. `allow_listen` is true for the gateway only.
Result<CommonFlags> parse_common_flags(int argc, char** argv, bool allow_listen);

// Loads the config file and applies flags and environment on top.
Result<Config> load_effective_config(const CommonFlags& flags);

// Reads the business calendar the config names: every *.json file of the folder, in
// name order, or the one file named.
Result<std::shared_ptr<const dialog::BusinessCalendar>> load_calendar(const std::filesystem::path& path);

// Reads the SLA policy and business calendar the config names.
Result<std::shared_ptr<const dialog::SlaPolicy>> load_sla(const Config& config);

// Reads and compiles the rule pack, calendar and SLA policy the config names. The converter is
// loaded once per process (load_opencc_converter) and shared by every engine a reload makes.
Result<std::shared_ptr<const dialog::Engine>> load_engine(const Config& config,
                                                          std::shared_ptr<const dialog::ChineseConverter> converter);

struct Database {
  std::unique_ptr<EmbeddedPostgres> embedded;  // null with an external database
  std::string conninfo;
};

// A key the gateway keeps for itself in `file`: read when the file exists, else 32
// random bytes written there (hex, readable by the owner only) and returned.
Result<std::string> ensure_generated_secret(const std::filesystem::path& file);

// The external database when one is configured, else the embedded one under data_dir,
// started if needed (see EmbeddedPostgres::start for `own_embedded`).
Result<Database> open_database(const Config& config, bool own_embedded);

// What an intakectl command works with: the database (an embedded server started for the
// command stays up while the session lives, and stops after it) and one connection to
// it, with the schema migrated.
struct AdminSession {
  Database database;
  store::Connection connection;
};
Result<AdminSession> open_admin_session(const CommonFlags& flags);

}  // namespace intake::gateway
