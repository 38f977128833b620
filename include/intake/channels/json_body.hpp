#pragma once
// The body of a JSON webhook, checked the same way for every adapter that takes JSON:
// a Content-Type, if sent, that names JSON (415 otherwise), valid UTF-8, then JSON.
// Call it after the signature check: nothing in the body is trusted before.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "intake/http_view.hpp"
#include "intake/result.hpp"

namespace intake::channels {

// Errors: errc::unsupported_media_type, errc::invalid_utf8, errc::invalid_json (with the
// byte where parsing stopped).
Result<nlohmann::json> read_json_body(const HttpRequestView& request);

// Members of a webhook's JSON object, read strictly: a member of the wrong type is an
// error (errc::invalid_field) naming it as `path` + `name` ("sender.id must be a string").
Error field_error(std::string message);
// An id: a non-empty string of at most 256 bytes.
Result<std::string> required_id(const nlohmann::json& object, const char* name, const std::string& path);
// A string that may be absent or null.
Result<std::optional<std::string>> optional_string(const nlohmann::json& object, const char* name,
                                                   const std::string& path);

}  // namespace intake::channels
