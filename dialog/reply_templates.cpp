#include "intake/dialog/reply_templates.hpp"

#include <nlohmann/json.hpp>

#include "dialog/pack_parsing.hpp"

namespace intake::dialog {

Result<ReplyTemplates> ReplyTemplates::parse(const nlohmann::json& templates, std::string_view source) {
  auto error = [&](const std::string& pointer, const std::string& what) { return pack_error(source, pointer, what); };
  if (!templates.is_object()) return error("/templates", "must be an object of template name → texts");
  ReplyTemplates out;
  for (const auto& [name, scripts] : templates.items()) {
    const std::string at = "/templates/" + name;
    if (!scripts.is_object()) return error(at, "must be an object of script → text");
    for (const auto& [tag, text] : scripts.items()) {
      const auto script = parse_script(tag);
      if (!script) return error(at + "/" + tag, "unknown script (expected zh-Hans, zh-Hant or en)");
      if (!text.is_string() || text.get<std::string>().empty()) return error(at + "/" + tag, "a non-empty string is required");
      out.texts_[name][*script] = text.get<std::string>();
    }
    for (Script script : kAllScripts)
      if (!out.texts_[name].count(script))
        return error(at + "/" + std::string(to_string(script)), "missing: every template needs zh-Hans, zh-Hant and en");
  }
  for (std::string_view required : kRequired)
    if (!out.texts_.count(std::string(required))) return error("/templates/" + std::string(required), "this template is required");
  return out;
}

const std::string* ReplyTemplates::find(std::string_view name, Script script, std::optional<Category> category,
                                        std::optional<Severity> severity) const {
  const std::string base(name);
  std::vector<std::string> candidates;
  if (category && severity)
    candidates.push_back(base + "." + std::string(to_string(*category)) + "." + std::string(to_string(*severity)));
  if (category) candidates.push_back(base + "." + std::string(to_string(*category)));
  if (severity) candidates.push_back(base + "." + std::string(to_string(*severity)));
  candidates.push_back(base);
  for (const std::string& candidate : candidates)
    if (auto it = texts_.find(candidate); it != texts_.end()) return &it->second.at(script);
  return nullptr;
}

}  // namespace intake::dialog
