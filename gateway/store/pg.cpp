#include "intake/store/pg.hpp"

#include <libpq-fe.h>

namespace intake::store {

std::string_view classify_sqlstate(std::string_view sqlstate) {
  if (sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03")
    return db_errc::unavailable;  // connection exceptions, admin/crash shutdown, cannot connect now
  if (sqlstate == "40001" || sqlstate == "40P01") return db_errc::retry;
  if (sqlstate.starts_with("23")) return db_errc::conflict;
  return db_errc::failed;
}

void QueryResult::Free::operator()(pg_result* r) const { PQclear(r); }
int QueryResult::rows() const { return PQntuples(r_.get()); }
int QueryResult::columns() const { return PQnfields(r_.get()); }
bool QueryResult::is_null(int row, int column) const { return PQgetisnull(r_.get(), row, column) != 0; }
std::string_view QueryResult::get(int row, int column) const {
  return {PQgetvalue(r_.get(), row, column), static_cast<std::size_t>(PQgetlength(r_.get(), row, column))};
}

void Connection::Finish::operator()(pg_conn* c) const { PQfinish(c); }

Error error_from(pg_conn* conn, pg_result* result, std::string_view what) {
  std::string message(what);
  const char* server = result ? PQresultErrorMessage(result) : nullptr;
  if (!server || !*server) server = conn ? PQerrorMessage(conn) : "no connection";
  message += ": ";
  message += server;
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  std::string_view code = db_errc::failed;
  if (const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr)
    code = classify_sqlstate(state);
  if (!conn || PQstatus(conn) != CONNECTION_OK) code = db_errc::unavailable;
  return make_error(std::string(code), std::move(message));
}

Result<Connection> Connection::open(const std::string& conninfo) {
  // Expand the caller's conninfo/URL, then add our session settings as options.
  const char* keys[] = {"dbname", "options", "application_name", "connect_timeout", nullptr};
  const char* values[] = {conninfo.c_str(), "-c TimeZone=UTC -c statement_timeout=30000", "intake-gateway", "5", nullptr};
  pg_conn* raw = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  Connection conn(raw);
  if (!raw || PQstatus(raw) != CONNECTION_OK) return error_from(raw, nullptr, "cannot connect to PostgreSQL");
  // Server notices ("relation already exists, skipping") are not for operators' logs.
  PQsetNoticeProcessor(raw, [](void*, const char*) {}, nullptr);
  return conn;
}

bool Connection::ok() const { return c_ && PQstatus(c_.get()) == CONNECTION_OK; }

Result<QueryResult> Connection::exec(std::string_view sql, const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  const std::string text(sql);
  pg_result* r = PQexecParams(c_.get(), text.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                              nullptr, nullptr, 0);
  const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    Error e = error_from(c_.get(), r, "query failed");
    PQclear(r);
    return e;
  }
  return QueryResult(r);
}

Status Connection::exec_script(std::string_view sql) {
  const std::string text(sql);
  pg_result* r = PQexec(c_.get(), text.c_str());
  const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    Error e = error_from(c_.get(), r, "script failed");
    PQclear(r);
    return e;
  }
  PQclear(r);
  return Ok{};
}

Result<std::vector<QueryResult>> Connection::pipeline(const std::vector<Statement>& statements) {
  pg_conn* c = c_.get();
  if (PQenterPipelineMode(c) != 1) return error_from(c, nullptr, "cannot enter pipeline mode");
  struct Exit {
    pg_conn* c;
    ~Exit() { PQexitPipelineMode(c); }
  } exit_on_return{c};

  for (const Statement& st : statements) {
    std::vector<const char*> values;
    for (const auto& p : st.params) values.push_back(p ? p->c_str() : nullptr);
    const std::string text(st.sql);
    if (PQsendQueryParams(c, text.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                          nullptr, 0) != 1)
      return error_from(c, nullptr, "cannot send query");
  }
  if (PQpipelineSync(c) != 1) return error_from(c, nullptr, "cannot send pipeline sync");

  std::vector<QueryResult> results;
  std::optional<Error> first_error;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    pg_result* r = PQgetResult(c);
    if (!r) return error_from(c, nullptr, "connection lost in pipeline");
    const auto status = PQresultStatus(r);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      results.emplace_back(r);
    } else {
      if (status != PGRES_PIPELINE_ABORTED && !first_error) first_error = error_from(c, r, "query failed");
      PQclear(r);
    }
    if (pg_result* end = PQgetResult(c)) PQclear(end);  // each query's results end with NULL
  }
  pg_result* sync = PQgetResult(c);
  const bool synced = sync && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
  PQclear(sync);
  if (!synced && !first_error) first_error = error_from(c, nullptr, "pipeline did not end with a sync");
  if (first_error) return *first_error;
  return results;
}

}  // namespace intake::store
