#pragma once
// Twilio's webhook signature (X-Twilio-Signature), checked as Twilio's own helper
// libraries check it:
//   base64(HMAC-SHA1(auth token, URL + every parameter as name+value, names sorted and,
//   for a repeated name, its distinct values sorted))
// accepted for the URL with its port removed or with the scheme's default port added,
// since proxies and Twilio disagree about ports. A JSON body is signed through the URL
// instead: Twilio adds ?bodySHA256=<hex SHA-256 of the body> and signs the URL alone.
#include <optional>
#include <string>
#include <string_view>

#include "intake/channels/form_urlencoded.hpp"
#include "intake/http_view.hpp"
#include "intake/result.hpp"

namespace intake::channels {

// The signature of `url` and `params` under `auth_token` (base64).
std::string twilio_signature(std::string_view auth_token, std::string_view url, const FormFields& params);

// True when `signature` is valid for a form-encoded request to `url`.
bool twilio_form_signature_valid(std::string_view auth_token, std::string_view url, const FormFields& params,
                                 std::string_view signature);

// True when `signature` is valid for a request with a raw (JSON) body to `url`, which must
// carry bodySHA256 matching the body.
bool twilio_body_signature_valid(std::string_view auth_token, std::string_view url, std::string_view body,
                                 std::string_view signature);

struct TwilioOptions {
  std::optional<std::string> auth_token;  // when absent, unsigned requests pass only if allow_unsigned
  bool allow_unsigned = false;
  // The gateway's public URL as Twilio calls it ("https://intake.example.com"); empty:
  // https:// and the request's Host header.
  std::string public_base_url;
};

// The URL Twilio signed for this request: the public base URL (or https:// and Host)
// followed by the request target, query included.
std::string twilio_request_url(const TwilioOptions& options, const HttpRequestView& request);

// Checks the signature of a form-encoded Twilio webhook and returns its fields.
// Errors: errc::unauthorized (missing or wrong signature, no auth token configured),
// errc::unsupported_media_type, errc::invalid_field (a malformed form).
Result<FormFields> read_signed_twilio_form(const TwilioOptions& options, const HttpRequestView& request);

}  // namespace intake::channels
