#include "gateway/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>

#include "gateway/log.hpp"

namespace intake::gateway {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kFirstReadBytes = 16 * 1024;
// The largest WebSocket message a route may receive; its own rules may be stricter.
constexpr std::size_t kWebSocketMessageBytes = 64 * 1024;
// The lingering close after an early answer (see serve()).
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 16 * 1024 * 1024;
// At shutdown, how long an idle connection is kept for a request already on its way.
constexpr auto kShutdownGrace = std::chrono::seconds(1);
}  // namespace

Response json_response(unsigned status, const nlohmann::json& body, unsigned version) {
  Response res{static_cast<http::status>(status), version};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return res;
}

Response error_response(unsigned status, std::string_view code, std::string_view message, unsigned version) {
  return json_response(status, {{"error", {{"code", code}, {"message", message}}}}, version);
}

struct Server::Session {
  explicit Session(tcp::socket socket, ssl::context& tls)
      : stream(std::move(socket), tls), grace(stream.get_executor()) {}
  beast::ssl_stream<beast::tcp_stream> stream;
  asio::steady_timer grace;  // at shutdown: how long an idle connection may stay
  // Touched only on the session's strand: waiting for the next request, and which wait.
  bool idle = false;
  std::uint64_t idle_epoch = 0;
};

Server::Server(asio::io_context& io, std::shared_ptr<ssl::context> tls, Config::Limits limits, Metrics& metrics,
               Handler handler, WebSocketRoutes websockets)
    : io_(io),
      tls_(std::move(tls)),
      limits_(limits),
      metrics_(metrics),
      handler_(std::move(handler)),
      websockets_(std::move(websockets)),
      acceptor_(io) {}

Result<tcp::endpoint> Server::listen(const std::string& host, std::uint16_t port) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return make_error("listen", "\"" + host + "\" is not an IP address");
  const tcp::endpoint endpoint(address, port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return make_error("listen", "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  return acceptor_.local_endpoint();
}

void Server::start() { asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached); }

asio::awaitable<void> Server::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_), nothrow);
    if (stopping_.load()) co_return;
    if (ec) {
      // Out of descriptors and the like: log and keep serving the connections we have.
      log::warn("accept_failed", {{"error", ec.message()}});
      continue;
    }
    if (open_.load() >= limits_.max_connections) {
      metrics_.connection_refused();
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    open_.fetch_add(1);
    auto session = std::make_shared<Session>(std::move(socket), *tls_);
    {
      std::lock_guard lock(mutex_);
      sessions_.emplace(session.get(), session);
    }
    auto executor = session->stream.get_executor();
    asio::co_spawn(executor, serve(session), [this, raw = session.get()](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          log::error("session_failed", {{"error", ex.what()}});
        }
      }
      {
        std::lock_guard lock(mutex_);
        sessions_.erase(raw);
      }
      session_ended();
    });
  }
}

asio::awaitable<void> Server::serve(std::shared_ptr<Session> session) {
  auto& stream = session->stream;
  auto& tcp_layer = beast::get_lowest_layer(stream);
  const auto read_timeout = std::chrono::seconds(limits_.read_timeout_seconds);
  const auto idle_timeout = std::chrono::seconds(limits_.idle_timeout_seconds);

  tcp_layer.expires_after(read_timeout);
  if (auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, nothrow); ec) co_return;

  beast::flat_buffer buffer;
  for (;;) {
    // Idle: wait (up to the idle timeout) for the first bytes of the next request. A
    // shutdown cancels this wait; it never cancels a request being read or handled.
    if (buffer.size() == 0) {
      // While shutting down, a request whose bytes are already on their way (sent before
      // the signal, still in the kernel or the TLS layer) is served; an idle connection
      // is closed after the grace period.
      session->idle = true;
      ++session->idle_epoch;
      tcp_layer.expires_after(stopping_.load() ? kShutdownGrace : idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(kFirstReadBytes), nothrow);
      session->idle = false;
      if (ec) break;
      buffer.commit(n);
    }

    // Reading: the whole request must arrive within the read timeout.
    http::request_parser<http::string_body> parser;
    parser.body_limit(limits_.body_bytes);
    parser.header_limit(static_cast<std::uint32_t>(limits_.header_bytes));
    tcp_layer.expires_after(read_timeout);
    auto [read_ec, bytes] = co_await http::async_read_header(stream, buffer, parser, nothrow);
    // Mail carries attachments: its routes may be larger than any other request.
    if (!read_ec && parser.get().target().starts_with("/webhooks/email/")) parser.body_limit(limits_.mail_body_bytes);
    if (!read_ec && !parser.is_done()) {
      // Clients such as curl hold large bodies back until told to go on.
      if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
        auto [continue_ec, sent] = co_await http::async_write(stream, go_on, nothrow);
        (void)sent;
        if (continue_ec) break;
      }
      std::tie(read_ec, bytes) = co_await http::async_read(stream, buffer, parser, nothrow);
    }
    (void)bytes;

    if (!read_ec && websockets_ && beast::websocket::is_upgrade(parser.get())) {
      if (WebSocketSession run = websockets_(parser.get())) {
        co_await serve_websocket(stream, parser.get(), run);
        break;
      }
    }

    Response response;
    bool keep_alive = false;
    const auto started = std::chrono::steady_clock::now();
    RequestLog entry;
    if (!read_ec) {
      Request& request = parser.get();
      response = co_await handler_(request, entry);
      keep_alive = request.keep_alive() && !stopping_.load();
      response.version(request.version());
    } else if (read_ec == http::error::body_limit) {
      response = error_response(413, "payload_too_large",
                                "the body is larger than " + std::to_string(limits_.body_bytes) + " bytes");
    } else if (read_ec == http::error::header_limit) {
      response = error_response(431, "headers_too_large", "the request headers are too large");
    } else if (read_ec == http::error::end_of_stream || read_ec == http::error::partial_message) {
      break;  // the peer closed the connection
    } else if (read_ec.category() == http::make_error_code(http::error::bad_target).category()) {
      response = error_response(400, "bad_request", "malformed HTTP request: " + read_ec.message());
    } else {
      break;  // timeout, reset, TLS failure: nobody to answer
    }
    if (read_ec) {
      entry.route = "invalid";
      entry.request_id = "-";
    }

    response.keep_alive(keep_alive);
    response.set(http::field::server, "intake-gateway");
    if (!entry.request_id.empty()) response.set("X-Request-Id", entry.request_id);
    response.prepare_payload();
    const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    metrics_.record_request(entry.route, static_cast<int>(response.result_int()), latency);
    nlohmann::json line = {{"request_id", entry.request_id},
                           {"route", entry.route},
                           {"status", response.result_int()},
                           {"latency_ms", static_cast<double>(latency.count()) / 1000.0}};
    for (auto& [k, v] : entry.fields.items()) line[k] = v;
    log::info("request", std::move(line));

    tcp_layer.expires_after(read_timeout);
    auto [write_ec, written] = co_await http::async_write(stream, response, nothrow);
    (void)written;
    if (!write_ec && read_ec && read_ec != beast::error::timeout) {
      // We answered before the request was read whole (a body over the limit). Closing
      // now would reset the connection under a client still sending, and it would never
      // see our answer; so read and discard what it sends, within a budget, then close.
      tcp_layer.expires_after(kLingerTime);
      std::size_t drained = 0;
      while (drained < kLingerBytes) {
        auto [drain_ec, n] = co_await stream.async_read_some(buffer.prepare(kFirstReadBytes), nothrow);
        if (drain_ec) break;
        drained += n;
      }
    }
    if (write_ec || !keep_alive) break;
  }

  // Close TLS politely, but never wait long for a peer that has gone.
  tcp_layer.expires_after(std::chrono::seconds(2));
  auto [shutdown_ec] = co_await stream.async_shutdown(nothrow);
  (void)shutdown_ec;  // ssl::error::stream_truncated and timeouts are expected here
  boost::system::error_code ignored;
  tcp_layer.socket().shutdown(tcp::socket::shutdown_both, ignored);
  tcp_layer.socket().close(ignored);
}

asio::awaitable<void> Server::serve_websocket(TlsStream& stream, Request& request, const WebSocketSession& run) {
  namespace websocket = beast::websocket;
  const auto started = std::chrono::steady_clock::now();
  RequestLog entry;
  entry.route = std::string(request.target().substr(0, request.target().find('?')));
  entry.request_id = "-";
  WebSocket ws(stream);
  // The WebSocket keeps its own time: a handshake limit, and an idle limit with pings, so
  // a page that is open but quiet stays connected while a vanished peer is noticed.
  beast::get_lowest_layer(stream).expires_never();
  websocket::stream_base::timeout timeouts;
  timeouts.handshake_timeout = std::chrono::seconds(limits_.read_timeout_seconds);
  timeouts.idle_timeout = std::chrono::seconds(limits_.idle_timeout_seconds);
  timeouts.keep_alive_pings = true;
  ws.set_option(timeouts);
  ws.read_message_max(kWebSocketMessageBytes);
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "intake-gateway"); }));
  auto [accept_ec] = co_await ws.async_accept(request, nothrow);
  if (!accept_ec) co_await run(ws, entry);
  const auto duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  nlohmann::json line = {{"route", entry.route},
                         {"status", accept_ec ? 400 : 101},
                         {"duration_ms", duration.count()}};
  if (accept_ec) line["error"] = accept_ec.message();
  for (auto& [k, v] : entry.fields.items()) line[k] = v;
  log::info("websocket", std::move(line));
}

void Server::session_ended() {
  if (open_.fetch_sub(1) == 1 && stopping_.load()) {
    std::function<void()> drained;
    {
      std::lock_guard lock(mutex_);
      drained = std::exchange(drained_, nullptr);
    }
    if (drained) drained();
  }
}

void Server::shutdown(std::function<void()> drained) {
  asio::post(acceptor_.get_executor(), [this, drained = std::move(drained)]() mutable {
    if (stopping_.exchange(true)) return;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(mutex_);
      drained_ = std::move(drained);
      for (auto& [raw, weak] : sessions_)
        if (auto s = weak.lock()) live.push_back(std::move(s));
    }
    for (auto& s : live) {
      // On the session's strand, where `idle` is written. A connection still idle at the
      // end of the grace period (the same wait: same epoch) is closed.
      asio::post(s->stream.get_executor(), [s] {
        if (!s->idle) return;
        s->grace.expires_after(kShutdownGrace);
        s->grace.async_wait([s, epoch = s->idle_epoch](const boost::system::error_code& ec) {
          if (!ec && s->idle && s->idle_epoch == epoch) beast::get_lowest_layer(s->stream).cancel();
        });
      });
    }
    if (open_.load() == 0) {
      std::function<void()> now;
      {
        std::lock_guard lock(mutex_);
        now = std::exchange(drained_, nullptr);
      }
      if (now) now();
    }
  });
}

}  // namespace intake::gateway
