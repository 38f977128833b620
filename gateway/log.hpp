#pragma once
// Operator logs: one JSON object per line on stderr, with a time, a level and an event
// name, then the event's fields. Never pass secrets, message texts or full contact
// details: mask_phone / mask_email exist for the latter.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace intake::gateway::log {

void info(std::string_view event, nlohmann::json fields = nlohmann::json::object());
void warn(std::string_view event, nlohmann::json fields = nlohmann::json::object());
void error(std::string_view event, nlohmann::json fields = nlohmann::json::object());

// "+86138****5678": the country code and operator prefix, then the last four digits.
std::string mask_phone(std::string_view phone);
// "w***@example.com".
std::string mask_email(std::string_view email);

}  // namespace intake::gateway::log
