#include "gateway/staff_auth.hpp"

#include <boost/beast/http/field.hpp>

#include "gateway/api_answers.hpp"
#include "gateway/log.hpp"
#include "gateway/random.hpp"
#include "gateway/staff_tokens.hpp"
#include "intake/channels/signature.hpp"
#include "intake/store/staff_directory.hpp"

namespace intake::gateway {
namespace {

using nlohmann::json;
namespace http = boost::beast::http;

Response unauthorized(std::string_view message) {
  Response res = error_response(401, "unauthorized", message);
  res.set(http::field::www_authenticate, "Bearer realm=\"intake\"");
  return res;
}

std::optional<std::string_view> bearer_token(const Request& request) {
  auto it = request.find(http::field::authorization);
  if (it == request.end()) return std::nullopt;
  std::string_view value = it->value();
  constexpr std::string_view kScheme = "Bearer ";
  if (value.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i)  // the scheme is case-insensitive (RFC 9110)
    if ((value[i] | 0x20) != (kScheme[i] | 0x20)) return std::nullopt;
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  return value;
}

// The value of cookie `name` in the Cookie header ("a=1; intake_session=…").
std::optional<std::string> cookie(const Request& request, std::string_view name) {
  auto it = request.find(http::field::cookie);
  if (it == request.end()) return std::nullopt;
  std::string_view rest = it->value();
  while (!rest.empty()) {
    const auto end = rest.find(';');
    std::string_view pair = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
  }
  return std::nullopt;
}

std::string cookie_header(std::string_view value, bool clear) {
  std::string header = std::string(kSessionCookie) + "=" + std::string(value) + "; Path=/; HttpOnly; Secure; SameSite=Strict";
  if (clear) header += "; Max-Age=0";
  return header;
}

json staff_json(const StaffMember& m) { return {{"id", m.id}, {"name", m.name}, {"role", to_string(m.role)}}; }

bool is_read(const Request& request) {
  return request.method() == http::verb::get || request.method() == http::verb::head;
}

}  // namespace

boost::asio::awaitable<std::variant<Caller, Response>> StaffAuth::identify(const Request& request, RequestLog& log) {
  if (auto token = bearer_token(request)) {
    std::function<Result<std::optional<StaffMember>>(store::Connection&)> find =
        [digest = staff_token_digest(*token)](store::Connection& conn) { return store::staff_by_token(conn, digest); };
    auto member = co_await database_.run<std::optional<StaffMember>>(std::move(find));
    if (!member) co_return store_failure(member.error(), log);
    if (!*member) co_return unauthorized("the token is not valid (unknown or revoked)");
    co_return Caller{**member, false};
  }
  if (cookie(request, kSessionCookie)) {
    auto session = co_await session_of(request, log);
    if (auto* refused = std::get_if<Response>(&session)) co_return std::move(*refused);
    co_return Caller{std::get<store::SessionMember>(session).member, true};
  }
  co_return unauthorized("send Authorization: Bearer <token> (intakectl staff add makes one), or sign in at /console");
}

boost::asio::awaitable<std::variant<store::SessionMember, Response>> StaffAuth::session_of(const Request& request,
                                                                                            RequestLog& log) {
  const auto value = cookie(request, kSessionCookie);
  if (!value) co_return unauthorized("no session: sign in at /console");
  std::function<Result<std::optional<store::SessionMember>>(store::Connection&)> use =
      [digest = staff_token_digest(*value), limits = limits_](store::Connection& conn) {
        return store::use_session(conn, digest, limits);
      };
  auto session = co_await database_.run<std::optional<store::SessionMember>>(std::move(use));
  if (!session) co_return store_failure(session.error(), log);
  if (!*session) co_return unauthorized("the session has ended: sign in again");
  if (!is_read(request)) {
    auto sent = request.find("X-CSRF-Token");
    if (sent == request.end() || !channels::secret_equals(sent->value(), (*session)->csrf))
      co_return error_response(403, "csrf", "a change from the console must carry the session's X-CSRF-Token");
  }
  co_return std::move(**session);
}

boost::asio::awaitable<Response> StaffAuth::session(Request& request, RequestLog& log) {
  log.route = "/api/v1/session";
  if (request.method() == http::verb::post) {
    const json body = json::parse(request.body(), nullptr, false);
    if (!body.is_object() || !body.contains("token") || !body["token"].is_string())
      co_return error_response(400, "invalid_field", "/token: the staff token to sign in with");
    const std::string token = body["token"].get<std::string>();
    const auto value = random_hex(32), csrf = random_hex(32);
    if (!value || !csrf) co_return error_response(500, "internal", "no random bytes for a session");
    auto begin = [digest = staff_token_digest(token), session = staff_token_digest(*value),
                  csrf = *csrf](store::Connection& conn) -> Result<json> {
      auto member = store::staff_by_token(conn, digest);
      if (!member) return member.error();
      if (!*member) return json(nullptr);
      if (Status s = store::start_session(conn, (*member)->id, session, csrf); !s) return s.error();
      return json{{"staff", staff_json(**member)}, {"csrf", csrf}};
    };
    Result<json> started = co_await database_.run(std::move(begin));
    if (!started) co_return store_failure(started.error(), log);
    if (started->is_null()) {
      log::warn("sign_in_refused", {{"request_id", log.request_id}});
      co_return unauthorized("the token is not valid (unknown or revoked)");
    }
    log.fields["staff"] = (*started)["staff"]["id"];
    log::info("signed_in", {{"request_id", log.request_id}, {"staff", (*started)["staff"]["id"]}});
    Response res = json_response(201, *started);
    res.set(http::field::set_cookie, cookie_header(*value, false));
    res.set(http::field::cache_control, "no-store");
    co_return res;
  }
  if (request.method() != http::verb::get && request.method() != http::verb::delete_)
    co_return method_not_allowed("GET, POST, DELETE");
  auto found = co_await session_of(request, log);
  if (auto* refused = std::get_if<Response>(&found)) co_return std::move(*refused);
  const store::SessionMember session = std::get<store::SessionMember>(found);
  log.fields["staff"] = session.member.id;
  if (request.method() == http::verb::get) {
    Response res = json_response(200, {{"staff", staff_json(session.member)}, {"csrf", session.csrf}});
    res.set(http::field::cache_control, "no-store");
    co_return res;
  }
  const std::string digest = staff_token_digest(*cookie(request, kSessionCookie));
  std::function<Result<bool>(store::Connection&)> end = [digest](store::Connection& conn) {
    return store::end_session(conn, digest);
  };
  auto ended = co_await database_.run<bool>(std::move(end));
  if (!ended) co_return store_failure(ended.error(), log);
  log::info("signed_out", {{"request_id", log.request_id}, {"staff", session.member.id}});
  Response res = json_response(200, {{"signed_out", true}});
  res.set(http::field::set_cookie, cookie_header("", true));
  co_return res;
}

}  // namespace intake::gateway
