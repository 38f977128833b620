#pragma once
// The body of a JSON webhook, checked the same way for every adapter that takes JSON:
// a Content-Type, if sent, that names JSON (415 otherwise), valid UTF-8, then JSON.
// Call it after the signature check: nothing in the body is trusted before.
#include <nlohmann/json.hpp>

#include "intake/http_view.hpp"
#include "intake/result.hpp"

namespace intake::channels {

// Errors: errc::unsupported_media_type, errc::invalid_utf8, errc::invalid_json (with the
// byte where parsing stopped).
Result<nlohmann::json> read_json_body(const HttpRequestView& request);

}  // namespace intake::channels
