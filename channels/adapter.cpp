#include "intake/channels/adapter.hpp"

#include <nlohmann/json.hpp>

namespace intake::channels {

RenderedReply Adapter::render_not_a_message(std::string_view reason) const {
  return RenderedReply{"application/json", nlohmann::json{{"ignored", reason}}.dump()};
}

std::optional<Result<RenderedReply>> Adapter::answer_get(const HttpRequestView& /*request*/) const {
  return std::nullopt;
}

}  // namespace intake::channels
