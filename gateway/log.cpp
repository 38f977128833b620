#include "gateway/log.hpp"

#include <chrono>
#include <cstdio>
#include <mutex>

#include "intake/time.hpp"

namespace intake::gateway::log {
namespace {

std::mutex output_mutex;

void write(std::string_view level, std::string_view event, nlohmann::json fields) {
  nlohmann::json line = nlohmann::json::object();
  line["time"] = format_rfc3339(std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
  line["level"] = level;
  line["event"] = event;
  if (fields.is_object())
    for (auto& [k, v] : fields.items()) line[k] = std::move(v);
  // Replace rather than throw on invalid UTF-8: a log line must never take the server down.
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock(output_mutex);
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
}

}  // namespace

void info(std::string_view event, nlohmann::json fields) { write("info", event, std::move(fields)); }
void warn(std::string_view event, nlohmann::json fields) { write("warn", event, std::move(fields)); }
void error(std::string_view event, nlohmann::json fields) { write("error", event, std::move(fields)); }

std::string mask_phone(std::string_view phone) {
  std::string digits;
  for (char c : phone)
    if ((c >= '0' && c <= '9') || c == '+') digits.push_back(c);
  if (digits.size() <= 4) return std::string(digits.size(), '*');
  const std::size_t keep_front = digits.size() >= 11 ? digits.size() - 8 : 0;
  return digits.substr(0, keep_front) + std::string(digits.size() - keep_front - 4, '*') +
         digits.substr(digits.size() - 4);
}

std::string mask_email(std::string_view email) {
  const auto at = email.find('@');
  if (at == std::string_view::npos || at == 0) return "***";
  // The first character whole (a UTF-8 lead byte and its continuation bytes).
  std::size_t first = 1;
  while (first < at && (static_cast<unsigned char>(email[first]) & 0xC0) == 0x80) ++first;
  return std::string(email.substr(0, first)) + "***" + std::string(email.substr(at));
}

}  // namespace intake::gateway::log
