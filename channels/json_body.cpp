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
  }
}

}  // namespace intake::channels
