#pragma once
// The Message-IDs the gateway writes on its e-mail replies: "intake.<16 hex>@<domain>",
// derived from the identity of the message answered, so that computing it twice (the
// HTTP answer, the outbox) gives the same id, and recognisable, so that a reply of ours
// that comes back is never answered (dialog/reply_guard.hpp).
#include <cstdio>
#include <string>
#include <string_view>

#include "intake/ascii.hpp"
#include "intake/fnv1a.hpp"
#include "intake/inbound.hpp"

namespace intake {

inline std::string reply_message_id(const Inbound& answered, std::string_view own_domain) {
  const std::string identity = answered.channel + '\n' + answered.provider + '\n' + answered.external_id;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a64(identity)));
  return "intake." + std::string(hex) + "@" + std::string(own_domain);
}

// True when `message_id` (without angle brackets) has the form reply_message_id writes
// for `own_domain`; case-insensitive, as mail systems may change the case of a domain.
inline bool is_own_message_id(std::string_view message_id, std::string_view own_domain) {
  const std::string suffix = "@" + ascii_lower(own_domain);
  if (own_domain.empty() || message_id.size() < 7 + 16 + suffix.size()) return false;
  return ascii_lower(message_id.substr(0, 7)) == "intake." &&
         ascii_lower(message_id.substr(message_id.size() - suffix.size())) == suffix;
}

}  // namespace intake
