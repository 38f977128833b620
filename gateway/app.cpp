#include "gateway/app.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <random>

#include "gateway/clock.hpp"
#include "gateway/console_service.hpp"
#include "gateway/log.hpp"
#include "gateway/resume_on_caller.hpp"
#include "gateway/web_assets.hpp"
#include "intake/channels/cti.hpp"
#include "intake/channels/email_raw.hpp"
#include "intake/channels/generic_chat.hpp"
#include "intake/channels/mailgun.hpp"
#include "intake/channels/telegram.hpp"
#include "intake/channels/twilio_sms.hpp"
#include "intake/channels/twilio_voice.hpp"
#include "intake/channels/web_chat.hpp"
#include "intake/channels/wecom.hpp"
#include "intake/dialog/reply_guard.hpp"
#include "intake/mail_ids.hpp"
#include "intake/store/agent_notes.hpp"
#include "intake/store/case_records.hpp"
#include "intake/store/pg.hpp"

namespace intake::gateway {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

constexpr int kRetryAfterSeconds = 5;

std::string new_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

// What an adapter sees of a request: the request itself must outlive the view.
HttpRequestView view_of(Request& request) {
  return HttpRequestView{request.method_string(), request.target(), request.body(),
                         [&request](std::string_view name) -> std::optional<std::string_view> {
                           auto it = request.find(name);
                           if (it == request.end()) return std::nullopt;
                           return it->value();
                         }};
}

Response ok_response(const channels::RenderedReply& rendered) {
  Response res{http::status::ok, 11};
  res.set(http::field::content_type, rendered.content_type);
  res.body() = rendered.body;
  return res;
}

bool has_nul_character(const Inbound& m) {
  auto nul = [](std::string_view s) { return s.find('\0') != std::string_view::npos; };
  if (nul(m.text) || nul(m.external_id) || nul(m.sender.id) || nul(m.sender.name) || nul(m.subject) ||
      nul(m.reply_reference))
    return true;
  if (m.agent_note && (nul(m.agent_note->id) || nul(m.agent_note->name))) return true;
  return (m.sender.phone && nul(*m.sender.phone)) || (m.sender.email && nul(*m.sender.email));
}

unsigned status_for(std::string_view code) {
  if (code == channels::errc::unauthorized) return 401;
  if (code == channels::errc::unsupported_media_type) return 415;
  return 400;
}

}  // namespace

App::App(const Config& config, std::shared_ptr<const dialog::Engine> engine, store::IngestStore& store, Metrics& metrics)
    : config_(config), engine_(std::move(engine)), store_(store), metrics_(metrics) {
  auto add = [this](const Config::Channel& settings, std::unique_ptr<channels::Adapter> adapter) {
    if (settings.enabled) adapters_.emplace(std::string(adapter->route()), std::move(adapter));
  };
  const auto& c = config;
  add(c.generic_chat, std::make_unique<channels::GenericChat>(channels::GenericChat::Options{
                          c.generic_chat.secret, c.generic_chat.allow_unsigned, kChinaStandardTime}));
  add(c.telegram,
      std::make_unique<channels::Telegram>(channels::Telegram::Options{c.telegram.secret, c.telegram.allow_unsigned}));
  add(c.twilio_sms, std::make_unique<channels::TwilioSms>(
                        channels::TwilioOptions{c.twilio_sms.secret, c.twilio_sms.allow_unsigned, c.public_base_url}));
  add(c.twilio_voice, std::make_unique<channels::TwilioVoice>(
                          channels::TwilioOptions{c.twilio_voice.secret, c.twilio_voice.allow_unsigned, c.public_base_url}));
  add(c.cti, std::make_unique<channels::Cti>(channels::Cti::Options{c.cti.secret, c.cti.allow_unsigned, kChinaStandardTime}));
  add(c.wecom, std::make_unique<channels::WeCom>(channels::WeCom::Options{c.wecom.secret, c.wecom.encoding_aes_key, c.wecom.corp_id}));
  add(c.email_raw, std::make_unique<channels::EmailRaw>(channels::EmailRaw::Options{
                       c.email_raw.secret, c.email_raw.allow_unsigned, {c.mail.address, c.mail.domain(), kChinaStandardTime}}));
  add(c.mailgun, std::make_unique<channels::Mailgun>(channels::Mailgun::Options{
                     c.mailgun.secret, c.mailgun.allow_unsigned, {c.mail.address, c.mail.domain(), kChinaStandardTime}}));
}

asio::awaitable<Response> App::handle(Request& request, RequestLog& log) {
  if (auto id = request["X-Request-Id"]; !id.empty() && id.size() <= 64)
    log.request_id = std::string(id);
  else
    log.request_id = new_request_id();

  std::string_view target = request.target();
  target = target.substr(0, target.find('?'));
  const bool is_get = request.method() == http::verb::get || request.method() == http::verb::head;

  if (target == "/healthz" || target == "/readyz" || target == "/metrics") {
    log.route = std::string(target);
    if (!is_get) co_return error_response(405, "method_not_allowed", "use GET");
    if (target == "/healthz") co_return json_response(200, {{"status", "ok"}});
    if (target == "/readyz") co_return ready();
    Response res{http::status::ok, 11};
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = metrics_.render();
    co_return res;
  }

  // The pages and their assets; the web chat's only while it is enabled (the console's
  // always: it needs the staff API's sign-in anyway).
  const bool chat_page = target == "/chat" || target == "/assets/chat.js" || target == "/assets/chat.css";
  if (config_.web_chat.enabled || !chat_page) {
    if (auto page = web_asset(target, request)) {
      log.route = target.starts_with("/assets/") ? "/assets/*" : std::string(target);
      co_return std::move(*page);
    }
  }
  if (config_.web_chat.enabled) {
    if (target == channels::web_chat::kSocketPath) {  // an upgrade request never reaches here (Server)
      log.route = std::string(target);
      Response res = error_response(426, "upgrade_required", "this is the web chat's WebSocket: connect with ws(s)://");
      res.set(http::field::upgrade, "websocket");
      co_return res;
    }
  }

  if (target == ConsoleService::kSocketPath) {  // an upgrade request never reaches here (Server)
    log.route = std::string(target);
    Response res = error_response(426, "upgrade_required", "this is the console's WebSocket: connect with wss://");
    res.set(http::field::upgrade, "websocket");
    co_return res;
  }
  if (staff_api_ && target.starts_with(StaffApi::kPrefix)) co_return co_await staff_api_->handle(request, log);

  constexpr std::string_view kWebhooks = "/webhooks/";
  if (target.starts_with(kWebhooks)) {
    auto it = adapters_.find(target.substr(kWebhooks.size()));
    if (it != adapters_.end()) {
      log.route = std::string(target);
      if (request.method() == http::verb::get) {
        if (auto answer = it->second->answer_get(view_of(request))) {
          if (!*answer) co_return error_response(status_for(answer->error().code), answer->error().code, answer->error().message);
          co_return ok_response(**answer);
        }
      }
      if (request.method() != http::verb::post) {
        Response res = error_response(405, "method_not_allowed", "webhooks take POST");
        res.set(http::field::allow, "POST");
        co_return res;
      }
      co_return co_await webhook(*it->second, request, log);
    }
  }
  co_return error_response(404, "not_found", "no such route: " + std::string(target));
}

asio::awaitable<Response> App::webhook(const channels::Adapter& adapter, Request& request, RequestLog& log) {
  const Timestamp received = now();
  Result<Inbound> accepted = adapter.accept(view_of(request), received);
  if (!accepted && accepted.error().code == channels::errc::not_a_message) {
    // Genuine but nothing to file: a 2xx, or the provider redelivers it for days.
    log.fields["ignored"] = accepted.error().message;
    co_return ok_response(adapter.render_not_a_message(accepted.error().message));
  }
  if (!accepted) {
    log.fields["error"] = accepted.error().code;
    co_return error_response(status_for(accepted.error().code), accepted.error().code, accepted.error().message);
  }
  if (accepted->agent_note) co_return co_await agent_note(adapter, std::move(*accepted), log);
  const Inbound answer_to = *accepted;  // render() answers the delivery as accept() read it
  Result<store::IngestOutcome> outcome = co_await file(std::move(*accepted), log);
  if (!outcome) {
    const Error& e = outcome.error();
    if (e.code == channels::errc::invalid_field) co_return error_response(400, e.code, e.message);
    if (e.code == store::db_errc::unavailable) {
      Response res = error_response(503, "unavailable", "the case database is unreachable; retry later");
      res.set(http::field::retry_after, std::to_string(kRetryAfterSeconds));
      co_return res;
    }
    co_return error_response(500, "internal", "the message could not be recorded; retry later");
  }
  co_return ok_response(adapter.render(answer_to, outcome->ack));
}

asio::awaitable<Response> App::agent_note(const channels::Adapter& adapter, Inbound note, RequestLog& log) {
  log.fields["channel"] = note.channel + "/" + note.provider;
  log.fields["agent_note"] = true;
  if (has_nul_character(note))
    co_return error_response(400, std::string(channels::errc::invalid_field), "the note contains a NUL character (U+0000)");
  if (!database_) co_return error_response(503, "unavailable", "notes are not recorded by this instance; retry later");
  std::function<Result<Acknowledgement>(store::Connection&)> record = [&note](store::Connection& conn) {
    return store::record_agent_note(conn, note);
  };
  Result<Acknowledgement> ack = co_await database_->run<Acknowledgement>(std::move(record));
  if (!ack) {
    const Error& e = ack.error();
    log.fields["error"] = e.code;
    if (e.code == store::case_errc::not_found) co_return error_response(404, "no_case", e.message);
    if (e.code == store::db_errc::unavailable) {
      Response res = error_response(503, "unavailable", "the case database is unreachable; retry later");
      res.set(http::field::retry_after, std::to_string(kRetryAfterSeconds));
      co_return res;
    }
    log::error("agent_note_failed", {{"request_id", log.request_id}, {"error", e.message}});
    co_return error_response(500, "internal", "the note could not be recorded; retry later");
  }
  log.fields["case"] = ack->case_view->number;
  log.fields["duplicate"] = ack->duplicate;
  co_return ok_response(adapter.render(note, *ack));
}

asio::awaitable<Result<store::IngestOutcome>> App::file(Inbound message, RequestLog& log) {
  if (has_nul_character(message)) {
    // Valid JSON may spell U+0000, but no database text column can hold it.
    log.fields["error"] = std::string(channels::errc::invalid_field);
    co_return make_error(std::string(channels::errc::invalid_field), "the message contains a NUL character (U+0000)");
  }
  log.fields["channel"] = message.channel + "/" + message.provider;
  if (message.sender.phone) log.fields["sender_phone"] = log::mask_phone(*message.sender.phone);

  // The engine is taken once, so classification and decision use the same rule pack.
  std::shared_ptr<const dialog::Engine> engine = engine_.load();
  Classification classification = engine->classify(message.text, message.channel);
  store::IngestContext context = ingest_context(*engine, message, classification);
  auto decide = [engine, classification = std::move(classification), guard = reply_guard_for(message)](
                    const ConversationState& state, const Inbound& m) {
    Decision d = engine->decide(state, m, classification);
    if (guard && d.reply_text) {
      if (auto why = dialog::reply_suppression(m, state.recent_bot_replies, *guard)) {
        d.reply_text.reset();
        d.reply_suppressed = std::move(why);
      }
    }
    return d;
  };
  const bool may_queue_outbox = context.outbox.has_value();
  // Named, not a temporary inside co_await (see web_chat_service.cpp).
  auto record = [&store = store_, message = std::move(message), context = std::move(context),
                 decide = std::move(decide)](store::IngestDone done) mutable {
    store.ingest(std::move(message), std::move(context), std::move(decide), std::move(done));
  };
  Result<store::IngestOutcome> outcome =
      co_await resume_on_caller<Result<store::IngestOutcome>>(std::move(record), asio::use_awaitable);
  if (!outcome) {
    const Error& e = outcome.error();
    log.fields["error"] = e.code;
    if (e.code == store::db_errc::unavailable)
      log::warn("store_unavailable", {{"request_id", log.request_id}, {"error", e.message}});
    else
      log::error("store_failed", {{"request_id", log.request_id}, {"error", e.message}});
    co_return outcome;
  }
  const Acknowledgement& ack = outcome->ack;
  if (outcome->case_opened) metrics_.case_opened();
  if (ack.case_view) {
    log.fields["case"] = ack.case_view->number;
    log::info(ack.duplicate ? "duplicate_delivery" : outcome->case_opened ? "case_opened" : "case_updated",
              {{"request_id", log.request_id},
               {"case", ack.case_view->number},
               {"category", ack.case_view->category},
               {"severity", ack.case_view->severity}});
  }
  log.fields["duplicate"] = ack.duplicate;
  if (ack.suppressed_reason) log.fields["reply_suppressed"] = *ack.suppressed_reason;
  if (may_queue_outbox && !ack.duplicate && ack.reply_text && outbox_queued_) outbox_queued_();
  co_return outcome;
}

// E-mail threads by the case number in the subject, then by the Message-IDs it answers;
// its reply leaves through the outbox. Other channels thread by a case number in the text.
store::IngestContext App::ingest_context(const dialog::Engine& engine, const Inbound& message,
                                         const Classification& classification) const {
  store::IngestContext context;
  context.mentioned_case = dialog::case_number_named(classification);
  if (message.channel != "email") return context;
  if (!message.subject.empty())
    if (auto in_subject = dialog::case_number_named(engine.classify(message.subject, message.channel)))
      context.mentioned_case = std::move(in_subject);
  context.count_recent_replies = true;
  if (message.sender.email) {
    store::OutboxRequest out;
    out.reply_reference = reply_message_id(message, config_.mail.domain());
    out.recipient = {{"email", *message.sender.email}, {"name", message.sender.name}};
    std::vector<std::string> references;  // the thread so far, oldest first, then the message answered
    for (auto it = message.thread_references.rbegin(); it != message.thread_references.rend(); ++it)
      references.push_back(*it);
    if (!message.reply_reference.empty()) references.push_back(message.reply_reference);
    out.payload = {{"kind", "email_reply"},
                   {"from", config_.mail.address},
                   {"subject", message.subject},
                   {"message_id", out.reply_reference},
                   {"in_reply_to", message.reply_reference.empty() ? nlohmann::json(nullptr) : nlohmann::json(message.reply_reference)},
                   {"references", references}};
    context.outbox = std::move(out);
  }
  return context;
}

std::optional<dialog::ReplyGuardPolicy> App::reply_guard_for(const Inbound& message) const {
  if (message.channel != "email") return std::nullopt;
  return dialog::ReplyGuardPolicy{config_.mail.address, config_.mail.domain(), config_.mail.auto_replies_per_hour};
}

void App::use_database_workers(std::vector<store::DatabaseWorker*> workers) {
  database_ = std::make_unique<DatabaseJobs>(std::move(workers));
  const StaffApi::Options options{
      store::MailSettings{config_.mail.address, config_.mail.domain()}, config_.corpus,
      store::SessionLimits{std::chrono::minutes(config_.console.idle_minutes), std::chrono::hours(config_.console.session_hours)}};
  staff_api_ = std::make_unique<StaffApi>(*database_, [this] { return engine_.load(); }, options, [this] {
    if (outbox_queued_) outbox_queued_();
  });
}

void App::use_rules(std::shared_ptr<const dialog::RulePack> rules, std::int64_t version_id) {
  std::lock_guard lock(engine_change_);
  const auto current = engine_.load();
  engine_.store(std::make_shared<const dialog::Engine>(std::move(rules), current->shared_sla(), current->shared_converter()));
  rule_version_id_.store(version_id);
}

void App::use_sla(std::shared_ptr<const dialog::SlaPolicy> sla) {
  std::lock_guard lock(engine_change_);
  const auto current = engine_.load();
  engine_.store(std::make_shared<const dialog::Engine>(current->shared_rules(), std::move(sla), current->shared_converter()));
}

std::optional<std::string> App::calendar_warning(Timestamp at) const {
  auto engine = engine_.load();
  if (!engine) return std::nullopt;
  const dialog::BusinessCalendar& calendar = engine->sla().calendar();
  const auto gap = calendar.first_uncovered_day(calendar.local_day(at), kCalendarLookaheadDays);
  if (!gap) return std::nullopt;
  return "no business calendar file covers " + format_iso_date(*gap) + ", within the next " +
         std::to_string(kCalendarLookaheadDays) + " days: working hours there are counted without holidays; add " +
         "the year's file to " + config_.calendar.string() + " and send SIGHUP";
}

Response App::ready() const {
  const bool db = store_.available();
  auto engine = engine_.load();
  const auto calendar = calendar_warning(now());
  nlohmann::json checks = {{"database", db ? "ok" : "unreachable"},
                           {"rules", engine ? engine->rules().version() : "not loaded"},
                           {"rule_version", rule_version_id_.load()},
                           {"calendar", calendar ? "warning" : "ok"}};
  // A short calendar is a warning, not a failure: the gateway still answers correctly
  // on ordinary days, and taking it out of a load balancer would help no customer.
  if (db && engine && calendar)
    return json_response(200, {{"status", "ready"}, {"checks", checks}, {"warnings", {*calendar}}});
  if (db && engine) return json_response(200, {{"status", "ready"}, {"checks", checks}});
  return json_response(503, {{"status", "not_ready"},
                             {"checks", checks},
                             {"error", {{"code", "not_ready"}, {"message", "a dependency is not ready; see checks"}}}});
}

}  // namespace intake::gateway
