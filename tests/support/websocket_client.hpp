#pragma once
// A small blocking WebSocket-over-TLS client for the end-to-end tests (certificate not
// verified: the gateway under test has a self-signed one). Every operation has a
// deadline, so a server that stays silent fails the test instead of hanging it.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace intake::testing {

class WebSocketClient {
 public:
  // Connects and completes the upgrade, with `headers` added to the upgrade request (a
  // Cookie, an Origin); throws std::runtime_error when it cannot.
  WebSocketClient(const std::string& host, unsigned short port, const std::string& target,
                  std::chrono::seconds timeout = std::chrono::seconds(15),
                  const std::map<std::string, std::string>& headers = {});
  ~WebSocketClient();

  void send(const std::string& text);
  void send_json(const nlohmann::json& frame) { send(frame.dump()); }
  void send_binary(const std::string& bytes);
  // The next message; throws on timeout or when the connection closes first.
  std::string receive();
  nlohmann::json receive_json() { return nlohmann::json::parse(receive()); }

  // Waits for the server to close the connection (answering its close frame); returns the
  // close code it gave, or nullopt when nothing closed within the deadline.
  std::optional<int> wait_closed(std::chrono::seconds within);
  // Closes politely (1000).
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace intake::testing
