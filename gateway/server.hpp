#pragma once
// The HTTPS listener: TLS 1.2+, HTTP/1.1 with keep-alive, a body and header limit, a
// read timeout for each request and an idle timeout between requests, a cap on open
// connections, and a graceful shutdown that lets requests in flight finish. A request to
// upgrade to a WebSocket on one of the WebSocket routes becomes that route's session.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "gateway/config.hpp"
#include "gateway/http_types.hpp"
#include "gateway/metrics.hpp"
#include "gateway/websocket.hpp"

namespace intake::gateway {

class Server {
 public:
  // Handles one request; runs on the connection's strand.
  using Handler = std::function<boost::asio::awaitable<Response>(Request&, RequestLog&)>;

  Server(boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> tls, Config::Limits limits,
         Metrics& metrics, Handler handler, WebSocketRoutes websockets = {});

  // Binds and listens; port 0 picks a free port. Returns the bound endpoint.
  Result<boost::asio::ip::tcp::endpoint> listen(const std::string& host, std::uint16_t port);
  // Starts accepting on the io_context.
  void start();
  // Stops accepting, lets requests in flight finish (including one whose first bytes are
  // on their way), closes idle connections after a one-second grace period, then calls
  // `drained` (on an io_context thread). Safe to call from any thread, once.
  void shutdown(std::function<void()> drained);

  std::size_t open_connections() const { return open_.load(); }

 private:
  struct Session;
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(std::shared_ptr<Session> session);
  boost::asio::awaitable<void> serve_websocket(TlsStream& stream, Request& request, const WebSocketSession& run);
  void session_ended();

  boost::asio::io_context& io_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  Config::Limits limits_;
  Metrics& metrics_;
  Handler handler_;
  WebSocketRoutes websockets_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<std::size_t> open_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  std::function<void()> drained_;
};

}  // namespace intake::gateway
