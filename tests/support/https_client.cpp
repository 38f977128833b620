#include "https_client.hpp"

#include <algorithm>
#include <cctype>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <stdexcept>

namespace intake::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;

struct HttpsClient::Impl {
  std::string host;
  unsigned short port;
  std::chrono::seconds timeout;
  asio::io_context io;
  ssl::context tls{ssl::context::tls_client};
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> stream;
  beast::flat_buffer buffer;

  // Runs the io_context until `done` or the deadline; a miss closes the connection.
  void run_until(const bool& done, const char* what) {
    io.restart();
    io.run_for(timeout + std::chrono::seconds(1));
    if (!done) {
      stream.reset();
      throw std::runtime_error(std::string("HTTPS client: timed out in ") + what);
    }
  }

  void connect() {
    if (stream) return;
    tls.set_verify_mode(ssl::verify_none);
    stream = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io, tls);
    auto& tcp = beast::get_lowest_layer(*stream);
    tcp.expires_after(timeout);
    bool done = false;
    boost::system::error_code ec;
    tcp.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address(host), port), [&](auto e) {
      ec = e;
      done = true;
    });
    run_until(done, "connect");
    if (ec) throw std::runtime_error("HTTPS client: connect: " + ec.message());
    done = false;
    stream->async_handshake(ssl::stream_base::client, [&](auto e) {
      ec = e;
      done = true;
    });
    run_until(done, "handshake");
    if (ec) throw std::runtime_error("HTTPS client: handshake: " + ec.message());
    buffer.clear();
  }

  HttpResult exchange(http::request<http::string_body>& req) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      connect();
      const bool fresh = attempt > 0;
      req.set(http::field::host, host);
      req.prepare_payload();
      beast::get_lowest_layer(*stream).expires_after(timeout);
      bool done = false;
      boost::system::error_code ec;
      http::async_write(*stream, req, [&](auto e, std::size_t) {
        ec = e;
        done = true;
      });
      run_until(done, "write");
      if (ec) {
        stream.reset();
        if (!fresh) continue;  // a kept-alive connection the server closed: reconnect once
        throw std::runtime_error("HTTPS client: write: " + ec.message());
      }
      try {
        return read();
      } catch (const std::runtime_error&) {
        if (fresh) throw;
        stream.reset();
      }
    }
    throw std::runtime_error("HTTPS client: unreachable");
  }

  HttpResult read() {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    beast::get_lowest_layer(*stream).expires_after(timeout);
    bool done = false;
    boost::system::error_code ec;
    http::async_read(*stream, buffer, parser, [&](auto e, std::size_t) {
      ec = e;
      done = true;
    });
    run_until(done, "read");
    if (ec) {
      stream.reset();
      throw std::runtime_error("HTTPS client: read: " + ec.message());
    }
    auto res = parser.release();
    HttpResult out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(field.value());
    }
    out.body = std::move(res.body());
    if (!res.keep_alive()) stream.reset();
    return out;
  }
};

HttpsClient::HttpsClient(std::string host, unsigned short port, std::chrono::seconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->timeout = timeout;
}

HttpsClient::~HttpsClient() = default;

HttpResult HttpsClient::get(const std::string& target, const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> req{http::verb::get, target, 11};
  for (const auto& [name, value] : headers) req.set(name, value);
  return impl_->exchange(req);
}

HttpResult HttpsClient::post(const std::string& target, const std::string& body,
                             const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> req{http::verb::post, target, 11};
  req.set(http::field::content_type, "application/json");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  return impl_->exchange(req);
}

void HttpsClient::send_raw(const std::string& bytes) {
  impl_->connect();
  beast::get_lowest_layer(*impl_->stream).expires_after(impl_->timeout);
  bool done = false;
  boost::system::error_code ec;
  asio::async_write(*impl_->stream, asio::buffer(bytes), [&](auto e, std::size_t) {
    ec = e;
    done = true;
  });
  impl_->run_until(done, "raw write");
  if (ec) throw std::runtime_error("HTTPS client: raw write: " + ec.message());
}

HttpResult HttpsClient::read_response() { return impl_->read(); }

bool HttpsClient::wait_closed(std::chrono::seconds within) {
  if (!impl_->stream) return true;
  beast::get_lowest_layer(*impl_->stream).expires_after(within + std::chrono::seconds(5));
  char byte;
  bool done = false;
  boost::system::error_code ec;
  impl_->stream->async_read_some(asio::buffer(&byte, 1), [&](auto e, std::size_t) {
    ec = e;
    done = true;
  });
  impl_->io.restart();
  impl_->io.run_for(within);
  const bool closed = done && ec && ec != beast::error::timeout;
  impl_->stream.reset();
  return closed;
}

std::string sign_generic(const std::string& secret, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  static const char* hex = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(hex[mac[i] >> 4]);
    out.push_back(hex[mac[i] & 15]);
  }
  return out;
}


std::string sign_twilio(const std::string& auth_token, const std::string& url,
                        const std::vector<std::pair<std::string, std::string>>& params) {
  auto sorted = params;
  std::sort(sorted.begin(), sorted.end());
  std::string data = url;
  for (const auto& [name, value] : sorted) data += name + value;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), auth_token.data(), static_cast<int>(auth_token.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  std::string out(4 * ((len + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac, static_cast<int>(len));
  out.resize(static_cast<std::size_t>(written));
  return out;
}


}  // namespace intake::testing
