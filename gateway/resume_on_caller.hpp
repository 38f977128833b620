#pragma once
// Turns a call that answers through a callback on another thread (the store's threads)
// into an asynchronous operation that completes on the caller's own executor: a
// coroutine co_awaits it and resumes on its strand. The work guard keeps the io_context
// running while the answer is on its way, also during a graceful shutdown.
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <functional>
#include <memory>
#include <utility>

namespace intake::gateway {

// `start(done)` starts the work; `done(R)` may be called on any thread, exactly once.
template <class R, class Start, class Token>
auto resume_on_caller(Start start, Token&& token) {
  return boost::asio::async_initiate<Token, void(R)>(
      [](auto handler, Start begin) {
        auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
        auto shared = std::make_shared<std::pair<decltype(handler), decltype(work)>>(std::move(handler), std::move(work));
        begin(std::function<void(R)>([shared](R result) {
          auto executor = shared->second.get_executor();
          boost::asio::post(executor, [shared, result = std::move(result)]() mutable {
            shared->first(std::move(result));
            shared->second.reset();
          });
        }));
      },
      token, std::move(start));
}

}  // namespace intake::gateway
