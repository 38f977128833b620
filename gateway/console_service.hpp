#pragma once
// The console's live side: one WebSocket per open console page (/console/ws). It only
// announces: {"type": "queue", "conversation": "<id>"} whenever a conversation, or a case
// of it, changes in a way staff act on, on any instance (migration 0013: NOTIFY
// intake_queue, forwarded by main() to announce()). The page then reads what it shows
// through the staff API, which applies the reader's permissions: the socket tells nobody
// anything the API would not. {"type": "queue", "conversation": null} means "read the
// whole queue again" (after announcements may have been missed).
//
// The upgrade must carry a live console session (the cookie; gateway/staff_auth.hpp) and
// come from a page of this gateway (its Origin): otherwise the socket is closed at once
// with 1008, policy. The first frame is {"type": "hello", "staff": {"id", "name", "role"}}.
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/staff_auth.hpp"
#include "gateway/websocket.hpp"

namespace intake::gateway {

class ConsoleService {
 public:
  static constexpr std::string_view kSocketPath = "/console/ws";

  // `public_base_url`: an origin accepted besides https://<the request's Host>.
  ConsoleService(StaffAuth& auth, std::string public_base_url);

  // Serves one accepted connection; `upgrade` is the request that opened it.
  boost::asio::awaitable<void> serve(WebSocket& ws, const Request& upgrade, RequestLog& log);

  // Tells every open page that the conversation changed / to read the whole queue.
  // Thread-safe.
  void announce(const std::string& conversation_id);
  void announce_all();

  std::size_t open_pages();  // for /metrics; thread-safe

  // Closes every open page with "going away" (1001); pages reconnect by themselves.
  void shutdown();

 private:
  struct Page;
  boost::asio::awaitable<void> push_loop(std::shared_ptr<Page> page, WebSocket& ws);
  void tell(const std::string& frame);
  void add(const std::shared_ptr<Page>& page);
  void remove(const std::shared_ptr<Page>& page);
  bool same_site(const Request& upgrade) const;

  StaffAuth& auth_;
  std::string public_base_url_;
  std::mutex mutex_;
  bool stopping_ = false;
  std::vector<std::weak_ptr<Page>> pages_;
};

}  // namespace intake::gateway
