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
  // Why no automatic reply was sent although one would have been (a mailing list, an
  // auto-responder, the per-recipient limit); see dialog/reply_guard.hpp.
  std::optional<std::string> suppressed_reason;
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
  if (a.suppressed_reason) out["suppressed_reason"] = *a.suppressed_reason;
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

// Reads what to_json wrote. Returns nullopt when the document is not of that shape,
// including a member of the wrong type; never throws.
inline std::optional<Acknowledgement> acknowledgement_from_json(const nlohmann::json& j) {
  auto string_at = [](const nlohmann::json& object, const char* name) -> std::optional<std::string> {
    auto it = object.find(name);
    if (it == object.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  if (!j.is_object() || !j.contains("conversation") || !j["conversation"].is_object()) return std::nullopt;
  Acknowledgement a;
  auto id = string_at(j["conversation"], "id");
  auto handled_by = string_at(j["conversation"], "handled_by");
  if (!id || !handled_by) return std::nullopt;
  a.conversation_id = std::move(*id);
  a.handled_by = std::move(*handled_by);

  if (auto reply = j.find("reply"); reply != j.end() && !reply->is_null()) {
    if (!reply->is_object()) return std::nullopt;
    a.reply_text = string_at(*reply, "text");
    if (!a.reply_text) return std::nullopt;
  }
  if (auto c = j.find("case"); c != j.end() && !c->is_null()) {
    if (!c->is_object()) return std::nullopt;
    auto number = string_at(*c, "number"), category = string_at(*c, "category"),
         severity = string_at(*c, "severity"), status = string_at(*c, "status");
    if (!number || !category || !severity || !status) return std::nullopt;
    CaseView v{std::move(*number), std::move(*category), std::move(*severity), std::move(*status), std::nullopt};
    if (auto due = c->find("first_response_due"); due != c->end() && !due->is_null()) {
      if (!due->is_string()) return std::nullopt;
      v.first_response_due = parse_rfc3339(due->get<std::string>());
      if (!v.first_response_due) return std::nullopt;
    }
    a.case_view = std::move(v);
  }
  if (auto s = j.find("suppressed_reason"); s != j.end() && !s->is_null()) {
    if (!s->is_string()) return std::nullopt;
    a.suppressed_reason = s->get<std::string>();
  }
  if (auto d = j.find("duplicate"); d != j.end()) {
    if (!d->is_boolean()) return std::nullopt;
    a.duplicate = d->get<bool>();
  }
  return a;
}

}  // namespace intake
