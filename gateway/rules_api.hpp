#pragma once
// The rule pack versions under /api/v1/rules (managers and admins only; store/rule_versions.hpp):
//   GET  /api/v1/rules                    the version in force and the history, newest first
//   POST /api/v1/rules                    {"pack": <the pack, as JSON or as its text>, "note"?}:
//                                         checked (400 invalid_rules naming the JSON pointer
//                                         and RE2's message) and stored, not yet in force: 201
//   GET  /api/v1/rules/{id}               one version with its text
//   POST /api/v1/rules/{id}/regress       {"days"?}: the version judged beside the one in force,
//                                         on the project corpus and on the customers' messages
//                                         of the last days (labelled by their cases): scores,
//                                         and every message whose labels would change
//   POST /api/v1/rules/{id}/activate      puts it in force on every instance (also a rollback)
//   POST /api/v1/rules/dry-run            {"text", "version"?, "channel"?}: the decision and its
//                                         explanation (gateway/decision_explanation.hpp) under
//                                         that version, or the one in force
// Every addition and activation is recorded with who and when, and logged.
#include <boost/asio/awaitable.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <string_view>

#include "gateway/database_jobs.hpp"
#include "gateway/http_types.hpp"
#include "intake/dialog/engine.hpp"
#include "intake/store/case_records.hpp"

namespace intake::gateway {

class RulesApi {
 public:
  // `corpus`: the project's labelled corpus (config "corpus").
  RulesApi(DatabaseJobs& database, std::function<std::shared_ptr<const dialog::Engine>()> engine,
           std::filesystem::path corpus)
      : database_(database), engine_(std::move(engine)), corpus_(std::move(corpus)) {}

  // `path` is what follows /api/v1/: "rules" or "rules/…".
  boost::asio::awaitable<Response> handle(Request& request, std::string_view path, const store::Viewer& viewer,
                                          RequestLog& log);

 private:
  boost::asio::awaitable<Response> add(const Request& request, const store::Viewer& viewer, RequestLog& log);
  boost::asio::awaitable<Response> dry_run(const Request& request, RequestLog& log);
  boost::asio::awaitable<Response> regress(const Request& request, std::int64_t id, const store::Viewer& viewer,
                                           RequestLog& log);

  DatabaseJobs& database_;
  std::function<std::shared_ptr<const dialog::Engine>()> engine_;
  std::filesystem::path corpus_;
};

}  // namespace intake::gateway
