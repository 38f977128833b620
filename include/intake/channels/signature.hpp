#pragma once
// Checks shared by the adapters: signatures and secrets, media types, text.
#include <optional>
#include <string>
#include <string_view>

#include "intake/http_view.hpp"
#include "intake/result.hpp"

namespace intake::channels {

// Lower-case hex of HMAC-SHA256(key, data).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// Lower-case hex of SHA-256(data).
std::string sha256_hex(std::string_view data);

// Compares a received hex digest with the expected one in time independent of where
// they differ (case-insensitive hex). False for malformed hex or a length mismatch.
bool hex_digest_equals(std::string_view received_hex, std::string_view expected_hex);

// The product's own webhook signature, `X-Intake-Signature: sha256=<hex HMAC-SHA256 of
// the raw body>` (the generic chat and CTI webhooks). Without a configured secret the
// request passes only if allow_unsigned; the error then names `secret_env`.
Status check_intake_signature(const std::optional<std::string>& secret, bool allow_unsigned, std::string_view secret_env,
                              const HttpRequestView& request);

// Compares a received shared secret (a token sent verbatim, such as Telegram's) with the
// configured one in time independent of their contents and lengths.
bool secret_equals(std::string_view received, std::string_view expected);

// True when a Content-Type header names JSON ("application/json; charset=utf-8").
bool is_json_media_type(std::string_view content_type);

// True when `text` is well-formed UTF-8.
bool is_valid_utf8(std::string_view text);

// True when `text` (valid UTF-8) has nothing but white space, line and paragraph
// separators and control characters: no character a person could read.
bool is_blank(std::string_view text);

}  // namespace intake::channels
