#pragma once
// The answers the staff API's handlers share: a 405 with its Allow header, and the status
// a store error means. Internal to the gateway.
#include <string_view>

#include "gateway/http_types.hpp"
#include "intake/result.hpp"

namespace intake::gateway {

// 405, with the Allow header RFC 9110 asks for.
Response method_not_allowed(std::string_view allowed);

// The answer for a store error: its code decides the status (404, 403, 409, 400, 503;
// anything else is logged and answered 500).
Response store_failure(const Error& e, RequestLog& log);

}  // namespace intake::gateway
