#pragma once
// Versioned SQL migrations, compiled into the binaries from gateway/store/migrations/.
// Applied in order, each in its own transaction, recorded in schema_migrations. Safe to
// run twice and from several processes at once (an advisory lock serialises them).
#include <string>
#include <vector>

#include "intake/result.hpp"
#include "intake/store/pg.hpp"

namespace intake::store {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// The migrations this build knows, in version order.
const std::vector<Migration>& known_migrations();

struct MigrationReport {
  std::vector<int> applied;  // versions applied by this call
  int current = 0;           // the schema version afterwards
};

Result<MigrationReport> migrate(Connection& conn);

}  // namespace intake::store
