#include "gateway/api_answers.hpp"

#include <boost/beast/http/field.hpp>

#include "gateway/log.hpp"
#include "intake/store/case_records.hpp"
#include "intake/store/conversation_records.hpp"
#include "intake/store/pg.hpp"

namespace intake::gateway {
namespace {

namespace http = boost::beast::http;
constexpr int kRetryAfterSeconds = 5;

}  // namespace

Response method_not_allowed(std::string_view allowed) {
  Response res = error_response(405, "method_not_allowed", "use " + std::string(allowed));
  res.set(http::field::allow, allowed);
  return res;
}

Response store_failure(const Error& e, RequestLog& log) {
  log.fields["error"] = e.code;
  if (e.code == store::case_errc::not_found) return error_response(404, "not_found", e.message);
  if (e.code == store::case_errc::forbidden) return error_response(403, "forbidden", e.message);
  if (e.code == store::case_errc::invalid_transition) return error_response(409, "conflict", e.message);
  if (e.code == store::case_errc::unknown_assignee) return error_response(400, "invalid_field", e.message);
  if (e.code == store::conversation_errc::taken) return error_response(409, "taken", e.message);
  if (e.code == store::conversation_errc::not_taken) return error_response(409, "not_taken", e.message);
  if (e.code == store::db_errc::unavailable) {
    log::warn("staff_api_unavailable", {{"request_id", log.request_id}, {"error", e.message}});
    Response res = error_response(503, "unavailable", "the case database is unreachable; retry later");
    res.set(http::field::retry_after, std::to_string(kRetryAfterSeconds));
    return res;
  }
  log::error("staff_api_failed", {{"request_id", log.request_id}, {"error", e.message}});
  return error_response(500, "internal", "the request failed; retry later");
}

}  // namespace intake::gateway
