#include "test_database.hpp"

#include <stdexcept>

#include "intake/store/migrations.hpp"
#include "intake/store/pg.hpp"

namespace intake::testing {

TestDatabase::TestDatabase() : dir_("intake-db") { start(); }

TestDatabase::~TestDatabase() { stop(); }

void TestDatabase::start() {
  auto pg = gateway::EmbeddedPostgres::start(dir_.path(), /*stop_when_done=*/true);
  if (!pg) throw std::runtime_error("test database: " + pg.error().message);
  pg_ = std::move(*pg);
  conninfo_ = pg_->conninfo();
  auto conn = store::Connection::open(conninfo_);
  if (!conn) throw std::runtime_error("test database: " + conn.error().message);
  auto migrated = store::migrate(*conn);
  if (!migrated) throw std::runtime_error("test database: " + migrated.error().message);
}

void TestDatabase::stop() {
  if (!pg_) return;
  if (Status s = pg_->stop(); !s) throw std::runtime_error("test database: " + s.error().message);
  pg_.reset();
}

std::string TestDatabase::scalar(const std::string& sql) const {
  auto conn = store::Connection::open(conninfo_);
  if (!conn) throw std::runtime_error("test database: " + conn.error().message);
  auto r = conn->exec(sql);
  if (!r) throw std::runtime_error("test database: " + r.error().message);
  if (r->rows() == 0 || r->is_null(0, 0)) return "";
  return std::string(r->get(0, 0));
}

}  // namespace intake::testing
