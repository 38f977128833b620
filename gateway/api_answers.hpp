#pragma once
// What the staff API's handlers share: reading an id from a path or query, a 405 with its
// Allow header, and the status a store error means. Internal to the gateway.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

#include "gateway/http_types.hpp"
#include "intake/result.hpp"

namespace intake::gateway {

// A positive whole number and nothing else ("17"; not "17x", "-3" or "0"): the ids of
// staff accounts and rule versions, and limits.
inline std::optional<std::int64_t> parse_id(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

// 405, with the Allow header RFC 9110 asks for.
Response method_not_allowed(std::string_view allowed);

// The answer for a store error: its code decides the status (404, 403, 409, 400, 503;
// anything else is logged and answered 500).
Response store_failure(const Error& e, RequestLog& log);

}  // namespace intake::gateway
