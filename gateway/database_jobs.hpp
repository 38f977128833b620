#pragma once
// Runs pieces of database work from a coroutine on a set of DatabaseWorkers (round robin)
// and resumes the caller on its own executor with the result. For the request handlers
// whose queries must not wait behind the filing of customers' messages: the staff API
// and the agents' notes of the call-centre webhook.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "gateway/resume_on_caller.hpp"
#include "intake/result.hpp"
#include "intake/store/database_worker.hpp"

namespace intake::gateway {

class DatabaseJobs {
 public:
  using Job = std::function<Result<nlohmann::json>(store::Connection&)>;

  // `workers` must not be empty and must outlive this.
  explicit DatabaseJobs(std::vector<store::DatabaseWorker*> workers) : workers_(std::move(workers)) {}

  // The job's result, or db_errc::unavailable when no connection could be had.
  template <class T>
  boost::asio::awaitable<Result<T>> run(std::function<Result<T>(store::Connection&)> job) {
    store::DatabaseWorker* worker = next_worker();
    // Named, not a temporary inside co_await (GCC 12; see web_chat_service.cpp).
    auto start = [worker, job = std::move(job)](std::function<void(Result<T>)> done) mutable {
      worker->post([job = std::move(job), done = std::move(done)](Result<store::Connection*> conn) {
        if (!conn) return done(conn.error());
        done(job(**conn));
      });
    };
    co_return co_await resume_on_caller<Result<T>>(std::move(start), boost::asio::use_awaitable);
  }
  boost::asio::awaitable<Result<nlohmann::json>> run(Job job) { return run<nlohmann::json>(std::move(job)); }

 private:
  store::DatabaseWorker* next_worker() { return workers_[next_worker_++ % workers_.size()]; }

  std::vector<store::DatabaseWorker*> workers_;
  std::atomic<std::size_t> next_worker_{0};
};

}  // namespace intake::gateway
