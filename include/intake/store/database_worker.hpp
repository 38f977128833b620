#pragma once
// One database connection on a thread of its own, running jobs one after another in the
// order they were posted. The readers and the staff API use workers so that their
// queries never wait behind, or delay, the filing of customers' messages.
//
// The connection is made on first use and made again after it breaks; a job is handed
// the connection, or the error that says why there is none (db_errc::unavailable).
#include <functional>
#include <memory>
#include <string>

#include "intake/result.hpp"
#include "intake/store/pg.hpp"

namespace intake::store {

class DatabaseWorker {
 public:
  using Job = std::function<void(Result<Connection*>)>;

  static std::unique_ptr<DatabaseWorker> start(std::string conninfo);
  virtual ~DatabaseWorker() = default;

  // Thread-safe. After stop(), the job runs at once on the caller's thread with an error.
  virtual void post(Job job) = 0;

  // Runs what is queued, then closes the connection and joins the thread.
  virtual void stop() = 0;
};

}  // namespace intake::store
