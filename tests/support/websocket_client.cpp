#include "websocket_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <stdexcept>

namespace intake::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;

struct WebSocketClient::Impl {
  std::chrono::seconds timeout;
  asio::io_context io;
  ssl::context tls{ssl::context::tls_client};
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws{io, tls};
  beast::flat_buffer buffer;
  bool closed = false;

  // Runs the io_context until `done` or the deadline.
  bool run_until(const bool& done, std::chrono::seconds limit) {
    io.restart();
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done && std::chrono::steady_clock::now() < deadline) io.run_one_for(deadline - std::chrono::steady_clock::now());
    return done;
  }
  void write(const std::string& payload, bool binary) {
    ws.binary(binary);
    bool done = false;
    boost::system::error_code ec;
    ws.async_write(asio::buffer(payload), [&](auto e, std::size_t) {
      ec = e;
      done = true;
    });
    must(done, ec, "write");
  }
  void must(const bool& done, const boost::system::error_code& ec, const char* what) {
    if (!run_until(done, timeout)) throw std::runtime_error(std::string("WebSocket client: timed out in ") + what);
    if (ec) throw std::runtime_error(std::string("WebSocket client: ") + what + ": " + ec.message());
  }
};

WebSocketClient::WebSocketClient(const std::string& host, unsigned short port, const std::string& target,
                                 std::chrono::seconds timeout, const std::map<std::string, std::string>& headers)
    : impl_(std::make_unique<Impl>()) {
  impl_->timeout = timeout;
  impl_->ws.set_option(beast::websocket::stream_base::decorator([headers](beast::websocket::request_type& request) {
    for (const auto& [name, value] : headers) request.set(name, value);
  }));
  impl_->tls.set_verify_mode(ssl::verify_none);
  auto& tcp = beast::get_lowest_layer(impl_->ws);
  bool done = false;
  boost::system::error_code ec;
  tcp.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address(host), port), [&](auto e) {
    ec = e;
    done = true;
  });
  impl_->must(done, ec, "connect");
  done = false;
  impl_->ws.next_layer().async_handshake(ssl::stream_base::client, [&](auto e) {
    ec = e;
    done = true;
  });
  impl_->must(done, ec, "TLS handshake");
  done = false;
  impl_->ws.async_handshake(host + ":" + std::to_string(port), target, [&](auto e) {
    ec = e;
    done = true;
  });
  impl_->must(done, ec, "upgrade");
  impl_->ws.text(true);
}

WebSocketClient::~WebSocketClient() = default;

void WebSocketClient::send(const std::string& text) { impl_->write(text, false); }

void WebSocketClient::send_binary(const std::string& bytes) { impl_->write(bytes, true); }

std::string WebSocketClient::receive() {
  bool done = false;
  boost::system::error_code ec;
  impl_->ws.async_read(impl_->buffer, [&](auto e, std::size_t) {
    ec = e;
    done = true;
  });
  impl_->must(done, ec, "read");
  std::string text = beast::buffers_to_string(impl_->buffer.data());
  impl_->buffer.consume(impl_->buffer.size());
  return text;
}

std::optional<int> WebSocketClient::wait_closed(std::chrono::seconds within) {
  for (;;) {
    bool done = false;
    boost::system::error_code ec;
    impl_->ws.async_read(impl_->buffer, [&](auto e, std::size_t) {
      ec = e;
      done = true;
    });
    if (!impl_->run_until(done, within)) return std::nullopt;
    impl_->buffer.consume(impl_->buffer.size());
    if (ec == websocket::error::closed) {
      impl_->closed = true;
      return static_cast<int>(impl_->ws.reason().code);
    }
    if (ec) {
      impl_->closed = true;
      return 0;
    }
  }
}

void WebSocketClient::close() {
  if (impl_->closed) return;
  bool done = false;
  boost::system::error_code ec;
  impl_->ws.async_close(websocket::close_code::normal, [&](auto e) {
    ec = e;
    done = true;
  });
  impl_->run_until(done, impl_->timeout);
  impl_->closed = true;
}

}  // namespace intake::testing
