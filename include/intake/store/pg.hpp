#pragma once
// A thin RAII layer over libpq, kept out of every other public header: a Connection owns
// a PGconn, a QueryResult owns a PGresult, and failures come back as Errors whose code
// says what kind of failure it was (from the SQLSTATE), so callers can decide to retry.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intake/result.hpp"

struct pg_conn;
struct pg_result;

namespace intake::store {

// Error codes for database failures.
namespace db_errc {
inline constexpr std::string_view unavailable = "db_unavailable";  // cannot connect / connection lost
inline constexpr std::string_view retry = "db_retry";              // deadlock or serialization failure: try again
inline constexpr std::string_view conflict = "db_conflict";        // unique or check constraint
inline constexpr std::string_view failed = "db_failed";            // anything else
}  // namespace db_errc

// Maps a SQLSTATE to one of the db_errc codes.
std::string_view classify_sqlstate(std::string_view sqlstate);

class QueryResult {
 public:
  explicit QueryResult(pg_result* r) : r_(r) {}
  int rows() const;
  int columns() const;
  bool is_null(int row, int column) const;
  std::string_view get(int row, int column) const;

 private:
  struct Free { void operator()(pg_result* r) const; };
  std::unique_ptr<pg_result, Free> r_;
};

class Connection {
 public:
  // Connects with a libpq conninfo string or URL. Sessions run in UTC.
  static Result<Connection> open(const std::string& conninfo);

  // Runs one statement with text parameters (nullopt = SQL NULL).
  Result<QueryResult> exec(std::string_view sql, const std::vector<std::optional<std::string>>& params = {});
  // Runs statements in sequence; stops at the first failure.
  Status exec_script(std::string_view sql);

  // Sends several statements in one round trip (libpq pipeline mode) and returns their
  // results in order. If one fails, its error is returned and the rest were skipped by
  // the server; an open transaction is then left in the failed state for the caller to
  // roll back.
  struct Statement {
    std::string_view sql;
    std::vector<std::optional<std::string>> params;
  };
  Result<std::vector<QueryResult>> pipeline(const std::vector<Statement>& statements);

  // True while the connection is usable.
  bool ok() const;
  pg_conn* raw() const { return c_.get(); }

 private:
  struct Finish { void operator()(pg_conn* c) const; };
  explicit Connection(pg_conn* c) : c_(c) {}
  std::unique_ptr<pg_conn, Finish> c_;
};

// The error for a failed result (or a broken connection), with the server's message.
Error error_from(pg_conn* conn, pg_result* result, std::string_view what);

}  // namespace intake::store
