#pragma once
// The gateway's one reading of the wall clock. dialog/ and channels/ never read it: the
// time is passed in, so they stay deterministic.
#include <chrono>

#include "intake/time.hpp"

namespace intake::gateway {

inline Timestamp now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

}  // namespace intake::gateway
