#include "intake/store/migrations.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <utility>

namespace intake::embedded {
const std::vector<std::pair<std::string, std::string>>& migrations();
}

namespace intake::store {
namespace {

// Any constant will do; it only has to be the same in every process that migrates.
constexpr std::string_view kMigrationLock = "SELECT pg_advisory_lock(7411000001)";
constexpr std::string_view kMigrationUnlock = "SELECT pg_advisory_unlock(7411000001)";

}  // namespace

const std::vector<Migration>& known_migrations() {
  static const std::vector<Migration> all = [] {
    std::vector<Migration> out;
    for (const auto& [file, sql] : embedded::migrations()) {
      // Files are named NNNN_name.sql.
      int version = 0;
      std::from_chars(file.data(), file.data() + file.size(), version);
      const auto underscore = file.find('_');
      const auto dot = file.rfind('.');
      out.push_back({version, file.substr(underscore + 1, dot - underscore - 1), sql});
    }
    std::sort(out.begin(), out.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
    return out;
  }();
  return all;
}

Result<MigrationReport> migrate(Connection& conn) {
  if (auto r = conn.exec(kMigrationLock); !r) return r.error();
  struct Unlock {
    Connection& c;
    ~Unlock() { (void)c.exec(kMigrationUnlock); }
  } unlock{conn};

  if (Status s = conn.exec_script(
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
          " version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
      !s)
    return s.error();
  auto rows = conn.exec("SELECT version FROM schema_migrations");
  if (!rows) return rows.error();
  std::set<int> done;
  for (int i = 0; i < rows->rows(); ++i) {
    int v = 0;
    const auto text = rows->get(i, 0);
    std::from_chars(text.data(), text.data() + text.size(), v);
    done.insert(v);
  }

  MigrationReport report;
  for (const Migration& m : known_migrations()) {
    if (done.count(m.version)) continue;
    std::string script = "BEGIN;\n" + m.sql + "\n;INSERT INTO schema_migrations (version, name) VALUES (" +
                         std::to_string(m.version) + ", '" + m.name + "');\nCOMMIT;";
    if (Status s = conn.exec_script(script); !s) {
      (void)conn.exec_script("ROLLBACK");
      return make_error(s.error().code, "migration " + std::to_string(m.version) + " (" + m.name +
                                            ") failed: " + s.error().message);
    }
    report.applied.push_back(m.version);
    done.insert(m.version);
  }
  report.current = done.empty() ? 0 : *done.rbegin();
  return report;
}

}  // namespace intake::store
