#pragma once
// The staff API under /api/v1/: `Authorization: Bearer <token>` (a token from `intakectl
// staff add`) or the console's session cookie (gateway/staff_auth.hpp), JSON in and out.
// See the README's "Staff API" for every route.
//
// Answers: 401 without a valid token (with WWW-Authenticate), 403 for a role that may
// not, 404 for what does not exist or is not the caller's to see, 409 for a change the
// case's state forbids, 400 for a malformed request, 503 while the database is
// unreachable; every error with the JSON body {"error": {"code", "message"}}.
//
// Confidentiality: agents see the cases of their queue (their own and unassigned ones)
// and a customer's phone and e-mail only on a case assigned to them; every read of a
// case is recorded in access_log with who and when.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <vector>

#include "gateway/database_jobs.hpp"
#include "gateway/http_types.hpp"
#include "gateway/rules_api.hpp"
#include "gateway/staff_auth.hpp"
#include "intake/dialog/engine.hpp"
#include "intake/store/case_records.hpp"
#include "intake/store/conversation_records.hpp"
#include "intake/store/database_worker.hpp"

namespace intake::gateway {

class StaffApi {
 public:
  static constexpr std::string_view kPrefix = "/api/v1/";

  struct Options {
    store::MailSettings mail;
    std::filesystem::path corpus;     // the labelled corpus rule versions are judged on
    store::SessionLimits sessions;    // the console's sign-ins
  };
  // `database` runs the queries; `engine` gives the SLA policy in force; `outbox_queued`
  // is called after a staff message was queued in the outbox.
  StaffApi(DatabaseJobs& database, std::function<std::shared_ptr<const dialog::Engine>()> engine, Options options,
           std::function<void()> outbox_queued);

  // For a target under kPrefix.
  boost::asio::awaitable<Response> handle(Request& request, RequestLog& log);

  // Who a request is from, for the console's WebSocket too.
  StaffAuth& auth() { return auth_; }

 private:
  using Job = DatabaseJobs::Job;
  boost::asio::awaitable<Result<nlohmann::json>> run(Job job) { return database_.run(std::move(job)); }

  boost::asio::awaitable<Response> list_cases(const Request& request, const store::Viewer& viewer, RequestLog& log);
  boost::asio::awaitable<Response> get_case(const std::string& number, const store::Viewer& viewer, RequestLog& log);
  boost::asio::awaitable<Response> case_action(const Request& request, const std::string& number,
                                               std::string_view action, const store::Viewer& viewer, RequestLog& log);
  boost::asio::awaitable<Response> patch_case(const Request& request, const std::string& number,
                                              const store::Viewer& viewer, RequestLog& log);

  boost::asio::awaitable<Response> list_conversations(const Request& request, const store::Viewer& viewer,
                                                      RequestLog& log);
  boost::asio::awaitable<Response> conversation(Request& request, std::string_view rest, const store::Viewer& viewer,
                                                RequestLog& log);
  boost::asio::awaitable<Response> kpi_report(const Request& request, const store::Viewer& viewer, RequestLog& log);
  // Answers a store call's result: 200 with its JSON, or the status its error code means.
  static Response answer(const Result<nlohmann::json>& result, RequestLog& log);

  DatabaseJobs& database_;
  StaffAuth auth_;
  RulesApi rules_;
  std::function<std::shared_ptr<const dialog::Engine>()> engine_;
  store::MailSettings mail_;
  std::function<void()> message_sent_;
};

}  // namespace intake::gateway
