#pragma once
// A small blocking HTTPS/1.1 client for the end-to-end tests: one keep-alive connection,
// certificate not verified (the gateway under test uses a self-signed one). Every
// operation has a deadline, so a misbehaving server fails a test instead of hanging it.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "form_encode.hpp"

#include <nlohmann/json.hpp>

namespace intake::testing {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

class HttpsClient {
 public:
  HttpsClient(std::string host, unsigned short port, std::chrono::seconds timeout = std::chrono::seconds(15));
  ~HttpsClient();

  HttpResult get(const std::string& target, const std::map<std::string, std::string>& headers = {});
  HttpResult post(const std::string& target, const std::string& body,
                  const std::map<std::string, std::string>& headers = {});

  // Sends raw bytes on the (TLS) connection and returns without reading: for partial
  // requests. Connects first if needed.
  void send_raw(const std::string& bytes);
  // Reads one response on the connection (after send_raw).
  HttpResult read_response();
  // Waits until the server closes the connection; true if it did within `within`.
  bool wait_closed(std::chrono::seconds within);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Signs a generic-chat body: "sha256=<hex HMAC-SHA256>".
std::string sign_generic(const std::string& secret, const std::string& body);

// X-Twilio-Signature for a form post to `url`: base64 HMAC-SHA1 of the URL followed by
// the parameters' names and values, sorted. Written here independently of the product.
std::string sign_twilio(const std::string& auth_token, const std::string& url,
                        const std::vector<std::pair<std::string, std::string>>& params);


}  // namespace intake::testing
