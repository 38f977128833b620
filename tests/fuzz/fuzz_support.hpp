#pragma once
// What the fuzz targets share: a request view over fuzzed bytes, and a check that stops
// the fuzzer when a property the adapters promise does not hold.
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "intake/channels/signature.hpp"
#include "intake/http_view.hpp"
#include "intake/inbound.hpp"

namespace intake::fuzz {

inline HttpRequestView request(std::string_view target, std::string_view body, std::string_view content_type) {
  return HttpRequestView{"POST", target, body, [content_type](std::string_view name) -> std::optional<std::string_view> {
                           if (name == "Content-Type") return content_type;
                           return std::nullopt;
                         }};
}

inline void require(bool holds, const char* what) {
  if (!holds) {
    std::fprintf(stderr, "fuzz property violated: %s\n", what);
    std::abort();
  }
}

// What every accepted message must be: text a person can read, as valid UTF-8, with ids.
inline void check_inbound(const Inbound& in) {
  require(channels::is_valid_utf8(in.text), "accepted text is valid UTF-8");
  require(!channels::is_blank(in.text), "accepted text is not blank");
  require(!in.external_id.empty(), "an accepted message has a delivery id");
  require(!in.sender.id.empty(), "an accepted message has a sender");
}

}  // namespace intake::fuzz
