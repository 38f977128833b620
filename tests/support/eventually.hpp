#pragma once
// Polls until `done()` holds or `within` has passed, and says which. What is awaited is
// an observable state (a row, a readiness report, a log line), never a guessed delay.
#include <chrono>
#include <thread>

namespace intake::testing {

template <class Condition>
bool eventually(Condition done, std::chrono::seconds within = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

}  // namespace intake::testing
