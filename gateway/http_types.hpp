#pragma once
// The HTTP message types the gateway's handlers exchange with the server.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>
#include <string_view>

namespace intake::gateway {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// What the server logs about a request once it is answered; handlers add fields.
struct RequestLog {
  std::string request_id;
  std::string route = "unmatched";  // the route pattern, bounded for metrics
  nlohmann::json fields = nlohmann::json::object();
};

// A response with a JSON body.
Response json_response(unsigned status, const nlohmann::json& body, unsigned version = 11);
// The error body every 4xx/5xx carries: {"error": {"code": …, "message": …}}.
Response error_response(unsigned status, std::string_view code, std::string_view message, unsigned version = 11);

}  // namespace intake::gateway
