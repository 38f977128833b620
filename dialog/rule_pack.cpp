#include "intake/dialog/rule_pack.hpp"

#include "dialog/pack_parsing.hpp"
#include "dialog/rule_matcher.hpp"
#include "intake/fnv1a.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

namespace intake::dialog {
namespace {

using nlohmann::json;

// A stable fingerprint of the pack's text, so two packs with the same "version" but
// different content are told apart in the audit trail.
std::string fingerprint(std::string_view text) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a64(text)));
  return std::string(buf, 12);
}

// Text is case-folded by the normaliser; patterns are written folded.
RE2::Options regex_options() { return pattern_options(/*case_sensitive=*/true); }

}  // namespace

std::optional<RulePack::Effect> RulePack::effect_of(std::string_view target) {
  using Kind = Effect::Kind;
  if (target == "exclude") return Effect{Kind::exclude};
  if (target == "severity:major") return Effect{Kind::major};
  if (target == "severity:serious") return Effect{Kind::serious};
  if (target.starts_with("category:"))
    if (const auto category = parse_category(target.substr(9))) return Effect{Kind::category, *category};
  if (target.starts_with("intent:"))
    if (const auto intent = parse_intent(target.substr(7))) return Effect{Kind::intent, {}, *intent};
  return std::nullopt;
}

RulePack::RulePack() = default;
RulePack::~RulePack() = default;

Result<std::shared_ptr<const RulePack>> RulePack::parse(std::string_view json_text, std::string_view source) {
  json doc;
  try {
    doc = json::parse(json_text, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::exception& e) {  // syntax, and numbers out of range ("1e99999")
    return pack_error(source, "", std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) return pack_error(source, "", "the pack must be a JSON object");

  std::shared_ptr<RulePack> pack(new RulePack());
  const std::string declared = doc.value("version", "");
  if (!doc.contains("version") || !doc["version"].is_string() || declared.empty())
    return pack_error(source, "/version", "a non-empty string is required");
  pack->version_ = declared + "+" + fingerprint(json_text);
  if (doc.contains("min_score")) {
    if (!doc["min_score"].is_number() || doc["min_score"].get<double>() <= 0)
      return pack_error(source, "/min_score", "must be a positive number");
    pack->min_score_ = doc["min_score"].get<double>();
  }

  if (!doc.contains("rules") || !doc["rules"].is_array() || doc["rules"].empty())
    return pack_error(source, "/rules", "a non-empty array of rules is required");

  std::vector<std::string> patterns;
  std::unordered_map<std::string, std::size_t> index_of;
  std::vector<std::pair<std::size_t, std::vector<std::string>>> pending_cancels;
  const json& rules = doc["rules"];
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const std::string at = "/rules/" + std::to_string(i);
    const json& r = rules[i];
    if (!r.is_object()) return pack_error(source, at, "a rule must be an object");
    for (const char* key : {"id", "target", "pattern"})
      if (!r.contains(key) || !r[key].is_string() || r[key].get<std::string>().empty())
        return pack_error(source, at + "/" + key, "a non-empty string is required");
    Rule rule;
    rule.id = r["id"].get<std::string>();
    rule.target = r["target"].get<std::string>();
    const auto effect = effect_of(rule.target);
    if (!effect)
      return pack_error(source, at + "/target",
                        "unknown target \"" + rule.target +
                            "\" (expected category:<id>, severity:major|serious, intent:<id> or exclude)");
    rule.effect = *effect;
    if (index_of.count(rule.id)) return pack_error(source, at + "/id", "duplicate rule id \"" + rule.id + "\"");
    if (r.contains("weight")) {
      if (!r["weight"].is_number() || r["weight"].get<double>() <= 0)
        return pack_error(source, at + "/weight", "must be a positive number");
      rule.weight = r["weight"].get<double>();
    }
    if (r.contains("channels")) {
      const json& channels = r["channels"];
      if (!channels.is_array() || channels.empty())
        return pack_error(source, at + "/channels", "a non-empty array of channel names is required");
      for (std::size_t k = 0; k < channels.size(); ++k) {
        if (!channels[k].is_string() || channels[k].get<std::string>().empty())
          return pack_error(source, at + "/channels/" + std::to_string(k), "must be a channel name such as \"email\"");
        rule.channels.push_back(channels[k].get<std::string>());
      }
    }
    const std::string pattern = r["pattern"].get<std::string>();
    rule.regex = std::make_unique<re2::RE2>(pattern, regex_options());
    if (!rule.regex->ok()) return pack_error(source, at + "/pattern", "RE2: " + rule.regex->error());
    patterns.push_back(pattern);

    if (rule.effect.kind == Effect::Kind::exclude) {
      if (!r.contains("cancels") || !r["cancels"].is_array() || r["cancels"].empty())
        return pack_error(source, at + "/cancels", "an exclusion needs a non-empty array of rule ids");
      std::vector<std::string> names;
      for (std::size_t k = 0; k < r["cancels"].size(); ++k) {
        if (!r["cancels"][k].is_string())
          return pack_error(source, at + "/cancels/" + std::to_string(k), "must be a rule id string");
        names.push_back(r["cancels"][k].get<std::string>());
      }
      pending_cancels.emplace_back(i, std::move(names));
    }
    index_of.emplace(rule.id, i);
    pack->rules_.push_back(std::move(rule));
  }
  for (auto& [rule_index, names] : pending_cancels) {
    for (std::size_t k = 0; k < names.size(); ++k) {
      auto it = index_of.find(names[k]);
      if (it == index_of.end())
        return pack_error(source, "/rules/" + std::to_string(rule_index) + "/cancels/" + std::to_string(k),
                          "no rule has the id \"" + names[k] + "\"");
      pack->rules_[rule_index].cancels.push_back(it->second);
    }
  }
  auto matcher = RuleMatcher::build(patterns, kSetMemoryBudget);
  if (!matcher)
    return pack_error(source, "/rules", "RE2::Set failed to compile: " + matcher.error().message + "; simplify or split them");
  pack->matcher_ = std::make_unique<RuleMatcher>(std::move(*matcher));

  pack->handoff_.low_confidence_below = pack->min_score_;
  if (doc.contains("handoff")) {
    const json& h = doc["handoff"];
    if (!h.is_object()) return pack_error(source, "/handoff", "must be an object");
    if (h.contains("low_confidence_below")) {
      if (!h["low_confidence_below"].is_number() || h["low_confidence_below"].get<double>() <= 0)
        return pack_error(source, "/handoff/low_confidence_below", "must be a positive number");
      pack->handoff_.low_confidence_below = h["low_confidence_below"].get<double>();
    }
    if (h.contains("low_confidence_in_a_row")) {
      if (!h["low_confidence_in_a_row"].is_number_integer() || h["low_confidence_in_a_row"].get<int>() < 1)
        return pack_error(source, "/handoff/low_confidence_in_a_row", "must be a whole number of at least 1");
      pack->handoff_.low_confidence_in_a_row = h["low_confidence_in_a_row"].get<int>();
    }
  }
  auto templates = ReplyTemplates::parse(doc.contains("templates") ? doc["templates"] : json(), source);
  if (!templates) return templates.error();
  pack->templates_ = std::move(*templates);
  auto slots = SlotExtractors::parse(doc, source);
  if (!slots) return slots.error();
  pack->slots_ = std::move(*slots);
  return std::shared_ptr<const RulePack>(std::move(pack));
}

Classification RulePack::classify(std::string_view text, std::string_view channel) const {
  Classification out;
  out.pack_version = version_;

  // Only the rules that matched (a few) are worked on, never the whole pack (thousands).
  std::optional<std::vector<RuleMatcher::Match>> matched = matcher_->match(text);
  if (!matched) {
    // The Set's DFA ran out of memory on this text: one regex per rule gives the same
    // answer, slower. Never a silently empty classification.
    matched.emplace();
    for (std::size_t i = 0; i < rules_.size(); ++i) {
      re2::StringPiece span;
      if (!rules_[i].regex->Match(text, 0, text.size(), RE2::UNANCHORED, &span, 1)) continue;
      const auto begin = static_cast<std::size_t>(span.data() - text.data());
      matched->push_back({i, begin, begin + span.size()});
    }
  }
  std::erase_if(*matched, [&](const RuleMatcher::Match& m) {
    const Rule& rule = rules_[m.rule];
    return !rule.channels.empty() && std::find(rule.channels.begin(), rule.channels.end(), channel) == rule.channels.end();
  });
  // Exclusions first: a rule an exclusion cancels does not count for this message.
  std::vector<std::size_t> cancelled;
  for (const RuleMatcher::Match& m : *matched)
    if (rules_[m.rule].effect.kind == Effect::Kind::exclude)
      cancelled.insert(cancelled.end(), rules_[m.rule].cancels.begin(), rules_[m.rule].cancels.end());
  std::erase_if(*matched, [&](const RuleMatcher::Match& m) {
    return std::find(cancelled.begin(), cancelled.end(), m.rule) != cancelled.end();
  });

  out.hits.reserve(matched->size());
  std::array<double, kAllCategories.size()> score{};
  bool serious = false, major = false;
  for (const RuleMatcher::Match& m : *matched) {
    const Rule& rule = rules_[m.rule];
    out.hits.push_back(RuleHit{rule.id, rule.target, rule.weight, m.begin, m.end});
    switch (rule.effect.kind) {
      case Effect::Kind::category:
        score[static_cast<std::size_t>(rule.effect.category)] += rule.weight;
        break;
      case Effect::Kind::major:
        major = true;
        break;
      case Effect::Kind::serious:
        serious = true;
        break;
      case Effect::Kind::intent:
        if (std::find(out.intents.begin(), out.intents.end(), rule.effect.intent) == out.intents.end())
          out.intents.push_back(rule.effect.intent);
        break;
      case Effect::Kind::exclude:
        break;
    }
  }
  out.severity = major ? Severity::major : serious ? Severity::serious : Severity::normal;

  // Categories that reach the threshold, best score first, ties by LABELS.md's order.
  std::vector<Category> applies;
  for (Category c : kAllCategories)
    if (score[static_cast<std::size_t>(c)] >= min_score_) applies.push_back(c);
  const bool any_complaint = std::any_of(applies.begin(), applies.end(), is_complaint);
  if (any_complaint)  // a question that carries a complaint is filed as the complaint
    std::erase_if(applies, [](Category c) { return !is_complaint(c); });
  std::sort(applies.begin(), applies.end(), [&](Category a, Category b) {
    const double sa = score[static_cast<std::size_t>(a)], sb = score[static_cast<std::size_t>(b)];
    if (sa != sb) return sa > sb;
    return precedence_rank(a) < precedence_rank(b);
  });
  // Weak evidence stands only when nothing stronger was found: once some category has
  // strong evidence (twice min_score), categories that only reached min_score are not
  // listed. A vague "差评" files a review under product_quality on its own, but does not
  // add product_quality to a message whose real subject is a late parcel.
  const double strong = 2 * min_score_;
  if (!applies.empty() && score[static_cast<std::size_t>(applies.front())] >= strong)
    std::erase_if(applies, [&](Category c) { return score[static_cast<std::size_t>(c)] < strong; });
  if (!any_complaint && out.severity != Severity::normal) {
    // A threat, a safety incident or a demand for money is a grievance even when no rule
    // names its cause: LABELS.md files it under "complaint", so its clocks are a complaint's.
    out.primary = Category::complaint;
    out.categories = {Category::complaint};
    out.confidence = min_score_;
  } else if (applies.empty()) {
    out.primary = Category::other;
    out.categories = {Category::other};
    out.confidence = 0;
  } else {
    out.primary = applies.front();
    out.categories = std::move(applies);
    out.confidence = score[static_cast<std::size_t>(out.primary)];
  }
  return out;
}

}  // namespace intake::dialog
