#include "intake/channels/adapter.hpp"

#include <nlohmann/json.hpp>

namespace intake::channels {

RenderedReply Adapter::render_not_a_message(std::string_view reason) const {
  return RenderedReply{"application/json", nlohmann::json{{"ignored", reason}}.dump()};
}

}  // namespace intake::channels
