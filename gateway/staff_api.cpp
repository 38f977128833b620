#include "gateway/staff_api.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <algorithm>
#include <array>
#include <charconv>
#include <variant>

#include "gateway/api_answers.hpp"
#include "gateway/clock.hpp"
#include "gateway/log.hpp"
#include "gateway/staff_tokens.hpp"
#include "intake/channels/form_urlencoded.hpp"
#include "intake/store/kpi_report.hpp"
#include "intake/store/staff_directory.hpp"

namespace intake::gateway {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using nlohmann::json;

namespace {

constexpr int kRetryAfterSeconds = 5;
constexpr int kMaxListed = 500;
constexpr std::size_t kMaxNoteBytes = 4000;
constexpr std::size_t kMaxMessageBytes = 4096;

// 8-4-4-4-12 hex digits: conversation ids, checked before PostgreSQL would refuse them.
bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

// A request the API refuses before touching the database: status, code, message.
struct Refusal {
  unsigned status;
  std::string code;
  std::string message;
};

Response refuse(const Refusal& r) { return error_response(r.status, r.code, r.message); }


// The request's query string, without the "?".
std::string query_of(const Request& request) {
  const std::string_view target = request.target();
  const auto mark = target.find('?');
  return mark == std::string_view::npos ? std::string() : std::string(target.substr(mark + 1));
}


// Case numbers as DESIGN.md issues them: letters and digits and dashes, bounded.
bool plausible_case_number(std::string_view s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

template <class T>
std::variant<std::optional<T>, Refusal> label_param(const channels::FormFields& query, const char* name,
                                                    std::optional<T> (*parse)(std::string_view), const char* allowed) {
  auto value = channels::form_value(query, name);
  if (!value) return std::optional<T>();
  auto parsed = parse(*value);
  if (!parsed) return Refusal{400, "invalid_query", std::string(name) + ": \"" + *value + "\" is not one of " + allowed};
  return parsed;
}

std::variant<store::CaseFilter, Refusal> case_filter(std::string_view query_string) {
  auto query = channels::parse_form_urlencoded(query_string);
  if (!query) return Refusal{400, "invalid_query", "the query string has a malformed %-escape"};
  static constexpr std::array<std::string_view, 8> kKnown = {"status", "category", "severity", "assignee", "overdue",
                                                              "q",      "limit",    "format"};
  for (const auto& [name, value] : *query)
    if (std::find(kKnown.begin(), kKnown.end(), name) == kKnown.end())
      return Refusal{400, "invalid_query", "unknown parameter \"" + name +
                                               "\" (status, category, severity, assignee, overdue, q, limit, format)"};
  store::CaseFilter f;
  auto status = label_param<CaseStatus>(*query, "status", &parse_case_status,
                                        "new, acknowledged, in_progress, pending_customer, resolved, closed, reopened");
  if (auto* r = std::get_if<Refusal>(&status)) return *r;
  f.status = std::get<0>(status);
  auto category = label_param<Category>(*query, "category", &parse_category, "the categories of LABELS.md");
  if (auto* r = std::get_if<Refusal>(&category)) return *r;
  f.category = std::get<0>(category);
  auto severity = label_param<Severity>(*query, "severity", &parse_severity, "normal, serious, major");
  if (auto* r = std::get_if<Refusal>(&severity)) return *r;
  f.severity = std::get<0>(severity);
  if (auto assignee = channels::form_value(*query, "assignee")) {
    f.assignee = parse_id(*assignee);
    if (!f.assignee) return Refusal{400, "invalid_query", "assignee: a staff account id is expected"};
  }
  if (auto overdue = channels::form_value(*query, "overdue")) {
    if (*overdue != "true" && *overdue != "false") return Refusal{400, "invalid_query", "overdue: true or false"};
    f.overdue = *overdue == "true";
  }
  if (auto text = channels::form_value(*query, "q")) {
    if (text->empty() || text->size() > 100 || text->find('\0') != std::string::npos)
      return Refusal{400, "invalid_query", "q: 1 to 100 bytes of a case number or a customer's name"};
    f.text = *text;
  }
  if (auto limit = channels::form_value(*query, "limit")) {
    auto n = parse_id(*limit);
    if (!n || *n > kMaxListed) return Refusal{400, "invalid_query", "limit: 1 to " + std::to_string(kMaxListed)};
    f.limit = static_cast<int>(*n);
  }
  if (auto format = channels::form_value(*query, "format"); format && *format != "json" && *format != "csv")
    return Refusal{400, "invalid_query", "format: json or csv"};
  return f;
}

std::variant<store::CasePatch, Refusal> case_patch(std::string_view body) {
  const json doc = json::parse(body, nullptr, false);
  if (!doc.is_object()) return Refusal{400, "invalid_json", "the body must be a JSON object"};
  store::CasePatch p;
  for (const auto& [key, value] : doc.items()) {
    auto bad = [&key = key](const std::string& what) { return Refusal{400, "invalid_field", "/" + key + ": " + what}; };
    if (key == "status") {
      p.status = value.is_string() ? parse_case_status(value.get<std::string>()) : std::nullopt;
      if (!p.status) return bad("new, acknowledged, in_progress, pending_customer, resolved, closed or reopened");
    } else if (key == "category") {
      p.category = value.is_string() ? parse_category(value.get<std::string>()) : std::nullopt;
      if (!p.category) return bad("one of the categories of LABELS.md");
    } else if (key == "severity") {
      p.severity = value.is_string() ? parse_severity(value.get<std::string>()) : std::nullopt;
      if (!p.severity) return bad("normal, serious or major");
    } else if (key == "assignee") {
      if (value.is_null()) {
        p.assignee = std::optional<std::int64_t>();
      } else if (value.is_number_integer() && value.get<std::int64_t>() > 0) {
        p.assignee = std::optional<std::int64_t>(value.get<std::int64_t>());
      } else {
        return bad("a staff account id, or null to unassign");
      }
    } else if (key == "note") {
      if (!value.is_string() || value.get<std::string>().empty() || value.get<std::string>().size() > kMaxNoteBytes)
        return bad("a text of 1 to " + std::to_string(kMaxNoteBytes) + " bytes");
      if (value.get<std::string>().find('\0') != std::string::npos) return bad("must not contain a NUL character");
      p.note = value.get<std::string>();
    } else {
      return Refusal{400, "invalid_field", "/" + key + ": unknown field (status, category, severity, assignee, note)"};
    }
  }
  if (!p.status && !p.category && !p.severity && !p.assignee && !p.note)
    return Refusal{400, "invalid_field", "nothing to change: give status, category, severity, assignee or note"};
  return p;
}

// The SLA arithmetic of the policy in force, for the store.
store::ClockRules clock_rules(std::shared_ptr<const dialog::Engine> engine) {
  return store::ClockRules{
      [engine](Category c, Severity s, Timestamp opened) { return engine->sla().clocks(c, s, opened); },
      [engine](const SlaTerm& term, Timestamp due, Timestamp from, Timestamp to) {
        return engine->sla().extend_for_pause(term, due, from, to);
      },
      [engine](const Clock& clock, Timestamp start) { return engine->sla().restarted(clock, start); }};
}

// A customer's contact details are shown in full only to those who need them.
void mask_contact_unless_needed(json& c, const store::Viewer& viewer) {
  const bool assigned_to_viewer = c["assignee"].is_object() && c["assignee"]["id"] == viewer.member.id;
  if (viewer.sees_all() || assigned_to_viewer) return;
  json& customer = c["customer"];
  if (customer["phone"].is_string()) customer["phone"] = log::mask_phone(customer["phone"].get<std::string>());
  if (customer["email"].is_string()) customer["email"] = log::mask_email(customer["email"].get<std::string>());
}

}  // namespace

StaffApi::StaffApi(DatabaseJobs& database, std::function<std::shared_ptr<const dialog::Engine>()> engine,
                   Options options, std::function<void()> outbox_queued)
    : database_(database),
      auth_(database, options.sessions),
      rules_(database, engine, std::move(options.corpus)),
      engine_(std::move(engine)),
      mail_(std::move(options.mail)),
      message_sent_(std::move(outbox_queued)) {}

namespace {

// A report bound: "2026-11-01" (the start of that day in the company's zone, or of the
// next day for an inclusive end) or an RFC 3339 instant.
std::optional<Timestamp> report_bound(const std::string& text, UtcOffset offset, bool end_of_day) {
  if (auto day = parse_iso_date(text)) {
    const auto start = Timestamp(*day + std::chrono::days(end_of_day ? 1 : 0)) - std::chrono::minutes(offset.minutes);
    return start;
  }
  return parse_rfc3339(text);
}

// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. Text that a
// spreadsheet would run as a formula (= + - @ at the start) gets a leading apostrophe.
std::string csv_cell(const json& v) {
  if (v.is_null()) return "";
  if (!v.is_string()) return v.dump();
  std::string text = v.get<std::string>();
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@')) text.insert(0, "'");
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// The cases as a spreadsheet: one line each, the columns of the JSON list.
std::string cases_csv(const json& cases) {
  std::string out = "number,status,category,severity,channel,escalation_level,assignee,customer,first_response_due,"
                    "opened_at,updated_at,overdue\r\n";
  for (const json& c : cases) {
    const json assignee = c["assignee"].is_object() ? c["assignee"]["name"] : json(nullptr);
    std::string line;
    for (const json& cell : {c["number"], c["status"], c["category"], c["severity"], c["channel"], c["escalation_level"],
                             assignee, c["customer"], c["first_response_due"], c["opened_at"], c["updated_at"], c["overdue"]})
      line += (line.empty() ? "" : ",") + csv_cell(cell);
    out += line + "\r\n";
  }
  return out;
}

// "metric,value" lines: the scalars, then one line per category, severity, channel and cause.
std::string kpi_csv(const json& report) {
  std::string out = "metric,value\r\n";
  for (const char* key : {"from", "to", "cases", "timeliness_rate", "satisfaction_rate", "resolution_rate",
                          "complaint_rate", "service_complaint_rate", "overdue", "escalated"})
    out += std::string(key) + "," + csv_cell(report[key]) + "\r\n";
  for (const char* group : {"by_category", "by_severity", "by_channel"})
    for (const auto& [name, n] : report[group].items()) out += std::string(group) + "." + name + "," + csv_cell(n) + "\r\n";
  for (const json& cause : report["top_complaint_causes"])
    out += "top_complaint_causes." + cause["category"].get<std::string>() + "," + csv_cell(cause["cases"]) + "\r\n";
  return out;
}

}  // namespace

asio::awaitable<Response> StaffApi::kpi_report(const Request& request, const store::Viewer& viewer, RequestLog& log) {
  const std::string query = query_of(request);
  auto fields = channels::parse_form_urlencoded(query);
  if (!fields) co_return error_response(400, "invalid_query", "the query string has a malformed %-escape");
  const UtcOffset offset = engine_()->sla().offset();
  const Timestamp today = Timestamp(std::chrono::floor<std::chrono::days>(now() + std::chrono::minutes(offset.minutes))) -
                          std::chrono::minutes(offset.minutes);
  Timestamp to = today + std::chrono::days(1), from = to - std::chrono::days(30);
  std::string format = "json";
  for (const auto& [name, value] : *fields) {
    if (name == "from" || name == "to") {
      auto bound = report_bound(value, offset, name == "to");
      if (!bound) co_return error_response(400, "invalid_query", name + ": a date (2026-11-01) or an RFC 3339 time");
      (name == "from" ? from : to) = *bound;
    } else if (name == "format" && (value == "json" || value == "csv")) {
      format = value;
    } else {
      co_return error_response(400, "invalid_query", name + "=" + value + ": expected from, to, format=json|csv");
    }
  }
  if (to <= from) co_return error_response(400, "invalid_query", "to must be after from");
  auto report = [viewer, from, to, query, offset](store::Connection& conn) -> Result<json> {
    auto r = store::kpi_report(conn, from, to, offset);
    if (!r) return r.error();
    if (Status s = store::log_access(conn, viewer, "read_kpi", query.empty() ? "*" : query); !s) return s.error();
    return r;
  };
  Result<json> made = co_await run(std::move(report));
  if (!made || format == "json") co_return answer(made, log);
  Response res{http::status::ok, 11};
  res.set(http::field::content_type, "text/csv; charset=utf-8");
  res.set(http::field::content_disposition, "attachment; filename=\"kpi.csv\"");
  res.body() = kpi_csv(*made);
  co_return res;
}

Response StaffApi::answer(const Result<json>& result, RequestLog& log) {
  if (!result) return store_failure(result.error(), log);
  return json_response(200, *result);
}

asio::awaitable<Response> StaffApi::handle(Request& request, RequestLog& log) {
  std::string_view target = request.target();
  const std::string_view path = target.substr(0, target.find('?')).substr(kPrefix.size());
  log.route = "/api/v1/*";

  if (path == "session") co_return co_await auth_.session(request, log);
  auto identified = co_await auth_.identify(request, log);
  if (auto* refused = std::get_if<Response>(&identified)) co_return std::move(*refused);
  const store::Viewer viewer{std::get<Caller>(identified).member};
  const json who = {{"id", viewer.member.id}, {"name", viewer.member.name}, {"role", to_string(viewer.member.role)}};
  log.fields["staff"] = viewer.member.id;

  const bool is_get = request.method() == http::verb::get || request.method() == http::verb::head;
  if (path == "me") {
    log.route = "/api/v1/me";
    if (!is_get) co_return method_not_allowed("GET");
    co_return json_response(200, who);
  }
  if (path == "cases") {
    log.route = "/api/v1/cases";
    if (!is_get) co_return method_not_allowed("GET");
    co_return co_await list_cases(request, viewer, log);
  }
  constexpr std::string_view kCases = "cases/";
  if (path.starts_with(kCases) && path.find('/', kCases.size()) != std::string_view::npos) {
    const std::string_view rest = path.substr(kCases.size());
    const std::string number(rest.substr(0, rest.find('/')));
    const std::string_view action = rest.substr(rest.find('/') + 1);
    if (plausible_case_number(number) && (action == "merge" || action == "compensation")) {
      log.route = "/api/v1/cases/{number}/" + std::string(action);
      if (request.method() != http::verb::post) co_return method_not_allowed("POST");
      co_return co_await case_action(request, number, action, viewer, log);
    }
  }
  if (path.starts_with(kCases) && path.find('/', kCases.size()) == std::string_view::npos) {
    log.route = "/api/v1/cases/{number}";
    const std::string number(path.substr(kCases.size()));
    if (!plausible_case_number(number)) co_return error_response(404, "not_found", "no case " + number);
    if (is_get) co_return co_await get_case(number, viewer, log);
    if (request.method() == http::verb::patch) co_return co_await patch_case(request, number, viewer, log);
    co_return method_not_allowed("GET, PATCH");
  }
  if (path == "reports/kpi") {
    log.route = "/api/v1/reports/kpi";
    if (!is_get) co_return method_not_allowed("GET");
    if (!at_least(viewer.member.role, StaffRole::supervisor))
      co_return error_response(403, "forbidden", "the KPIs are for supervisors, managers and admins");
    co_return co_await kpi_report(request, viewer, log);
  }
  if (path == "conversations") {
    log.route = "/api/v1/conversations";
    if (!is_get) co_return method_not_allowed("GET");
    co_return co_await list_conversations(request, viewer, log);
  }
  if (path == "rules" || path.starts_with("rules/")) co_return co_await rules_.handle(request, path, viewer, log);
  constexpr std::string_view kConversations = "conversations/";
  if (path.starts_with(kConversations)) co_return co_await conversation(request, path.substr(kConversations.size()), viewer, log);
  co_return error_response(404, "not_found", "no such route: " + std::string(target.substr(0, target.find('?'))));
}

asio::awaitable<Response> StaffApi::list_conversations(const Request& request, const store::Viewer& viewer,
                                                       RequestLog& log) {
  const std::string query = query_of(request);
  auto fields = channels::parse_form_urlencoded(query);
  if (!fields) co_return error_response(400, "invalid_query", "the query string has a malformed %-escape");
  store::ConversationFilter f;
  for (const auto& [name, value] : *fields) {
    if (name == "flagged" && (value == "true" || value == "false")) {
      f.flagged = value == "true";
    } else if (name == "handled_by" && (value == "bot" || value == "staff")) {
      f.handled_by = value;
    } else if (name == "limit" && parse_id(value) && *parse_id(value) <= kMaxListed) {
      f.limit = static_cast<int>(*parse_id(value));
    } else {
      co_return error_response(400, "invalid_query", name + "=" + value +
                                                         ": expected flagged=true|false, handled_by=bot|staff, limit=1…" +
                                                         std::to_string(kMaxListed));
    }
  }
  auto list = [viewer, f, query](store::Connection& conn) -> Result<json> {
    auto listed = store::list_conversations(conn, viewer, f);
    if (!listed) return listed.error();
    if (Status s = store::log_access(conn, viewer, "list_conversations", query.empty() ? "*" : query); !s)
      return s.error();
    return json{{"conversations", std::move(*listed)}};
  };
  co_return answer(co_await run(std::move(list)), log);
}

asio::awaitable<Response> StaffApi::conversation(Request& request, std::string_view rest, const store::Viewer& viewer,
                                                 RequestLog& log) {
  const std::string id(rest.substr(0, rest.find('/')));
  const std::string_view action = rest.find('/') == std::string_view::npos ? "" : rest.substr(rest.find('/') + 1);
  log.route = action.empty() ? "/api/v1/conversations/{id}" : "/api/v1/conversations/{id}/" + std::string(action);
  if (!is_uuid(id)) co_return error_response(404, "not_found", "no conversation " + id);
  log.fields["conversation"] = id;
  const bool is_get = request.method() == http::verb::get || request.method() == http::verb::head;
  const bool is_post = request.method() == http::verb::post;

  if (action.empty()) {
    if (!is_get) co_return method_not_allowed("GET");
    auto read = [viewer, id](store::Connection& conn) -> Result<json> {
      auto c = store::read_conversation(conn, viewer, id);
      if (!c) return c.error();
      if (Status s = store::log_access(conn, viewer, "read_conversation", id); !s) return s.error();
      return c;
    };
    Result<json> found = co_await run(std::move(read));
    if (found) mask_contact_unless_needed(*found, viewer);
    co_return answer(found, log);
  }
  if (action != "takeover" && action != "release" && action != "messages")
    co_return error_response(404, "not_found", "no such route: /api/v1/conversations/{id}/" + std::string(action));
  if (!is_post) co_return method_not_allowed("POST");
  if (action == "takeover") {
    auto take = [viewer, id](store::Connection& conn) { return store::take_over(conn, viewer, id); };
    Result<json> taken = co_await run(std::move(take));
    if (taken) log::info("conversation_taken_over", {{"request_id", log.request_id}, {"conversation", id},
                                                      {"staff", viewer.member.id}});
    co_return answer(taken, log);
  }
  if (action == "release") {
    auto give_back = [viewer, id](store::Connection& conn) { return store::release(conn, viewer, id); };
    Result<json> released = co_await run(std::move(give_back));
    if (released) log::info("conversation_released", {{"request_id", log.request_id}, {"conversation", id},
                                                       {"staff", viewer.member.id}});
    co_return answer(released, log);
  }
  // messages
  const json body = json::parse(request.body(), nullptr, false);
  if (!body.is_object()) co_return error_response(400, "invalid_json", "the body must be a JSON object");
  for (const auto& [key, value] : body.items())
    if (key != "text" && key != "id")
      co_return error_response(400, "invalid_field", "/" + key + ": unknown field (text, id)");
  if (!body.contains("text") || !body["text"].is_string() || body["text"].get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos ||
      body["text"].get<std::string>().size() > kMaxMessageBytes || body["text"].get<std::string>().find('\0') != std::string::npos)
    co_return error_response(400, "invalid_field", "/text: a text of 1 to " + std::to_string(kMaxMessageBytes) +
                                                       " bytes, not blank, without NUL characters");
  std::optional<std::string> client_id;
  if (body.contains("id")) {
    if (!body["id"].is_string() || body["id"].get<std::string>().empty() || body["id"].get<std::string>().size() > 64 ||
        body["id"].get<std::string>().find('\0') != std::string::npos)
      co_return error_response(400, "invalid_field", "/id: a text of 1 to 64 bytes that makes a retry safe");
    client_id = body["id"].get<std::string>();
  }
  auto send = [viewer, id, text = body["text"].get<std::string>(), client_id, mail = mail_,
               rules = clock_rules(engine_()), at = now()](store::Connection& conn) {
    return store::send_staff_message(conn, viewer, id, text, client_id, mail, rules, at);
  };
  Result<json> sent = co_await run(std::move(send));
  if (sent) {
    log::info("staff_message", {{"request_id", log.request_id}, {"conversation", id}, {"staff", viewer.member.id},
                                {"delivery", (*sent).value("delivery", "")}, {"duplicate", (*sent)["duplicate"]}});
    if (message_sent_ && (*sent)["delivery"] == "outbox" && !(*sent)["duplicate"].get<bool>()) message_sent_();
  }
  co_return answer(sent, log);
}

asio::awaitable<Response> StaffApi::list_cases(const Request& request, const store::Viewer& viewer, RequestLog& log) {
  const std::string query = query_of(request);
  auto filter = case_filter(query);
  if (auto* r = std::get_if<Refusal>(&filter)) co_return refuse(*r);
  auto list = [viewer, f = std::get<store::CaseFilter>(filter), query](store::Connection& conn) -> Result<json> {
    auto cases = store::list_cases(conn, viewer, f);
    if (!cases) return cases.error();
    if (Status s = store::log_access(conn, viewer, "list_cases", query.empty() ? "*" : query); !s) return s.error();
    return json{{"cases", std::move(*cases)}};
  };
  Result<json> listed = co_await run(std::move(list));
  if (!listed) co_return store_failure(listed.error(), log);
  const auto fields = channels::parse_form_urlencoded(query);
  if (fields && channels::form_value(*fields, "format") == std::optional<std::string>("csv")) {
    Response res{http::status::ok, 11};
    res.set(http::field::content_type, "text/csv; charset=utf-8");
    res.set(http::field::content_disposition, "attachment; filename=\"cases.csv\"");
    res.body() = "\xEF\xBB\xBF" + cases_csv((*listed)["cases"]);  // the BOM makes Excel read UTF-8
    co_return res;
  }
  co_return json_response(200, *listed);
}

asio::awaitable<Response> StaffApi::case_action(const Request& request, const std::string& number,
                                                std::string_view action, const store::Viewer& viewer, RequestLog& log) {
  const json body = json::parse(request.body(), nullptr, false);
  if (!body.is_object()) co_return error_response(400, "invalid_json", "the body must be a JSON object");
  log.fields["case"] = number;
  if (action == "merge") {
    if (!at_least(viewer.member.role, StaffRole::supervisor))
      co_return error_response(403, "forbidden", "merging cases is for supervisors, managers and admins");
    for (const auto& [key, value] : body.items())
      if (key != "into") co_return error_response(400, "invalid_field", "/" + key + ": unknown field (into)");
    if (!body.contains("into") || !body["into"].is_string() || !plausible_case_number(body["into"].get<std::string>()))
      co_return error_response(400, "invalid_field", "/into: the number of the case this one duplicates");
    auto merge = [viewer, number, into = body["into"].get<std::string>()](store::Connection& conn) {
      return store::merge_cases(conn, viewer, number, into);
    };
    Result<json> merged = co_await run(std::move(merge));
    if (merged) log::info("cases_merged", {{"request_id", log.request_id}, {"case", number}, {"into", (*merged)["number"]},
                                           {"staff", viewer.member.id}});
    co_return answer(merged, log);
  }
  store::CompensationRecord record;
  for (const auto& [key, value] : body.items()) {
    if (key == "step") {
      auto step = value.is_string() ? parse_compensation_step(value.get<std::string>()) : std::nullopt;
      if (!step) co_return error_response(400, "invalid_field", "/step: applied, reviewed, confirmed, paid or rejected");
      record.step = *step;
    } else if (key == "amount") {
      if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 1e9)
        co_return error_response(400, "invalid_field", "/amount: a number of yuan, 0 or more");
      record.amount = value.get<double>();
    } else if (key == "note") {
      if (!value.is_string() || value.get<std::string>().size() > kMaxNoteBytes ||
          value.get<std::string>().find('\0') != std::string::npos)
        co_return error_response(400, "invalid_field", "/note: a text of at most " + std::to_string(kMaxNoteBytes) + " bytes");
      record.note = value.get<std::string>();
    } else {
      co_return error_response(400, "invalid_field", "/" + key + ": unknown field (step, amount, note)");
    }
  }
  if (!body.contains("step")) co_return error_response(400, "invalid_field", "/step: required");
  // Paying or refusing money is not an agent's decision.
  if ((record.step == CompensationStep::paid || record.step == CompensationStep::rejected) &&
      !at_least(viewer.member.role, StaffRole::supervisor))
    co_return error_response(403, "forbidden", "paying or rejecting a compensation needs a supervisor or above");
  auto step = [viewer, number, record](store::Connection& conn) {
    return store::record_compensation(conn, viewer, number, record);
  };
  co_return answer(co_await run(std::move(step)), log);
}

asio::awaitable<Response> StaffApi::get_case(const std::string& number, const store::Viewer& viewer, RequestLog& log) {
  auto read = [viewer, number](store::Connection& conn) -> Result<json> {
    auto c = store::read_case(conn, viewer, number);
    if (!c) return c.error();
    if (Status s = store::log_access(conn, viewer, "read_case", number); !s) return s.error();
    return c;
  };
  Result<json> found = co_await run(std::move(read));
  if (!found) co_return store_failure(found.error(), log);
  log.fields["case"] = number;
  if ((*found)["merged_into"].is_string()) {
    // A merged case lives on in the one it duplicated: its number redirects there.
    const std::string into = (*found)["merged_into"];
    Response res = error_response(308, "merged", "case " + number + " was merged into " + into);
    res.set(http::field::location, std::string(kPrefix) + "cases/" + into);
    co_return res;
  }
  mask_contact_unless_needed(*found, viewer);
  co_return json_response(200, *found);
}

asio::awaitable<Response> StaffApi::patch_case(const Request& request, const std::string& number,
                                               const store::Viewer& viewer, RequestLog& log) {
  auto patch = case_patch(request.body());
  if (auto* r = std::get_if<Refusal>(&patch)) co_return refuse(*r);
  // The policy in force now: a reload between two requests applies to the next one.
  std::shared_ptr<const dialog::Engine> engine = engine_();
  const store::ClockRules rules = clock_rules(engine);
  auto update = [viewer, number, p = std::get<store::CasePatch>(patch), rules, at = now(), engine,
                 mail = mail_](store::Connection& conn) -> Result<json> {
    auto updated = store::update_case(conn, viewer, number, p, at, rules);
    if (!updated) return updated.error();
    if (updated->moved_to == CaseStatus::resolved) {
      // The 回访: the customer is asked for a rating, in their own script, and the dialog
      // waits for it. The case stays resolved if this fails; it is logged.
      const json& view = updated->view;
      const CaseSnapshot resolved{number, parse_category(view["category"].get<std::string>()).value_or(Category::other),
                                  parse_severity(view["severity"].get<std::string>()).value_or(Severity::normal),
                                  "resolved", std::nullopt};
      auto compose = [&engine, &resolved](const json& dialog) {
        const DialogMemory memory = dialog_memory_from_json(dialog);
        return std::pair{engine->satisfaction_request(resolved, memory.script),
                         to_json(dialog::Engine::awaiting_rating(memory, resolved.number))};
      };
      auto asked = store::send_satisfaction_request(conn, number, compose, mail);
      if (!asked) log::warn("satisfaction_request_failed", {{"case", number}, {"error", asked.error().message}});
    }
    return std::move(updated->view);
  };
  Result<json> updated = co_await run(std::move(update));
  if (!updated) co_return store_failure(updated.error(), log);
  mask_contact_unless_needed(*updated, viewer);
  log.fields["case"] = number;
  log::info("case_changed", {{"request_id", log.request_id}, {"case", number}, {"staff", viewer.member.id},
                             {"status", (*updated)["status"]}});
  co_return json_response(200, *updated);
}

}  // namespace intake::gateway
