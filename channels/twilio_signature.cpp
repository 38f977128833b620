#include "intake/channels/twilio_signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>

#include "channels/base64.hpp"
#include "intake/channels/adapter.hpp"
#include "intake/channels/signature.hpp"

namespace intake::channels {
namespace {


bool equal_in_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

struct UrlParts {
  std::string scheme, host, port, rest;  // rest: path, query, fragment
};

std::optional<UrlParts> split_url(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  UrlParts parts;
  parts.scheme = std::string(url.substr(0, scheme_end));
  for (char& c : parts.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::size_t authority_start = scheme_end + 3;
  const std::size_t authority_end = std::min(url.find_first_of("/?#", authority_start), url.size());
  std::string_view authority = url.substr(authority_start, authority_end - authority_start);
  parts.rest = std::string(url.substr(authority_end));
  const std::size_t at = authority.rfind('@');
  const std::string_view userinfo = at == std::string_view::npos ? std::string_view{} : authority.substr(0, at + 1);
  std::string_view hostport = at == std::string_view::npos ? authority : authority.substr(at + 1);
  const std::size_t colon = hostport.rfind(':');
  if (colon != std::string_view::npos && hostport.find(']', colon) == std::string_view::npos) {
    parts.port = std::string(hostport.substr(colon + 1));
    hostport = hostport.substr(0, colon);
  }
  parts.host = std::string(userinfo) + std::string(hostport);
  return parts;
}

// The URL as Twilio's helpers rebuild it, with the port removed and with the default
// port added (when the URL names a port, both keep it, as in Twilio's helpers).
std::vector<std::string> url_variants(std::string_view url) {
  auto parts = split_url(url);
  if (!parts) return {std::string(url)};
  if (!parts->port.empty()) {
    return {parts->scheme + "://" + parts->host + parts->rest,
            parts->scheme + "://" + parts->host + ":" + parts->port + parts->rest};
  }
  const std::string default_port = parts->scheme == "https" ? "443" : parts->scheme == "http" ? "80" : "";
  std::vector<std::string> out{std::string(url)};
  if (!default_port.empty()) out.push_back(parts->scheme + "://" + parts->host + ":" + default_port + parts->rest);
  return out;
}

bool any_variant_matches(std::string_view auth_token, std::string_view url, const FormFields& params,
                         std::string_view signature) {
  bool valid = false;
  for (const std::string& variant : url_variants(url))
    valid |= equal_in_constant_time(twilio_signature(auth_token, variant, params), signature);
  return valid;
}

// The value of `name` in the URL's query, if present.
std::optional<std::string> query_value(std::string_view url, std::string_view name) {
  const std::size_t q = url.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  auto fields = parse_form_urlencoded(url.substr(q + 1, url.find('#', q) - q - 1));
  if (!fields) return std::nullopt;
  return form_value(*fields, name);
}

Error unauthorized(std::string message) { return make_error(std::string(errc::unauthorized), std::move(message)); }

}  // namespace

std::string twilio_signature(std::string_view auth_token, std::string_view url, const FormFields& params) {
  std::map<std::string, std::set<std::string>> sorted;
  for (const auto& [name, value] : params) sorted[name].insert(value);
  std::string data(url);
  for (const auto& [name, values] : sorted)
    for (const std::string& value : values) data += name + value;
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha1(), auth_token.data(), static_cast<int>(auth_token.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &len);
  return base64_encode(mac.data(), len);
}

bool twilio_form_signature_valid(std::string_view auth_token, std::string_view url, const FormFields& params,
                                 std::string_view signature) {
  return !auth_token.empty() && any_variant_matches(auth_token, url, params, signature);
}

bool twilio_body_signature_valid(std::string_view auth_token, std::string_view url, std::string_view body,
                                 std::string_view signature) {
  const auto declared = query_value(url, "bodySHA256");
  if (auth_token.empty() || !declared) return false;
  const bool body_matches = equal_in_constant_time(sha256_hex(body), *declared);
  return any_variant_matches(auth_token, url, {}, signature) && body_matches;
}

std::string twilio_request_url(const TwilioOptions& options, const HttpRequestView& request) {
  if (!options.public_base_url.empty()) {
    std::string base = options.public_base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + std::string(request.target);
  }
  const auto host = request.header("Host");
  return "https://" + std::string(host.value_or("")) + std::string(request.target);
}

Result<FormFields> read_signed_twilio_form(const TwilioOptions& options, const HttpRequestView& request) {
  if (auto type = request.header("Content-Type");
      type && type->find("application/x-www-form-urlencoded") == std::string_view::npos)
    return make_error(std::string(errc::unsupported_media_type), "Content-Type must be application/x-www-form-urlencoded");
  auto fields = parse_form_urlencoded(request.body);
  if (!options.auth_token) {
    if (!options.allow_unsigned)
      return unauthorized("this channel has no Twilio auth token configured (INTAKE_TWILIO_AUTH_TOKEN) "
                          "and does not accept unsigned requests");
  } else {
    const auto signature = request.header("X-Twilio-Signature");
    if (!signature) return unauthorized("X-Twilio-Signature header is missing");
    // A malformed form cannot have been signed by Twilio: refused as unsigned.
    if (!fields || !twilio_form_signature_valid(*options.auth_token, twilio_request_url(options, request), *fields, *signature))
      return unauthorized("X-Twilio-Signature does not match this URL and these parameters "
                          "(is public_base_url the URL Twilio calls?)");
  }
  if (!fields) return make_error(std::string(errc::invalid_field), "the body is not a valid form (a bad %-escape)");
  return std::move(*fields);
}

}  // namespace intake::channels
