#pragma once
// Listens on a PostgreSQL notification channel (LISTEN) on a connection and thread of its
// own, and hands each payload to a callback. This is how one gateway instance hears of
// what another recorded.
//
// Notifications sent while the listener was disconnected are lost (PostgreSQL keeps none
// for a session that is not there): after every (re)connection `on_connected` runs, so
// the owner can catch up by other means.
#include <functional>
#include <memory>
#include <string>

namespace intake::store {

struct ListenerOptions {
  std::string conninfo;
  std::string channel;                               // a plain identifier
  std::function<void(const std::string&)> on_notify;  // on the listener's thread
  std::function<void()> on_connected;                // on the listener's thread
};

class NotificationListener {
 public:
  // Starts the thread; it connects, and reconnects after a failure, by itself.
  static std::unique_ptr<NotificationListener> start(ListenerOptions options);
  virtual ~NotificationListener() = default;
  // True while it is connected and listening.
  virtual bool listening() const = 0;
  virtual void stop() = 0;
};

}  // namespace intake::store
