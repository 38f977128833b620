#pragma once
// Staff tokens: made by `intakectl staff add`, checked by the staff API on every request.
#include <optional>
#include <string>
#include <string_view>

namespace intake::gateway {

// A new staff token: "ist_" and 64 hex digits (256 random bits); nullopt without entropy.
std::optional<std::string> new_staff_token();

// What the database keeps of a token: the hex SHA-256 of its text.
std::string staff_token_digest(std::string_view token);

}  // namespace intake::gateway
