#include "intake/store/database_worker.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace intake::store {
namespace {

class Worker final : public DatabaseWorker {
 public:
  explicit Worker(std::string conninfo) : conninfo_(std::move(conninfo)), thread_([this] { run(); }) {}
  ~Worker() override { stop(); }

  void post(Job job) override {
    {
      std::lock_guard lock(mutex_);
      if (!stopping_) {
        queue_.push_back(std::move(job));
        cv_.notify_one();
        return;
      }
    }
    job(make_error(std::string(db_errc::unavailable), "the database worker has stopped"));
  }

  void stop() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    std::optional<Connection> conn;
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and every job has run
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      if (!conn || !conn->ok()) {
        conn.reset();
        auto opened = Connection::open(conninfo_);
        if (!opened) {
          job(opened.error());
          continue;
        }
        conn.emplace(std::move(*opened));
      }
      job(&*conn);
    }
  }

  std::string conninfo_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace

std::unique_ptr<DatabaseWorker> DatabaseWorker::start(std::string conninfo) {
  return std::make_unique<Worker>(std::move(conninfo));
}

}  // namespace intake::store
