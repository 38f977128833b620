#pragma once
// The browser pages the gateway serves itself, compiled in from gateway/web/: a page at
// its own path (/chat → chat.html) and its scripts and styles under /assets/.
//
// Every answer carries a strict Content-Security-Policy (scripts, styles and connections
// from this origin only; no inline code, no framing), nosniff, no referrer, and an ETag
// so a browser revalidates cheaply (304) instead of downloading again.
#include <optional>
#include <string_view>

#include "gateway/http_types.hpp"

namespace intake::gateway {

// The answer for a page or asset path; nullopt when `path` is none of them.
std::optional<Response> web_asset(std::string_view path, const Request& request);

}  // namespace intake::gateway
