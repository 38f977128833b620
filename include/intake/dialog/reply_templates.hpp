#pragma once
// Reply templates of a rule pack: one text per script (zh-Hans, zh-Hant, en) for each
// template, with optional variants per case category and severity.
//
// Format (the pack's "templates" object):
//   "ack_new":                      {"zh-Hans": "…", "zh-Hant": "…", "en": "…"},
//   "ack_new.major":                {…},   // a major case of any category
//   "ack_new.product_quality":      {…},   // a product-quality case of any severity
//   "ack_new.product_quality.major":{…}
// Lookup tries "<name>.<category>.<severity>", "<name>.<category>", "<name>.<severity>",
// then "<name>". Every template must give all three scripts, so a customer is always
// answered in the writing they used. Placeholders are filled by the engine:
// {case_number}, {due}, {within}, {missing}, {status}.
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "intake/labels.hpp"
#include "intake/result.hpp"
#include "intake/script.hpp"

namespace intake::dialog {

class ReplyTemplates {
 public:
  // The templates every pack must define; the engine uses each of them.
  static constexpr std::string_view kRequired[] = {
      "ack_new", "ack_update", "greeting", "ask_details", "details_received", "status", "status_unknown",
      "handoff", "satisfaction_request", "satisfaction_thanks", "satisfaction_low",
      "case_status.new", "case_status.acknowledged", "case_status.in_progress", "case_status.pending_customer",
      "case_status.resolved", "case_status.closed", "case_status.reopened"};

  // `templates` is the pack's "templates" value; errors name `source` and the JSON pointer.
  static Result<ReplyTemplates> parse(const nlohmann::json& templates, std::string_view source);

  // The most specific variant of `name` for the case's labels, in `script`; nullptr if
  // `name` is not defined at all.
  const std::string* find(std::string_view name, Script script, std::optional<Category> category = std::nullopt,
                          std::optional<Severity> severity = std::nullopt) const;

 private:
  std::map<std::string, std::map<Script, std::string>, std::less<>> texts_;
};

}  // namespace intake::dialog
