#include "rule_matchers.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

namespace intake::bench {

std::vector<PackRule> read_pack_rules(std::string_view json_text) {
  const auto doc = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  std::vector<PackRule> rules;
  std::unordered_map<std::string, std::size_t> index_of;
  for (const auto& r : doc.at("rules")) {
    index_of.emplace(r.at("id").get<std::string>(), rules.size());
    rules.push_back({r.at("id").get<std::string>(), r.at("target").get<std::string>(),
                     r.at("pattern").get<std::string>(), {}});
  }
  // Exclusions may name rules defined after them, so they are resolved in a second pass.
  const auto& json_rules = doc.at("rules");
  for (std::size_t i = 0; i < rules.size(); ++i)
    if (json_rules[i].contains("cancels"))
      for (const auto& name : json_rules[i]["cancels"]) rules[i].cancels.push_back(index_of.at(name.get<std::string>()));
  return rules;
}

RE2::Options pack_regex_options() {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingUTF8);
  options.set_log_errors(false);
  options.set_case_sensitive(true);
  return options;
}

FiredRules apply_exclusions(FiredRules fired, const std::vector<PackRule>& rules) {
  std::vector<bool> cancelled(rules.size(), false);
  for (std::size_t rule : fired)
    if (rules[rule].target == "exclude")
      for (std::size_t victim : rules[rule].cancels) cancelled[victim] = true;
  std::erase_if(fired, [&](std::size_t rule) { return cancelled[rule]; });
  return fired;
}

std::vector<std::size_t> all_rules(std::size_t n) {
  std::vector<std::size_t> indices(n);
  std::iota(indices.begin(), indices.end(), std::size_t{0});
  return indices;
}

PerRuleMatcher::PerRuleMatcher(const std::vector<PackRule>& rules) {
  regexes_.reserve(rules.size());
  for (const PackRule& rule : rules) {
    regexes_.push_back(std::make_unique<RE2>(rule.pattern, pack_regex_options()));
    if (!regexes_.back()->ok()) throw std::runtime_error("rule " + rule.id + ": RE2: " + regexes_.back()->error());
  }
}

FiredRules PerRuleMatcher::fired(std::string_view text) const {
  FiredRules fired;
  for (std::size_t i = 0; i < regexes_.size(); ++i)
    if (RE2::PartialMatch(text, *regexes_[i])) fired.push_back(i);
  return fired;
}

std::size_t PerRuleMatcher::count_fired(std::string_view text) const {
  std::size_t count = 0;
  for (const auto& regex : regexes_) count += RE2::PartialMatch(text, *regex) ? 1 : 0;
  return count;
}

std::string_view PerRuleMatcher::span(std::size_t rule, std::string_view text) const {
  re2::StringPiece match;
  if (!regexes_[rule]->Match(text, 0, text.size(), RE2::UNANCHORED, &match, 1)) return {};
  return {match.data(), match.size()};
}

namespace {

RE2::Options with_max_mem(RE2::Options options, std::int64_t max_mem) {
  options.set_max_mem(max_mem);
  return options;
}

}  // namespace

SetMatcher::SetMatcher(const std::vector<PackRule>& rules, const std::vector<std::size_t>& rules_in_set,
                       std::int64_t max_mem)
    : set_(std::make_unique<RE2::Set>(with_max_mem(pack_regex_options(), max_mem), RE2::UNANCHORED)),
      rule_of_entry_(rules_in_set) {
  for (std::size_t rule : rules_in_set) {
    std::string error;
    if (set_->Add(rules[rule].pattern, &error) < 0) throw std::runtime_error("rule " + rules[rule].id + ": RE2::Set: " + error);
  }
  if (!set_->Compile())
    throw std::runtime_error("RE2::Set of " + std::to_string(rules_in_set.size()) + " rules does not compile with max_mem " +
                             std::to_string(max_mem >> 20) + " MiB");
}

bool SetMatcher::match(std::string_view text, FiredRules& fired) const {
  std::vector<int> entries;
  RE2::Set::ErrorInfo error{};
  fired.clear();
  if (!set_->Match(text, &entries, &error)) return error.kind == RE2::Set::kNoError;
  for (int entry : entries) fired.push_back(rule_of_entry_[static_cast<std::size_t>(entry)]);
  std::sort(fired.begin(), fired.end());
  return true;
}

std::size_t SetMatcher::count_fired(std::string_view text) const {
  // The same call as RulePack::classify makes, so the timing is of that pass alone.
  std::vector<int> entries;
  set_->Match(text, &entries);
  return entries.size();
}

}  // namespace intake::bench
