#include "intake/dialog/slot_extractors.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "dialog/pack_parsing.hpp"

namespace intake::dialog {
namespace {

using nlohmann::json;

// Slot values keep the customer's case, so patterns match either case.
RE2::Options slot_options() { return pattern_options(/*case_sensitive=*/false); }

}  // namespace

struct SlotExtractors::Prefilter {
  re2::RE2::Set set{slot_options(), RE2::UNANCHORED};
};

SlotExtractors::SlotExtractors() = default;
SlotExtractors::SlotExtractors(SlotExtractors&&) noexcept = default;
SlotExtractors& SlotExtractors::operator=(SlotExtractors&&) noexcept = default;
SlotExtractors::~SlotExtractors() = default;

Result<SlotExtractors> SlotExtractors::parse(const json& pack, std::string_view source) {
  auto error = [&](const std::string& pointer, const std::string& what) { return pack_error(source, pointer, what); };
  SlotExtractors out;
  if (pack.contains("slots")) {
    const json& slots = pack["slots"];
    if (!slots.is_array()) return error("/slots", "must be an array of slot extractors");
    for (std::size_t i = 0; i < slots.size(); ++i) {
      const std::string at = "/slots/" + std::to_string(i);
      const json& s = slots[i];
      if (!s.is_object()) return error(at, "a slot extractor must be an object");
      for (const char* key : {"id", "pattern"})
        if (!s.contains(key) || !s[key].is_string() || s[key].get<std::string>().empty())
          return error(at + "/" + key, "a non-empty string is required");
      Extractor e;
      e.id = s["id"].get<std::string>();
      e.regex = std::make_unique<re2::RE2>(s["pattern"].get<std::string>(), slot_options());
      if (!e.regex->ok()) return error(at + "/pattern", "RE2: " + e.regex->error());
      if (e.regex->NumberOfCapturingGroups() == 0) {
        if (!s.contains("value") || !s["value"].is_string() || s["value"].get<std::string>().empty())
          return error(at + "/value", "a pattern without a capture group needs a fixed \"value\"");
        e.fixed_value = s["value"].get<std::string>();
      }
      if (s.contains("names")) {
        if (!s["names"].is_object()) return error(at + "/names", "must be an object of script → name");
        for (const auto& [tag, name] : s["names"].items()) {
          const auto script = parse_script(tag);
          if (!script || !name.is_string()) return error(at + "/names/" + tag, "expected zh-Hans, zh-Hant or en → a string");
          out.names_[e.id][*script] = name.get<std::string>();
        }
      }
      out.extractors_.push_back(std::move(e));
    }
  }
  // Most messages hold no detail at all: one pass of a Set tells which extractors can
  // match, so a message pays for the others not at all.
  out.prefilter_ = std::make_unique<Prefilter>();
  for (std::size_t i = 0; i < out.extractors_.size(); ++i) {
    std::string set_error;
    if (out.prefilter_->set.Add(out.extractors_[i].regex->pattern(), &set_error) < 0)
      return error("/slots/" + std::to_string(i) + "/pattern", "RE2: " + set_error);
  }
  if (!out.prefilter_->set.Compile()) return error("/slots", "RE2::Set failed to compile the slot patterns");
  if (pack.contains("details_needed")) {
    const json& needed = pack["details_needed"];
    if (!needed.is_object()) return error("/details_needed", "must be an object of category → groups of slot ids");
    for (const auto& [category_id, groups] : needed.items()) {
      const std::string at = "/details_needed/" + category_id;
      const auto category = parse_category(category_id);
      if (!category) return error(at, "unknown category");
      if (!groups.is_array()) return error(at, "must be an array of groups (arrays of slot ids)");
      for (std::size_t g = 0; g < groups.size(); ++g) {
        if (!groups[g].is_array() || groups[g].empty())
          return error(at + "/" + std::to_string(g), "a group must be a non-empty array of slot ids");
        std::vector<std::string> group;
        for (std::size_t k = 0; k < groups[g].size(); ++k) {
          const std::string slot_at = at + "/" + std::to_string(g) + "/" + std::to_string(k);
          if (!groups[g][k].is_string()) return error(slot_at, "must be a slot id");
          const std::string id = groups[g][k].get<std::string>();
          const auto names = out.names_.find(id);
          if (names == out.names_.end() || names->second.size() != kAllScripts.size())
            return error(slot_at, "slot \"" + id + "\" needs \"names\" in zh-Hans, zh-Hant and en to be asked for");
          group.push_back(id);
        }
        out.needed_[*category].push_back(std::move(group));
      }
    }
  }
  return out;
}

Slots SlotExtractors::extract(std::string_view text) const {
  Slots found;
  if (!prefilter_ || extractors_.empty()) return found;
  std::vector<int> candidates;
  re2::RE2::Set::ErrorInfo error{};
  if (!prefilter_->set.Match(text, &candidates, &error) && error.kind != re2::RE2::Set::kNoError) {
    candidates.resize(extractors_.size());  // out of DFA memory: try every extractor
    for (std::size_t i = 0; i < candidates.size(); ++i) candidates[i] = static_cast<int>(i);
  }
  std::sort(candidates.begin(), candidates.end());  // pack order decides which extractor wins
  for (int index : candidates) {
    const Extractor& e = extractors_[static_cast<std::size_t>(index)];
    if (found.count(e.id)) continue;
    if (e.fixed_value.empty()) {
      std::string value;
      if (RE2::PartialMatch(text, *e.regex, &value) && !value.empty()) found.emplace(e.id, std::move(value));
    } else if (RE2::PartialMatch(text, *e.regex)) {
      found.emplace(e.id, e.fixed_value);
    }
  }
  return found;
}

std::vector<std::vector<std::string>> SlotExtractors::missing(Category category, const Slots& known) const {
  std::vector<std::vector<std::string>> out;
  auto it = needed_.find(category);
  if (it == needed_.end()) return out;
  for (const auto& group : it->second)
    if (std::none_of(group.begin(), group.end(), [&](const std::string& id) { return known.count(id) > 0; }))
      out.push_back(group);
  return out;
}

std::string SlotExtractors::display_name(std::string_view slot_id, Script script) const {
  auto it = names_.find(slot_id);
  if (it == names_.end()) return std::string(slot_id);
  auto name = it->second.find(script);
  return name == it->second.end() ? std::string(slot_id) : name->second;
}

}  // namespace intake::dialog
