#pragma once
// Who is calling the staff API. Tools send `Authorization: Bearer <token>`. The console's
// pages send the session cookie they got by signing in with a token, and with every
// change (any method but GET and HEAD) the session's CSRF token in X-CSRF-Token: another
// site's page can make the browser send the cookie, never that header. The cookie is
// HttpOnly, Secure and SameSite=Strict; the database keeps only its SHA-256.
//
//   POST   /api/v1/session  {"token": "ist_…"}  signs in: 201 {"staff", "csrf"}, Set-Cookie
//   GET    /api/v1/session                      {"staff", "csrf"} for the cookie's session
//   DELETE /api/v1/session                      signs out (with X-CSRF-Token); the cookie is cleared
#include <boost/asio/awaitable.hpp>
#include <variant>

#include "gateway/database_jobs.hpp"
#include "gateway/http_types.hpp"
#include "intake/staff.hpp"
#include "intake/store/staff_sessions.hpp"

namespace intake::gateway {

inline constexpr std::string_view kSessionCookie = "intake_session";

struct Caller {
  StaffMember member;
  bool by_session = false;
};

class StaffAuth {
 public:
  StaffAuth(DatabaseJobs& database, store::SessionLimits limits) : database_(database), limits_(limits) {}

  // The caller, or the answer to give instead: 401 (with WWW-Authenticate) without valid
  // credentials, 403 csrf for a session's change without the right X-CSRF-Token.
  boost::asio::awaitable<std::variant<Caller, Response>> identify(const Request& request, RequestLog& log);

  // The /api/v1/session routes.
  boost::asio::awaitable<Response> session(Request& request, RequestLog& log);

 private:
  // The live session of the request's cookie (the CSRF token checked for a change), or
  // the answer to give instead.
  boost::asio::awaitable<std::variant<store::SessionMember, Response>> session_of(const Request& request, RequestLog& log);

  DatabaseJobs& database_;
  store::SessionLimits limits_;
};

}  // namespace intake::gateway
