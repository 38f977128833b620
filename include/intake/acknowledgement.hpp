#pragma once
// What the gateway answers a customer's message with, whatever the channel: the reply
// text, the case it was filed under and who handles the conversation. The store keeps
// it with the message so that a redelivery gets exactly the same answer.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "intake/time.hpp"

namespace intake {

struct CaseView {
  std::string number;
  std::string category;
  std::string severity;
  std::string status;
  std::optional<Timestamp> first_response_due;
};

struct Acknowledgement {
  std::optional<std::string> reply_text;
  std::optional<CaseView> case_view;
  std::string conversation_id;
  std::string handled_by = "bot";
  bool duplicate = false;
};

// The JSON spelling used by the generic chat webhook and for the stored copy.
// Times are written with the given offset (the company's zone).
inline nlohmann::json to_json(const Acknowledgement& a, UtcOffset offset) {
  using nlohmann::json;
  json out;
  out["reply"] = a.reply_text ? json{{"text", *a.reply_text}} : json(nullptr);
  if (a.case_view) {
    const CaseView& c = *a.case_view;
    out["case"] = {{"number", c.number},
                   {"category", c.category},
                   {"severity", c.severity},
                   {"status", c.status},
                   {"first_response_due",
                    c.first_response_due ? json(format_rfc3339(*c.first_response_due, offset)) : json(nullptr)}};
  } else {
    out["case"] = nullptr;
  }
  out["conversation"] = {{"id", a.conversation_id}, {"handled_by", a.handled_by}};
  out["duplicate"] = a.duplicate;
  return out;
}

// Reads what to_json wrote; returns nullopt when the document is not of that shape.
inline std::optional<Acknowledgement> acknowledgement_from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("conversation") || !j["conversation"].is_object()) return std::nullopt;
  Acknowledgement a;
  if (j.contains("reply") && j["reply"].is_object() && j["reply"].contains("text") && j["reply"]["text"].is_string())
    a.reply_text = j["reply"]["text"].get<std::string>();
  if (j.contains("case") && j["case"].is_object()) {
    const auto& c = j["case"];
    CaseView v;
    v.number = c.value("number", "");
    v.category = c.value("category", "");
    v.severity = c.value("severity", "");
    v.status = c.value("status", "");
    if (c.contains("first_response_due") && c["first_response_due"].is_string())
      v.first_response_due = parse_rfc3339(c["first_response_due"].get<std::string>());
    a.case_view = std::move(v);
  }
  a.conversation_id = j["conversation"].value("id", "");
  a.handled_by = j["conversation"].value("handled_by", "bot");
  a.duplicate = j.value("duplicate", false);
  return a;
}

}  // namespace intake
