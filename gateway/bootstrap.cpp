#include "gateway/bootstrap.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>

#include "gateway/random.hpp"
#include "intake/ascii.hpp"
#include "intake/hex.hpp"
#include "intake/store/migrations.hpp"


namespace intake::gateway {

Result<CommonFlags> parse_common_flags(int argc, char** argv, bool allow_listen) {
  CommonFlags flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::optional<std::string> inline_value;
    if (arg.starts_with("--") && arg.find('=') != std::string::npos) {
      inline_value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
    }
    auto value = [&]() -> Result<std::string> {
      if (inline_value) return *inline_value;
      if (i + 1 >= argc) return make_error("usage", arg + " needs a value");
      return std::string(argv[++i]);
    };
    if (arg == "--help" || arg == "-h") {
      flags.help = true;
    } else if (arg == "--config" || arg == "--data-dir" || arg == "--database" || (allow_listen && arg == "--listen")) {
      auto v = value();
      if (!v) return v.error();
      if (arg == "--config") flags.config = *v;
      else if (arg == "--data-dir") flags.data_dir = *v;
      else if (arg == "--database") flags.database = *v;
      else flags.listen = *v;
    } else if (arg.starts_with("--") && flags.positional.empty()) {
      return make_error("usage", "unknown flag " + arg + " (see --help)");
    } else {
      flags.positional.push_back(argv[i]);
    }
  }
  return flags;
}

Result<Config> load_effective_config(const CommonFlags& flags) {
  auto config = load_config(flags.config);
  if (!config) return config.error();
  if (flags.data_dir) config->data_dir = *flags.data_dir;
  if (flags.database) config->database_url = *flags.database;
  if (flags.listen) {
    auto listen = parse_listen(*flags.listen);
    if (!listen) return make_error("usage", "--listen: " + listen.error().message);
    config->listen_host = listen->first;
    config->listen_port = listen->second;
  }
  read_secrets_from_environment(*config);
  return config;
}

Result<std::shared_ptr<const dialog::BusinessCalendar>> load_calendar(const std::filesystem::path& path) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(path, ec))
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    if (ec) return make_error("config", path.string() + ": cannot list the calendar folder: " + ec.message());
    if (files.empty()) return make_error("config", path.string() + ": the calendar folder holds no *.json file");
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  std::vector<dialog::CalendarSource> sources;
  for (const auto& file : files) {
    auto text = read_file(file);
    if (!text) return text.error();
    sources.push_back({std::move(*text), file.string()});
  }
  return dialog::BusinessCalendar::parse(sources);
}

Result<std::shared_ptr<const dialog::Engine>> load_engine(const Config& config,
                                                          std::shared_ptr<const dialog::ChineseConverter> converter) {
  auto rules_text = read_file(config.rules);
  if (!rules_text) return rules_text.error();
  auto rules = dialog::RulePack::parse(*rules_text, config.rules.string());
  if (!rules) return rules.error();
  auto sla = load_sla(config);
  if (!sla) return sla.error();
  return std::make_shared<const dialog::Engine>(std::move(*rules), std::move(*sla), std::move(converter));
}

Result<std::shared_ptr<const dialog::SlaPolicy>> load_sla(const Config& config) {
  auto sla_text = read_file(config.sla);
  if (!sla_text) return sla_text.error();
  auto calendar = load_calendar(config.calendar);
  if (!calendar) return calendar.error();
  return dialog::SlaPolicy::parse(*sla_text, config.sla.string(), std::move(*calendar));
}

Result<Database> open_database(const Config& config, bool own_embedded) {
  Database db;
  if (!config.database_url.empty()) {
    db.conninfo = config.database_url;
    return db;
  }
  auto embedded = EmbeddedPostgres::start(config.data_dir, own_embedded);
  if (!embedded) return embedded.error();
  db.conninfo = (*embedded)->conninfo();
  db.embedded = std::move(*embedded);
  return db;
}

Result<AdminSession> open_admin_session(const CommonFlags& flags) {
  auto config = load_effective_config(flags);
  if (!config) return config.error();
  auto db = open_database(*config, /*own_embedded=*/false);
  if (!db) return db.error();
  auto conn = store::Connection::open(db->conninfo);
  if (!conn) return conn.error();
  // Safe to repeat, and serialised with a starting gateway: a command may come first.
  if (auto migrated = store::migrate(*conn); !migrated) return migrated.error();
  return AdminSession{std::move(*db), std::move(*conn)};
}

Result<std::string> ensure_generated_secret(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) {
    auto text = read_file(file);
    if (!text) return text.error();
    const std::string_view key = trim_ascii_space(*text);
    if (key.size() < 32) {
      return make_error("secret", "the key in " + file.string() + " is too short (delete the file to make a new one)");
    }
    return std::string(key);
  }
  std::filesystem::create_directories(file.parent_path(), ec);
  auto fresh = random_hex(32);
  if (!fresh) return make_error("secret", "no random bytes for " + file.string());
  std::string key = std::move(*fresh);
  const mode_t old = umask(077);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  umask(old);
  out << key << '\n';
  if (!out.flush()) return make_error("secret", "cannot write " + file.string());
  return Result<std::string>(std::move(key));
}

}  // namespace intake::gateway
