#include "intake/store/notification_listener.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "intake/store/pg.hpp"

namespace intake::store {
namespace {

// How often the thread looks up from waiting, to notice stop(); and how long it waits
// before connecting again after a failure.
constexpr int kPollMillis = 250;
constexpr auto kReconnectDelay = std::chrono::seconds(1);

class Listener final : public NotificationListener {
 public:
  explicit Listener(ListenerOptions options) : options_(std::move(options)), thread_([this] { run(); }) {}
  ~Listener() override { stop(); }

  bool listening() const override { return listening_.load(); }

  void stop() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  bool stopping() {
    std::lock_guard lock(mutex_);
    return stopping_;
  }

  void run() {
    while (!stopping()) {
      if (auto conn = Connection::open(options_.conninfo); conn && conn->exec("LISTEN " + options_.channel)) {
        listening_ = true;
        if (options_.on_connected) options_.on_connected();
        listen(*conn);
        listening_ = false;
      }
      std::unique_lock lock(mutex_);
      cv_.wait_for(lock, kReconnectDelay, [this] { return stopping_; });
    }
  }

  // Until the connection fails or stop() is called.
  void listen(Connection& conn) {
    pg_conn* raw = conn.raw();
    while (!stopping()) {
      // Also those that arrived with the LISTEN's own answer.
      while (PGnotify* n = PQnotifies(raw)) {
        const std::string payload = n->extra ? n->extra : "";
        PQfreemem(n);
        if (options_.on_notify) options_.on_notify(payload);
      }
      pollfd fd{PQsocket(raw), POLLIN, 0};
      if (fd.fd < 0) return;
      const int ready = ::poll(&fd, 1, kPollMillis);
      if (ready < 0) return;
      if (ready > 0 && PQconsumeInput(raw) == 0) return;  // the connection is gone
    }
  }

  ListenerOptions options_;
  std::atomic<bool> listening_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace

std::unique_ptr<NotificationListener> NotificationListener::start(ListenerOptions options) {
  return std::make_unique<Listener>(std::move(options));
}

}  // namespace intake::store
