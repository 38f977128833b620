#include "intake/dialog/sla_policy.hpp"

#include <nlohmann/json.hpp>

namespace intake::dialog {
namespace {

// Ordered, so that a policy's clocks keep the order the file gives them.
using json = nlohmann::ordered_json;

Error sla_error(std::string_view source, const std::string& pointer, const std::string& what) {
  return make_error("invalid_sla_policy", std::string(source) + ": " + pointer + ": " + what);
}

std::optional<UtcOffset> parse_offset(const std::string& s) {
  // "+08:00" / "-05:30" / "Z"
  if (s == "Z") return UtcOffset{0};
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') return std::nullopt;
  auto digit = [&](std::size_t i) { return s[i] >= '0' && s[i] <= '9'; };
  if (!digit(1) || !digit(2) || !digit(4) || !digit(5)) return std::nullopt;
  const int h = (s[1] - '0') * 10 + (s[2] - '0'), m = (s[4] - '0') * 10 + (s[5] - '0');
  if (h > 14 || m > 59) return std::nullopt;
  return UtcOffset{(s[0] == '-' ? -1 : 1) * (h * 60 + m)};
}

}  // namespace

Result<std::shared_ptr<const SlaPolicy>> SlaPolicy::parse(std::string_view json_text, std::string_view source) {
  json doc;
  try {
    doc = json::parse(json_text, nullptr, true, /*ignore_comments=*/true);
  } catch (const json::exception& e) {  // syntax, and numbers out of range ("1e99999")
    return sla_error(source, "", std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) return sla_error(source, "", "the policy must be a JSON object");
  auto policy = std::make_shared<SlaPolicy>();
  if (doc.contains("utc_offset")) {
    auto offset = doc["utc_offset"].is_string() ? parse_offset(doc["utc_offset"].get<std::string>()) : std::nullopt;
    if (!offset) return sla_error(source, "/utc_offset", "must be an offset like \"+08:00\"");
    policy->offset_ = *offset;
  }
  if (!doc.contains("policies") || !doc["policies"].is_array() || doc["policies"].empty())
    return sla_error(source, "/policies", "a non-empty array is required");
  for (std::size_t i = 0; i < doc["policies"].size(); ++i) {
    const std::string at = "/policies/" + std::to_string(i);
    const json& p = doc["policies"][i];
    if (!p.is_object() || !p.contains("match") || !p["match"].is_object())
      return sla_error(source, at + "/match", "an object is required");
    Policy out;
    const json& m = p["match"];
    for (const auto& [key, value] : m.items()) {
      if (key == "category") {
        auto c = value.is_string() ? parse_category(value.get<std::string>()) : std::nullopt;
        if (!c) return sla_error(source, at + "/match/category", "unknown category");
        out.category = c;
      } else if (key == "severity") {
        auto s = value.is_string() ? parse_severity(value.get<std::string>()) : std::nullopt;
        if (!s) return sla_error(source, at + "/match/severity", "must be normal, serious or major");
        out.severity = s;
      } else if (key == "complaint") {
        if (!value.is_boolean()) return sla_error(source, at + "/match/complaint", "must be true or false");
        out.complaint = value.get<bool>();
      } else {
        return sla_error(source, at + "/match/" + key, "unknown key (expected category, complaint, severity)");
      }
    }
    if (!p.contains("clocks") || !p["clocks"].is_object() || p["clocks"].empty())
      return sla_error(source, at + "/clocks", "a non-empty object of clock → duration is required");
    for (const auto& [name, duration] : p["clocks"].items()) {
      const std::string clock_at = at + "/clocks/" + name;
      if (!duration.is_object() || duration.size() != 1)
        return sla_error(source, clock_at, "must be an object with one unit, e.g. {\"hours\": 24}");
      const std::string unit = duration.begin().key();
      const json& amount = duration.begin().value();
      if (unit != "hours")
        return sla_error(source, clock_at + "/" + unit,
                         "unsupported unit (only \"hours\" until the business calendar is configured)");
      if (!amount.is_number() || amount.get<double>() <= 0)
        return sla_error(source, clock_at + "/" + unit, "must be a positive number");
      out.clocks.emplace_back(name, std::chrono::minutes(static_cast<long>(amount.get<double>() * 60 + 0.5)));
    }
    policy->policies_.push_back(std::move(out));
  }
  return std::shared_ptr<const SlaPolicy>(std::move(policy));
}

const SlaPolicy::Policy* SlaPolicy::match(Category category, Severity severity) const {
  for (const Policy& p : policies_) {
    if (p.category && *p.category != category) continue;
    if (p.complaint && *p.complaint != is_complaint(category)) continue;
    if (p.severity && *p.severity != severity) continue;
    return &p;
  }
  return nullptr;
}

std::vector<Clock> SlaPolicy::clocks(Category category, Severity severity, Timestamp start) const {
  std::vector<Clock> out;
  if (const Policy* p = match(category, severity))
    for (const auto& [name, duration] : p->clocks) out.push_back(Clock{name, start + duration});
  return out;
}

std::optional<Timestamp> SlaPolicy::first_response_due(Category category, Severity severity, Timestamp start) const {
  for (Clock& c : clocks(category, severity, start))
    if (c.name == "first_response") return c.due;
  return std::nullopt;
}

}  // namespace intake::dialog
