#include "gateway/staff_tokens.hpp"

#include "gateway/random.hpp"
#include "intake/channels/signature.hpp"

namespace intake::gateway {

std::optional<std::string> new_staff_token() {
  auto random = random_hex(32);
  if (!random) return std::nullopt;
  return "ist_" + *random;
}

std::string staff_token_digest(std::string_view token) { return channels::sha256_hex(token); }

}  // namespace intake::gateway
