#include "gateway/decision_explanation.hpp"

#include "intake/inbound.hpp"

namespace intake::gateway {

nlohmann::json explain_decision(const dialog::Engine& engine, std::string_view text, std::string_view channel,
                                Timestamp received_at) {
  using nlohmann::json;
  Inbound message;
  message.channel = std::string(channel);
  message.provider = "dry-run";
  message.text = std::string(text);
  message.received_at = received_at;
  const std::string normalized = dialog::rule_text(message.text, engine.converter());
  const Classification c = engine.classify(message.text, message.channel);
  const Decision d = engine.decide(ConversationState{}, message, c);
  json explanation = to_json(c);
  for (auto& hit : explanation["rules"]) {
    const auto span = hit["span"];
    const auto from = span[0].get<std::size_t>(), to = span[1].get<std::size_t>();
    hit["matched"] = from <= to && to <= normalized.size() ? normalized.substr(from, to - from) : std::string();
  }
  const char* actions[] = {"none", "open", "attach", "reopen"};
  return {{"normalized", normalized},
          {"classification", explanation},
          {"decision",
           {{"case_action", actions[static_cast<int>(d.case_action)]},
            {"category", to_string(d.category)},
            {"severity", to_string(d.severity)},
            {"first_response_due",
             d.first_response_due ? json(format_rfc3339(*d.first_response_due, engine.sla().offset())) : json(nullptr)},
            {"reply", d.reply_text ? json(*d.reply_text) : json(nullptr)},
            {"flags", d.flags},
            {"escalate", d.escalate ? json(to_string(*d.escalate)) : json(nullptr)},
            {"memory", to_json(d.memory)}}}};
}

}  // namespace intake::gateway
