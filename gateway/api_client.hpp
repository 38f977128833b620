#pragma once
// One HTTPS call to a provider's API (libcurl), for the outbox's chat and SMS senders.
#include <chrono>
#include <filesystem>
#include <string>

#include "intake/channels/send_api.hpp"
#include "intake/result.hpp"

namespace intake::gateway {

struct ApiClientSettings {
  std::filesystem::path ca_file;  // trust this CA besides none other (a test server); empty: the system's
  std::chrono::seconds timeout{15};
};

// Makes `request` over TLS with the server's certificate and host name verified, without
// following redirects (a provider never sends one to its API; a redirect would carry the
// credentials elsewhere). Any HTTP status is a response; an Error (code "transport") means
// no answer came: no connection, a TLS failure, a timeout. Blocks for at most the timeout.
Result<channels::ApiResponse> call_api(const channels::ApiRequest& request, const ApiClientSettings& settings);

}  // namespace intake::gateway
