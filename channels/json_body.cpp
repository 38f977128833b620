#include "intake/channels/json_body.hpp"

#include "intake/channels/adapter.hpp"
#include "intake/channels/signature.hpp"

namespace intake::channels {

Result<nlohmann::json> read_json_body(const HttpRequestView& request) {
  if (auto type = request.header("Content-Type"); type && !is_json_media_type(*type))
    return make_error(std::string(errc::unsupported_media_type), "Content-Type must be application/json");
  if (!is_valid_utf8(request.body)) return make_error(std::string(errc::invalid_utf8), "the body is not valid UTF-8");
  try {
    return nlohmann::json::parse(request.body);
  } catch (const nlohmann::json::parse_error& e) {
    return make_error(std::string(errc::invalid_json), "the body is not valid JSON (byte " + std::to_string(e.byte) + ")");
  } catch (const nlohmann::json::exception&) {
    // Not only syntax: a number too large for a double ("1e99999") is out_of_range.
    // Found by fuzzing; uncaught, it would have ended the process.
    return make_error(std::string(errc::invalid_json), "the body is not valid JSON (a number out of range)");
  }
}

Error field_error(std::string message) { return make_error(std::string(errc::invalid_field), std::move(message)); }

Result<std::string> required_id(const nlohmann::json& object, const char* name, const std::string& path) {
  constexpr std::size_t kMaxIdLength = 256;
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return field_error(path + name + " is required");
  if (!it->is_string()) return field_error(path + name + " must be a string");
  std::string value = it->get<std::string>();
  if (value.empty()) return field_error(path + name + " must not be empty");
  if (value.size() > kMaxIdLength) return field_error(path + name + " is longer than " + std::to_string(kMaxIdLength) + " bytes");
  return value;
}

Result<std::optional<std::string>> optional_string(const nlohmann::json& object, const char* name,
                                                   const std::string& path) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return std::optional<std::string>{};
  if (!it->is_string()) return field_error(path + name + " must be a string");
  return std::optional<std::string>{it->get<std::string>()};
}

}  // namespace intake::channels
