#include "gateway/embedded_postgres.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "gateway/log.hpp"
#include "gateway/process.hpp"
#include "intake/fnv1a.hpp"
#include "intake/store/pg.hpp"

namespace intake::gateway {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDatabase = "intake";
constexpr const char* kServiceUser = "postgres";

// The server binaries: $INTAKE_PG_BINDIR, else the newest /usr/lib/postgresql/<v>/bin.
Result<fs::path> find_server_binaries() {
  if (const char* dir = std::getenv("INTAKE_PG_BINDIR"); dir && *dir) {
    if (fs::exists(fs::path(dir) / "initdb")) return fs::path(dir);
    return make_error("embedded_postgres", std::string("INTAKE_PG_BINDIR=") + dir + " has no initdb");
  }
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec))
    if (fs::exists(entry.path() / "bin" / "initdb")) found.push_back(entry.path() / "bin");
  if (found.empty())
    return make_error("embedded_postgres",
                      "PostgreSQL server binaries not found under /usr/lib/postgresql "
                      "(apt-get install postgresql, or set INTAKE_PG_BINDIR, or pass --database URL)");
  std::sort(found.begin(), found.end(), [](const fs::path& a, const fs::path& b) {
    return std::atoi(a.parent_path().filename().c_str()) < std::atoi(b.parent_path().filename().c_str());
  });
  return found.back();
}

// Unix socket paths are limited to 107 bytes; a deep data directory gets its socket in
// /tmp under a name derived from the cluster's path instead.
fs::path socket_dir_for(const fs::path& cluster) {
  if (cluster.string().size() + std::string_view("/.s.PGSQL.5432").size() < 100) return cluster;
  char name[64];
  std::snprintf(name, sizeof name, "/tmp/intake-pg-%016llx", static_cast<unsigned long long>(fnv1a64(cluster.string())));
  return name;
}

Status chown_to(const fs::path& path, const std::string& user) {
  if (user.empty()) return Ok{};
  const passwd* pw = getpwnam(user.c_str());
  if (!pw) return make_error("embedded_postgres", "the user \"" + user + "\" does not exist (apt-get install postgresql creates it)");
  if (::chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0)
    return make_error("embedded_postgres", "cannot hand " + path.string() + " to the user " + user);
  return Ok{};
}

Error step_failed(const std::string& step, const ProcessResult& r, const std::string& hint = "") {
  std::string out = r.output;
  if (out.size() > 2000) out = "…" + out.substr(out.size() - 2000);
  return make_error("embedded_postgres", step + " failed (exit " + std::to_string(r.exit_code) + "): " + out + hint);
}

}  // namespace

Result<std::unique_ptr<EmbeddedPostgres>> EmbeddedPostgres::start(const fs::path& data_dir, bool stop_when_done) {
  std::unique_ptr<EmbeddedPostgres> pg(new EmbeddedPostgres());
  auto bin = find_server_binaries();
  if (!bin) return bin.error();
  pg->bin_ = *bin;
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) return make_error("embedded_postgres", "cannot create " + data_dir.string() + ": " + ec.message());
  pg->cluster_ = fs::absolute(data_dir, ec) / "postgres";
  pg->cluster_ = pg->cluster_.lexically_normal();
  pg->socket_dir_ = socket_dir_for(pg->cluster_);
  pg->run_as_ = geteuid() == 0 ? kServiceUser : "";
  if (!pg->run_as_.empty()) {
    // The service user must be able to reach the cluster through the data directory.
    fs::permissions(data_dir, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add, ec);
  }

  if (!fs::exists(pg->cluster_ / "PG_VERSION")) {
    log::info("embedded_postgres_init", {{"cluster", pg->cluster_.string()}});
    fs::create_directories(pg->cluster_, ec);
    fs::permissions(pg->cluster_, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (Status s = chown_to(pg->cluster_, pg->run_as_); !s) return s.error();
    auto r = run_process({(pg->bin_ / "initdb").string(), "-D", pg->cluster_.string(), "-U", "postgres",
                          "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions"},
                         pg->run_as_);
    if (!r) return r.error();
    if (r->exit_code != 0)
      return step_failed("initdb", *r, "\n(every folder above " + pg->cluster_.string() +
                                           " must be searchable by the postgres user)");
    std::ofstream conf(pg->cluster_ / "postgresql.conf", std::ios::app);
    conf << "\n# Added by the intake gateway: settings it rewrites at every start.\ninclude_if_exists = 'intake.conf'\n";
  }
  if (pg->socket_dir_ != pg->cluster_) {
    fs::create_directories(pg->socket_dir_, ec);
    if (Status s = chown_to(pg->socket_dir_, pg->run_as_); !s) return s.error();
  }
  {
    std::ofstream conf(pg->cluster_ / "intake.conf", std::ios::trunc);
    conf << "listen_addresses = ''\n"
         << "unix_socket_directories = '" << pg->socket_dir_.string() << "'\n"
         << "unix_socket_permissions = 0700\n"
         << "max_connections = 100\n";
  }
  if (Status s = chown_to(pg->cluster_ / "intake.conf", pg->run_as_); !s) return s.error();

  const std::string pg_ctl = (pg->bin_ / "pg_ctl").string();
  auto status = run_process({pg_ctl, "status", "-D", pg->cluster_.string()}, pg->run_as_);
  if (!status) return status.error();
  const bool running = status->exit_code == 0;
  if (running) {
    log::info("embedded_postgres_running", {{"cluster", pg->cluster_.string()}});
  } else {
    log::info("embedded_postgres_start", {{"cluster", pg->cluster_.string()}});
    auto r = run_process({pg_ctl, "start", "-D", pg->cluster_.string(), "-w", "-t", "60", "-l",
                          (pg->cluster_ / "server.log").string()},
                         pg->run_as_);
    if (!r) return r.error();
    if (r->exit_code != 0) return step_failed("pg_ctl start", *r, "\n(see " + (pg->cluster_ / "server.log").string() + ")");
  }
  pg->should_stop_ = stop_when_done || !running;

  const std::string base = "host=" + pg->socket_dir_.string() + " user=postgres ";
  pg->conninfo_ = base + "dbname=" + kDatabase;
  auto admin = store::Connection::open(base + "dbname=postgres");
  if (!admin) return admin.error();
  auto exists = admin->exec("SELECT 1 FROM pg_database WHERE datname = $1", {std::string(kDatabase)});
  if (!exists) return exists.error();
  if (exists->rows() == 0) {
    auto created = admin->exec(std::string("CREATE DATABASE ") + kDatabase);
    // Another process may have created it meanwhile (SQLSTATE 42P04 maps to failed): check again.
    if (!created) {
      auto again = admin->exec("SELECT 1 FROM pg_database WHERE datname = $1", {std::string(kDatabase)});
      if (!again || again->rows() == 0) return created.error();
    }
  }
  return pg;
}

Status EmbeddedPostgres::stop() {
  if (!should_stop_) return Ok{};
  should_stop_ = false;
  log::info("embedded_postgres_stop", {{"cluster", cluster_.string()}});
  auto r = run_process({(bin_ / "pg_ctl").string(), "stop", "-D", cluster_.string(), "-m", "fast", "-w", "-t", "60"}, run_as_);
  if (!r) return r.error();
  if (r->exit_code != 0) return step_failed("pg_ctl stop", *r);
  return Ok{};
}

EmbeddedPostgres::~EmbeddedPostgres() {
  if (Status s = stop(); !s) log::error("embedded_postgres_stop_failed", {{"error", s.error().message}});
}

}  // namespace intake::gateway
