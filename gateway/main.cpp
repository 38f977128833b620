// intake-gateway: the HTTPS webhook server. See README.md and `intake-gateway --help`.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ip/host_name.hpp>
#include <boost/asio/steady_timer.hpp>
#include <unistd.h>
#include <csignal>
#include <cstdio>
#include <functional>
#include <thread>

#include "gateway/app.hpp"
#include "gateway/bootstrap.hpp"
#include "gateway/clock.hpp"
#include "gateway/log.hpp"
#include "gateway/opencc_converter.hpp"
#include "gateway/console_service.hpp"
#include "gateway/outbox_worker.hpp"
#include "gateway/rules_in_force.hpp"
#include "gateway/server.hpp"
#include "gateway/sla_timer_worker.hpp"
#include "gateway/tls.hpp"
#include "gateway/web_chat_service.hpp"
#include "intake/channels/web_chat.hpp"
#include "intake/store/database_worker.hpp"
#include "intake/store/history_reader.hpp"
#include "intake/store/notification_listener.hpp"
#include "intake/store/migrations.hpp"

namespace {

using namespace intake;
using namespace intake::gateway;

constexpr const char* kUsage = R"(usage: intake-gateway [flags]

Receives customer messages as webhooks over HTTPS, classifies them, files or updates a
case in PostgreSQL and answers with an acknowledgement.

flags:
  --config PATH     the configuration file (default config/gateway.json)
  --data-dir DIR    embedded database, generated certificate (default: the file's
                    data_dir, else var/)
  --database URL    an external PostgreSQL (libpq URL or conninfo) instead of the
                    embedded one
  --listen HOST:PORT  where to listen (default: the file's listen, 127.0.0.1:8443);
                    port 0 picks a free port
  --help            this text

environment:
  INTAKE_CHAT_GENERIC_SECRET   HMAC key of the generic chat webhook
  INTAKE_CHAT_WEB_SECRET       key of the web chat's customer tokens (default: one
                               generated in DATA_DIR/secrets/web_chat.key)
  INTAKE_PG_BINDIR             PostgreSQL server binaries for the embedded database

When ready it prints one line: listening on https://HOST:PORT
SIGTERM or SIGINT stop it gracefully; it exits 0 after requests in flight are answered.
)";

constexpr auto kDrainDeadline = std::chrono::seconds(20);

int fail(const std::string& step, const Error& e, int code = 1) {
  log::error("startup_failed", {{"step", step}, {"error", e.message}});
  std::fprintf(stderr, "intake-gateway: %s: %s\n", step.c_str(), e.message.c_str());
  return code;
}

int run(int argc, char** argv) {
  auto flags = parse_common_flags(argc, argv, /*allow_listen=*/true);
  if (!flags) {
    std::fprintf(stderr, "intake-gateway: %s\n\n%s", flags.error().message.c_str(), kUsage);
    return 2;
  }
  if (flags->help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (!flags->positional.empty()) {
    std::fprintf(stderr, "intake-gateway: unexpected argument %s\n", flags->positional.front().c_str());
    return 2;
  }
  auto config = load_effective_config(*flags);
  if (!config) return fail("configuration", config.error(), 2);
  log::info("starting", {{"config", config->source.string()}, {"data_dir", config->data_dir.string()},
                         {"database", config->database_url.empty() ? "embedded" : "external"}});

  auto converter = load_opencc_converter();
  if (!converter) return fail("rules", converter.error(), 2);
  auto sla = load_sla(*config);
  if (!sla) return fail("sla", sla.error(), 2);

  for (const Config::NamedChannel& channel : config->channels()) {
    if (!channel.settings->enabled || channel.settings->secret) continue;
    const std::string env(channel.secret_env);
    if (channel.settings->allow_unsigned)
      log::warn("unsigned_channel", {{"channel", channel.route}, {"message", env + " is unset: unsigned requests are accepted"}});
    else
      log::warn("channel_without_secret",
                {{"channel", channel.route}, {"message", env + " is unset: every request will be refused"}});
  }

  auto database = open_database(*config, /*own_embedded=*/true);
  if (!database) return fail("database", database.error());
  Result<CompiledRules> rules = make_error("rules", "not loaded");
  {
    auto conn = store::Connection::open(database->conninfo);
    if (!conn) return fail("database", conn.error());
    auto report = store::migrate(*conn);
    if (!report) return fail("migrations", report.error());
    log::info("migrations", {{"applied", report->applied}, {"schema_version", report->current}});
    // The rules in force are the database's; a changed rule file becomes a new version.
    rules = take_rule_file(*conn, config->rules);
    if (!rules) return fail("rules", rules.error(), 2);
  }
  auto engine = Result<std::shared_ptr<const dialog::Engine>>(
      std::make_shared<const dialog::Engine>(rules->pack, std::move(*sla), *converter));
  log::info("rules_loaded", {{"version", rules->version_id}, {"label", rules->pack->version()},
                             {"rules", rules->pack->rule_count()}});

  auto cert = config->tls_certificate, key = config->tls_private_key;
  if (cert.empty()) {
    cert = config->data_dir / "tls" / "certificate.pem";
    key = config->data_dir / "tls" / "private_key.pem";
    if (Status s = ensure_self_signed_certificate(cert, key); !s) return fail("tls", s.error());
    log::info("tls_self_signed", {{"certificate", cert.string()}});
  }
  auto tls = make_server_tls_context(cert, key);
  if (!tls) return fail("tls", tls.error());

  store::IngestOptions store_options;
  store_options.conninfo = database->conninfo;
  store_options.connections = config->store.connections;
  store_options.max_batch = config->store.max_batch;
  store_options.case_prefix = config->case_number_prefix;
  store_options.offset = (*engine)->sla().offset();
  auto store = store::IngestStore::start(store_options);

  Metrics metrics;
  metrics.add_counter("intake_store_batches_total", "Transactions committed by the store.",
                      [&store] { return static_cast<double>(store->batches_committed()); });
  metrics.add_counter("intake_db_errors_total", "Database errors seen by the store.",
                      [&store] { return static_cast<double>(store->db_errors()); });
  App app(*config, *engine, *store, metrics);
  app.use_rules(rules->pack, rules->version_id);
  std::unique_ptr<OutboxWorker> outbox;
  ChannelSenders senders = ChannelSenders::from_config(*config);
  for (const std::string& gap : senders.waiting)
    log::warn("outbox_channel_waiting",
              {{"message", "messages to this channel are queued in the outbox but not sent until it is set up"},
               {"missing", gap}});
  if (!senders.empty()) {
    log::info("outbox_senders", {{"channels", senders.claim_patterns()}});
    if (!config->mail.smtp.url.empty())
      log::info("mail_relay", {{"url", config->mail.smtp.url}, {"starttls", config->mail.smtp.starttls}});
    outbox = OutboxWorker::start({database->conninfo, config->outbox, std::move(senders)}, metrics);
    app.on_outbox_queued([&outbox] { outbox->wake(); });
  }

  // SLA timers: warnings, breaches and escalation notices, durable in the database.
  auto sla_timers = SlaTimerWorker::start(
      {database->conninfo, config->escalation, config->mail, boost::asio::ip::host_name() + ":" + std::to_string(getpid())},
      metrics, [&outbox] {
        if (outbox) outbox->wake();
      });

  // The staff API: its queries run on connections of their own, never queued behind the
  // filing of customers' messages.
  constexpr int kStaffApiConnections = 2;
  std::vector<std::unique_ptr<store::DatabaseWorker>> api_workers;
  std::vector<store::DatabaseWorker*> api_worker_views;
  for (int i = 0; i < kStaffApiConnections; ++i) {
    api_workers.push_back(store::DatabaseWorker::start(database->conninfo));
    api_worker_views.push_back(api_workers.back().get());
  }
  app.use_database_workers(api_worker_views);
  // Versions activated by any instance reach this one (LISTEN intake_rules).
  RuleFollower rule_follower(database->conninfo, *api_workers.front(), app);

  // The web chat: its pages read their history through a connection of their own.
  std::unique_ptr<store::HistoryReader> history;
  std::unique_ptr<WebChatService> web_chat;
  std::unique_ptr<store::NotificationListener> chat_announcements;
  WebSocketRoutes websockets;
  if (config->web_chat.enabled) {
    std::string secret;
    if (config->web_chat.secret) {
      secret = *config->web_chat.secret;
    } else {
      auto generated = ensure_generated_secret(config->data_dir / "secrets" / "web_chat.key");
      if (!generated) return fail("web_chat", generated.error());
      secret = std::move(*generated);
    }
    history = store::HistoryReader::start(database->conninfo);
    web_chat = std::make_unique<WebChatService>(WebChatService::Options{secret, (*engine)->sla().offset()}, app, *history);
    chat_announcements = store::NotificationListener::start(
        {database->conninfo, "intake_chat", [&web_chat](const std::string& customer) { web_chat->publish(customer); },
         [&web_chat] {
           log::info("chat_announcements_listening", {{"message", "pages are woken by messages any instance records"}});
           web_chat->publish_all();  // catch up on whatever was announced while not listening
         }});
    metrics.add_gauge("intake_web_chat_pages", "Open web chat pages (WebSocket connections).",
                      [&web_chat] { return static_cast<double>(web_chat->open_pages()); });
  }

  // The console's live queue: every instance hears what staff must see (NOTIFY
  // intake_queue) and tells its open console pages.
  auto console = std::make_unique<ConsoleService>(*app.staff_auth(), config->public_base_url);
  auto queue_announcements = store::NotificationListener::start(
      {database->conninfo, "intake_queue", [&console](const std::string& id) { console->announce(id); },
       [&console] { console->announce_all(); }});
  metrics.add_gauge("intake_console_pages", "Open console pages (WebSocket connections).",
                    [&console] { return static_cast<double>(console->open_pages()); });

  websockets = [&web_chat, &console](const Request& r) -> WebSocketSession {
    const std::string_view path = r.target().substr(0, r.target().find('?'));
    if (web_chat && path == channels::web_chat::kSocketPath)
      return [&web_chat](WebSocket& ws, RequestLog& log) { return web_chat->serve(ws, log); };
    if (path == ConsoleService::kSocketPath)
      return [&console, upgrade = r](WebSocket& ws, RequestLog& log) { return console->serve(ws, upgrade, log); };
    return {};
  };

  const int threads = std::max(1, config->threads);
  boost::asio::io_context io(threads);
  Server server(io, *tls, config->limits, metrics,
                [&app](Request& r, RequestLog& l) { return app.handle(r, l); }, websockets);
  metrics.add_gauge("intake_open_connections", "Open client connections.",
                    [&server] { return static_cast<double>(server.open_connections()); });
  auto endpoint = server.listen(config->listen_host, config->listen_port);
  if (!endpoint) return fail("listen", endpoint.error());
  server.start();

  // SIGHUP: reload the SLA policy and calendar, and take the rule file in again (a changed
  // file becomes the version in force, for every instance). The new engine serves every
  // request that starts after the swap; requests in flight finish with the one they
  // began with. What fails to load is logged with its file, JSON pointer and reason, and
  // what runs stays.
  boost::asio::signal_set reload_signals(io, SIGHUP);
  std::function<void()> wait_for_reload = [&] {
    reload_signals.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      if (auto reloaded = load_sla(*config)) {
        app.use_sla(std::move(*reloaded));
        log::info("sla_reloaded", {{"sla", config->sla.string()}});
      } else {
        log::error("sla_reload_refused", {{"error", reloaded.error().message}, {"message", "the SLA policy in use is kept"}});
      }
      api_workers.front()->post([&app, &config](Result<store::Connection*> conn) {
        auto taken = conn ? take_rule_file(**conn, config->rules) : Result<CompiledRules>(conn.error());
        if (!taken) {
          log::error("rules_reload_refused", {{"error", taken.error().message}, {"message", "the rules in use are kept"}});
          return;
        }
        if (taken->version_id != app.rule_version_id()) app.use_rules(taken->pack, taken->version_id);
        log::info("rules_reloaded", {{"version", taken->version_id}, {"label", taken->pack->version()},
                                     {"rules", taken->pack->rule_count()}});
      });
      wait_for_reload();
    });
  };
  wait_for_reload();

  // The business calendar must reach 30 days ahead: checked now and every hour, so the
  // operator hears of next year's missing holidays in good time (also on /readyz).
  boost::asio::steady_timer calendar_check(io);
  std::function<void()> check_calendar = [&] {
    if (auto warning = app.calendar_warning(now())) log::warn("calendar_not_covering", {{"message", *warning}});
    calendar_check.expires_after(std::chrono::hours(1));
    calendar_check.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) check_calendar();
    });
  };
  check_calendar();

  boost::asio::steady_timer deadline(io);
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    reload_signals.cancel();
    calendar_check.cancel();
    log::info("shutdown", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
    deadline.expires_after(kDrainDeadline);
    deadline.async_wait([&io](const boost::system::error_code& timer_ec) {
      if (timer_ec) return;  // drained in time
      log::warn("shutdown_deadline", {{"message", "requests still open after the deadline; stopping anyway"}});
      io.stop();
    });
    if (web_chat) web_chat->shutdown();  // open pages are told to come back later
    console->shutdown();
    server.shutdown([&deadline] { deadline.cancel(); });
  });

  std::string host = endpoint->address().to_string();
  if (endpoint->address().is_v6()) host = "[" + host + "]";
  const std::string url = "https://" + host + ":" + std::to_string(endpoint->port());
  log::info("listening", {{"url", url}, {"threads", threads}});
  std::printf("listening on %s\n", url.c_str());
  std::fflush(stdout);

  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();

  sla_timers->stop();
  if (outbox) outbox->stop();
  if (chat_announcements) chat_announcements->stop();
  queue_announcements->stop();
  rule_follower.stop();
  if (history) history->stop();
  for (auto& worker : api_workers) worker->stop();
  store->stop();
  if (database->embedded) {
    if (Status s = database->embedded->stop(); !s) return fail("shutdown", s.error());
  }
  log::info("stopped", {});
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  return run(argc, argv);
}
