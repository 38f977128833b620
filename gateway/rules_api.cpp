#include "gateway/rules_api.hpp"

#include <charconv>

#include "gateway/api_answers.hpp"
#include "gateway/clock.hpp"
#include "gateway/decision_explanation.hpp"
#include "gateway/labelled_corpus.hpp"
#include "intake/dialog/evaluation.hpp"
#include "gateway/log.hpp"
#include "intake/dialog/rule_pack.hpp"
#include "intake/store/rule_versions.hpp"

namespace intake::gateway {
namespace {

using nlohmann::json;
namespace http = boost::beast::http;

constexpr std::size_t kMaxDryRunText = 64 * 1024;
constexpr std::size_t kMaxNoteBytes = 1000;
constexpr int kDefaultRegressDays = 7;
constexpr int kMaxRegressDays = 90;
constexpr int kMaxRecentMessages = 2000;  // the newest, when the days hold more

Response answer(const Result<json>& result, unsigned status, RequestLog& log) {
  if (!result) return store_failure(result.error(), log);
  return json_response(status, *result);
}

}  // namespace

boost::asio::awaitable<Response> RulesApi::handle(Request& request, std::string_view path, const store::Viewer& viewer,
                                                  RequestLog& log) {
  const bool is_get = request.method() == http::verb::get || request.method() == http::verb::head;
  const bool is_post = request.method() == http::verb::post;
  log.route = "/api/v1/rules";
  if (!at_least(viewer.member.role, StaffRole::manager))
    co_return error_response(403, "forbidden", "the rules are for managers and admins");

  if (path == "rules") {
    if (is_get) {
      // Jobs are named, not temporaries inside co_await (GCC 12; see web_chat_service.cpp).
      auto list = [](store::Connection& conn) { return store::list_rule_versions(conn); };
      Result<json> listed = co_await database_.run(std::move(list));
      co_return answer(listed, 200, log);
    }
    if (is_post) co_return co_await add(request, viewer, log);
    co_return method_not_allowed("GET, POST");
  }
  if (path == "rules/dry-run") {
    log.route = "/api/v1/rules/dry-run";
    if (!is_post) co_return method_not_allowed("POST");
    co_return co_await dry_run(request, log);
  }
  const std::string_view rest = path.substr(std::string_view("rules/").size());
  const std::string_view id_text = rest.substr(0, rest.find('/'));
  const std::string_view action = rest.find('/') == std::string_view::npos ? "" : rest.substr(rest.find('/') + 1);
  const auto id = parse_id(id_text);
  if (!id || (!action.empty() && action != "activate" && action != "regress"))
    co_return error_response(404, "not_found", "no such route: /api/v1/" + std::string(path));
  log.fields["rule_version"] = *id;
  if (action.empty()) {
    log.route = "/api/v1/rules/{id}";
    if (!is_get) co_return method_not_allowed("GET");
    auto read = [id = *id](store::Connection& conn) { return store::read_rule_version(conn, id); };
    Result<json> found = co_await database_.run(std::move(read));
    co_return answer(found, 200, log);
  }
  log.route = "/api/v1/rules/{id}/" + std::string(action);
  if (!is_post) co_return method_not_allowed("POST");
  if (action == "regress") co_return co_await regress(request, *id, viewer, log);
  auto activate = [id = *id, who = viewer.member.id](store::Connection& conn) {
    return store::activate_rule_version(conn, id, who);
  };
  Result<json> activated = co_await database_.run(std::move(activate));
  if (activated)
    log::info("rule_version_activated", {{"request_id", log.request_id}, {"version", *id}, {"staff", viewer.member.id}});
  co_return answer(activated, 200, log);
}

boost::asio::awaitable<Response> RulesApi::add(const Request& request, const store::Viewer& viewer, RequestLog& log) {
  const json body = json::parse(request.body(), nullptr, false);
  if (!body.is_object()) co_return error_response(400, "invalid_json", "the body must be a JSON object");
  for (const auto& [key, value] : body.items())
    if (key != "pack" && key != "note") co_return error_response(400, "invalid_field", "/" + key + ": unknown field (pack, note)");
  if (!body.contains("pack") || !(body["pack"].is_string() || body["pack"].is_object()))
    co_return error_response(400, "invalid_field", "/pack: the rule pack, as a JSON object or as its text");
  // The text is kept as written, comments and all, so the editor shows it back unchanged.
  std::string text = body["pack"].is_string() ? body["pack"].get<std::string>() : body["pack"].dump(2);
  std::optional<std::string> note;
  if (body.contains("note")) {
    if (!body["note"].is_string() || body["note"].get<std::string>().size() > kMaxNoteBytes)
      co_return error_response(400, "invalid_field", "/note: a text of at most " + std::to_string(kMaxNoteBytes) + " bytes");
    note = body["note"].get<std::string>();
  }
  auto pack = dialog::RulePack::parse(text, "pack");
  if (!pack) {
    log.fields["error"] = "invalid_rules";
    co_return error_response(400, "invalid_rules", pack.error().message);
  }
  auto add = [text = std::move(text), label = (*pack)->version(), note, who = viewer.member.id](store::Connection& conn) {
    return store::add_rule_version(conn, text, label, note, who);
  };
  Result<json> added = co_await database_.run(std::move(add));
  if (added)
    log::info("rule_version_added", {{"request_id", log.request_id}, {"version", (*added)["id"]}, {"staff", viewer.member.id}});
  co_return answer(added, 201, log);
}

boost::asio::awaitable<Response> RulesApi::regress(const Request& request, std::int64_t id, const store::Viewer& viewer,
                                                   RequestLog& log) {
  const json body = request.body().empty() ? json::object() : json::parse(request.body(), nullptr, false);
  if (!body.is_object()) co_return error_response(400, "invalid_json", "the body must be a JSON object");
  for (const auto& [key, value] : body.items())
    if (key != "days") co_return error_response(400, "invalid_field", "/" + key + ": unknown field (days)");
  int days = kDefaultRegressDays;
  if (body.contains("days")) {
    if (!body["days"].is_number_integer() || body["days"].get<long long>() < 1 || body["days"].get<long long>() > kMaxRegressDays)
      co_return error_response(400, "invalid_field", "/days: 1 to " + std::to_string(kMaxRegressDays));
    days = body["days"].get<int>();
  }
  // Classifying a few thousand messages twice takes a moment: it runs on the database
  // worker's thread, never on the threads that answer requests.
  auto judge = [id, days, viewer, corpus = corpus_, converter = engine_()->shared_converter()](store::Connection& conn)
      -> Result<json> {
    auto candidate_row = store::rule_version(conn, id);
    if (!candidate_row) return candidate_row.error();
    if (!*candidate_row) return make_error(std::string(store::case_errc::not_found), "no rule version " + std::to_string(id));
    auto candidate = dialog::RulePack::parse((*candidate_row)->pack, "rule version " + std::to_string(id));
    if (!candidate) return candidate.error();
    auto active_row = store::active_rule_version(conn);
    if (!active_row) return active_row.error();
    std::shared_ptr<const dialog::RulePack> baseline;
    json out = {{"version", id}, {"baseline", nullptr}};
    if (*active_row) {
      auto parsed = dialog::RulePack::parse((*active_row)->pack, "rule version " + std::to_string((*active_row)->id));
      if (!parsed) return parsed.error();
      baseline = std::move(*parsed);
      out["baseline"] = (*active_row)->id;
    }
    auto labelled = read_labelled_corpus(corpus);
    if (labelled) {
      out["corpus"] = dialog::compare_packs(**candidate, baseline.get(), *labelled, converter.get()).to_json();
      out["corpus"]["file"] = corpus.filename().string();
    } else {
      out["corpus"] = {{"error", labelled.error().message}};
    }
    auto recent = store::recent_case_messages(conn, days, kMaxRecentMessages);
    if (!recent) return recent.error();
    // The customers' words of many cases are read: recorded like any other read.
    if (Status s = store::log_access(conn, viewer, "rules_regress", "last " + std::to_string(days) + " days"); !s)
      return s.error();
    std::vector<dialog::LabelledMessage> messages;
    for (const store::RecentMessage& m : *recent) {
      const auto category = parse_category(m.category).value_or(Category::other);
      messages.push_back({"message:" + std::to_string(m.id), m.text, category, {category},
                          parse_severity(m.severity).value_or(Severity::normal), {}, m.channel});
    }
    out["recent"] = dialog::compare_packs(**candidate, baseline.get(), messages, converter.get()).to_json();
    out["recent"]["days"] = days;
    return out;
  };
  Result<json> judged = co_await database_.run(std::move(judge));
  if (!judged && judged.error().code == "invalid_rule_pack") co_return error_response(409, "invalid_rules", judged.error().message);
  co_return answer(judged, 200, log);
}

boost::asio::awaitable<Response> RulesApi::dry_run(const Request& request, RequestLog& log) {
  const json body = json::parse(request.body(), nullptr, false);
  if (!body.is_object()) co_return error_response(400, "invalid_json", "the body must be a JSON object");
  for (const auto& [key, value] : body.items())
    if (key != "text" && key != "version" && key != "channel")
      co_return error_response(400, "invalid_field", "/" + key + ": unknown field (text, version, channel)");
  if (!body.contains("text") || !body["text"].is_string() || body["text"].get<std::string>().empty() ||
      body["text"].get<std::string>().size() > kMaxDryRunText)
    co_return error_response(400, "invalid_field", "/text: a text of 1 to " + std::to_string(kMaxDryRunText) + " bytes");
  std::string channel = "chat";
  if (body.contains("channel")) {
    if (!body["channel"].is_string() ||
        (body["channel"] != "chat" && body["channel"] != "hotline" && body["channel"] != "email"))
      co_return error_response(400, "invalid_field", "/channel: chat, hotline or email");
    channel = body["channel"].get<std::string>();
  }
  std::shared_ptr<const dialog::Engine> engine = engine_();
  if (body.contains("version")) {
    if (!body["version"].is_number_integer() || body["version"].get<std::int64_t>() <= 0)
      co_return error_response(400, "invalid_field", "/version: a rule version's id");
    const std::int64_t id = body["version"].get<std::int64_t>();
    std::function<Result<std::optional<store::RuleVersion>>(store::Connection&)> read =
        [id](store::Connection& conn) { return store::rule_version(conn, id); };
    auto stored = co_await database_.run<std::optional<store::RuleVersion>>(std::move(read));
    if (!stored) co_return store_failure(stored.error(), log);
    if (!*stored) co_return error_response(404, "not_found", "no rule version " + std::to_string(id));
    auto pack = dialog::RulePack::parse((*stored)->pack, "rule version " + std::to_string(id));
    if (!pack) co_return error_response(409, "invalid_rules", pack.error().message);
    engine = std::make_shared<const dialog::Engine>(std::move(*pack), engine->shared_sla(), engine->shared_converter());
  }
  json out = explain_decision(*engine, body["text"].get<std::string>(), channel, now());
  out["version"] = {{"label", engine->rules().version()}};
  co_return json_response(200, out);
}

}  // namespace intake::gateway
