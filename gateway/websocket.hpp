#pragma once
// The WebSocket type the server hands to a WebSocket route, and what such a route is.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <functional>

#include "gateway/http_types.hpp"

namespace intake::gateway {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
// Over the connection's TLS stream, which the server keeps and closes afterwards.
using WebSocket = boost::beast::websocket::stream<TlsStream&>;

// Runs one accepted WebSocket until the conversation ends; it must close the socket or
// let it fail. The server counts it as a request in flight until it returns, so at
// shutdown its owner must end it (see WebChatService::shutdown).
using WebSocketSession = std::function<boost::asio::awaitable<void>(WebSocket&, RequestLog&)>;

// For an upgrade request: the session for a WebSocket route, or an empty function when the
// path is not one (it is then answered as plain HTTP).
using WebSocketRoutes = std::function<WebSocketSession(const Request&)>;

}  // namespace intake::gateway
