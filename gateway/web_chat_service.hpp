#pragma once
// The web chat's live side: one WebSocket per open page (/chat/ws), speaking the frames
// of intake/channels/web_chat.hpp.
//
// A connection greets (hello → welcome, with a signed token that keeps the customer's
// conversation across reloads), then sends the page every message of its conversation
// after the last one it has shown, and again whenever something new is recorded. A
// customer's message is filed like any webhook's (App::file) and acknowledged only after
// it is committed; a resend with the same id is answered from the store, never filed
// twice. Every page of a customer (two tabs) sees the same messages, once each.
//
// A message recorded by any instance wakes the customer's pages: the database announces
// it at commit (migration 0006, NOTIFY intake_chat), and main() forwards the
// announcements to publish(). Messages this instance records wake its pages directly too,
// so a page hears of its own message even while the announcements are down.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/app.hpp"
#include "gateway/websocket.hpp"
#include "intake/store/history_reader.hpp"
#include "intake/time.hpp"

namespace intake::gateway {

class WebChatService {
 public:
  struct Options {
    std::string secret;  // signs the customers' tokens
    UtcOffset offset = kChinaStandardTime;
  };
  WebChatService(Options options, App& app, store::HistoryReader& history);

  // Serves one accepted connection until the page goes or the service shuts down.
  boost::asio::awaitable<void> serve(WebSocket& ws, RequestLog& log);

  // Wakes the customer's open pages to fetch what is new. Thread-safe.
  void publish(const std::string& customer_id);
  // Wakes every open page: after announcements may have been missed. Thread-safe.
  void publish_all();

  // Open connections (pages), for /metrics. Thread-safe.
  std::size_t open_pages();

  // Closes every open page with "going away" (1001); pages reconnect on their own, to
  // this instance when it is back or to another one. Thread-safe.
  void shutdown();

 private:
  struct Connection;
  boost::asio::awaitable<void> push_loop(std::shared_ptr<Connection> conn, WebSocket& ws);
  boost::asio::awaitable<void> on_message(Connection& conn, WebSocket& ws, const std::string& frame, RequestLog& log);
  // The open pages of one customer, or of everyone (nullptr).
  std::vector<std::shared_ptr<Connection>> live_pages(const std::string* customer);
  static void wake(const std::vector<std::shared_ptr<Connection>>& pages);
  void add(const std::shared_ptr<Connection>& conn);
  void remove(const std::shared_ptr<Connection>& conn);

  Options options_;
  App& app_;
  store::HistoryReader& history_;
  std::mutex mutex_;
  bool stopping_ = false;
  std::unordered_multimap<std::string, std::weak_ptr<Connection>> by_customer_;
};

}  // namespace intake::gateway
