#pragma once
// A thread that works through a table in the background (the outbox, the SLA timers) on a
// database connection of its own: it runs `work` again at once while work was found,
// else after `period` or as soon as wake() is called, and reconnects (logging under
// `name`) when the connection fails.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "gateway/log.hpp"
#include "intake/store/pg.hpp"

namespace intake::gateway {

class BackgroundLoop {
 public:
  // Items handled; 0 when there was nothing to do; -1 when the connection failed.
  using Work = std::function<int(store::Connection&)>;

  BackgroundLoop(std::string name, std::string conninfo, std::chrono::seconds period, Work work)
      : name_(std::move(name)), conninfo_(std::move(conninfo)), period_(period), work_(std::move(work)),
        thread_([this] { run(); }) {}
  ~BackgroundLoop() { stop(); }
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;

  void wake() {
    {
      std::lock_guard lock(mutex_);
      woken_ = true;
    }
    cv_.notify_one();
  }

  // Lets the work in hand finish (it may ask stopping()), then joins the thread.
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

  bool stopping() {
    std::lock_guard lock(mutex_);
    return stopping_;
  }

 private:
  void run() {
    std::optional<store::Connection> conn;
    while (!stopping()) {
      if (!conn || !conn->ok()) {
        auto opened = store::Connection::open(conninfo_);
        if (!opened) {
          log::warn(name_ + "_database", {{"error", opened.error().message}});
          conn.reset();
          wait();
          continue;
        }
        conn.emplace(std::move(*opened));
      }
      const int handled = work_(*conn);
      if (handled < 0) conn.reset();
      if (handled <= 0) wait();
    }
  }

  void wait() {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, period_, [this] { return stopping_ || woken_; });
    woken_ = false;
  }

  std::string name_;
  std::string conninfo_;
  std::chrono::seconds period_;
  Work work_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace intake::gateway
