#include "pack_under_test.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <stdexcept>
#include <unordered_map>

namespace intake::bench {
namespace {

constexpr std::size_t kDisagreementExamples = 3;

std::vector<std::string> ids_of(const std::vector<PackRule>& rules, const FiredRules& indices) {
  std::vector<std::string> ids;
  for (std::size_t i : indices) ids.push_back(rules[i].id);
  return ids;
}

std::string joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out.empty() ? "none" : out;
}

FiredRules minus(const FiredRules& a, const FiredRules& b) {
  FiredRules out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

// The start of a message for an error line: at most `max_bytes`, cut at a UTF-8 boundary.
std::string excerpt(const std::string& text, std::size_t max_bytes = 90) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

[[noreturn]] void disagree(const PackUnderTest& pack, std::size_t message, const std::string& text,
                           const std::string& first, const FiredRules& only_first, const std::string& second,
                           const FiredRules& only_second) {
  throw std::runtime_error("pack \"" + pack.label + "\", message #" + std::to_string(message) + " (\"" +
                           excerpt(text) + "\"): " + first + " fired [" + joined(ids_of(pack.rules, only_first)) +
                           "] that " + second + " did not, and " + second + " fired [" +
                           joined(ids_of(pack.rules, only_second)) + "] that " + first + " did not");
}

FiredRules classify_hits(const PackUnderTest& pack, const std::unordered_map<std::string, std::size_t>& index_of,
                         const std::string& text) {
  FiredRules hits;
  for (const RuleHit& hit : pack.pack->classify(text).hits) hits.push_back(index_of.at(hit.rule_id));
  std::sort(hits.begin(), hits.end());
  return hits;
}

#ifdef INTAKE_BENCH_HAVE_HYPERSCAN
void compare_with_hyperscan(const std::vector<PackRule>& rules, HyperscanUnderTest& hyperscan, std::size_t message,
                            const std::string& text, const FiredRules& re2_fired) {
  const auto& accepted = hyperscan.matcher->accepted();
  FiredRules re2_accepted;
  std::set_intersection(re2_fired.begin(), re2_fired.end(), accepted.begin(), accepted.end(),
                        std::back_inserter(re2_accepted));
  const FiredRules hyperscan_fired = hyperscan.matcher->fired(text);
  if (hyperscan_fired == re2_accepted) return;
  ++hyperscan.disagreeing_messages;
  if (hyperscan.examples.size() < kDisagreementExamples)
    hyperscan.examples.push_back({message, ids_of(rules, minus(hyperscan_fired, re2_accepted)),
                                  ids_of(rules, minus(re2_accepted, hyperscan_fired))});
}

HyperscanUnderTest compile_hyperscan(const PackUnderTest& pack, HyperscanMatcher::Classes classes) {
  HyperscanUnderTest out;
  const bool unicode = classes == HyperscanMatcher::Classes::unicode;
  out.key = unicode ? "hyperscan" : "hyperscan_ascii";
  out.name = unicode ? "Hyperscan, HS_FLAG_UCP" : "Hyperscan, no UCP (ASCII \\b, as RE2)";
  out.matcher = std::make_unique<HyperscanMatcher>(pack.rules, classes);
  const std::size_t accepted = out.matcher->accepted().size();
  if (accepted > 0 && accepted < pack.rules.size())
    out.set_of_accepted = std::make_unique<SetMatcher>(pack.rules, out.matcher->accepted(), pack.set_max_mem);
  return out;
}
#endif

}  // namespace

PackUnderTest load_pack(std::string label, std::string source, std::string json_text, bool required,
                        std::int64_t fallback_max_mem) {
  PackUnderTest out;
  out.label = std::move(label);
  out.source = std::move(source);
  out.json_text = std::move(json_text);
  const auto started = std::chrono::steady_clock::now();
  auto parsed = dialog::RulePack::parse(out.json_text, out.source);
  out.parse_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out.set_max_mem = dialog::RulePack::kSetMemoryBudget;  // the bare Set gets what the product's gets
  if (parsed) {
    out.pack = std::move(parsed).value();
  } else {
    if (required) throw std::runtime_error(parsed.error().message);
    out.rejected_by_rule_pack = parsed.error().message;
    out.set_max_mem = fallback_max_mem;
  }
  out.rules = read_pack_rules(out.json_text);
  out.per_rule = std::make_unique<PerRuleMatcher>(out.rules);
  out.set = std::make_unique<SetMatcher>(out.rules, all_rules(out.rules.size()), out.set_max_mem);
#ifdef INTAKE_BENCH_HAVE_HYPERSCAN
  out.hyperscan.push_back(compile_hyperscan(out, HyperscanMatcher::Classes::unicode));
  out.hyperscan.push_back(compile_hyperscan(out, HyperscanMatcher::Classes::ascii));
#endif
  return out;
}

void check_agreement(PackUnderTest& pack, const std::vector<std::string>& normalized_messages) {
  std::unordered_map<std::string, std::size_t> index_of;
  for (std::size_t i = 0; i < pack.rules.size(); ++i) index_of.emplace(pack.rules[i].id, i);

  std::size_t hits = 0, raw_matches = 0;
  FiredRules set_fired;
  pack.hits_of_message.clear();
  for (std::size_t m = 0; m < normalized_messages.size(); ++m) {
    const std::string& text = normalized_messages[m];
    const FiredRules per_rule_fired = pack.per_rule->fired(text);
    if (!pack.set->match(text, set_fired))
      throw std::runtime_error("pack \"" + pack.label + "\", message #" + std::to_string(m) + " (\"" + excerpt(text) +
                               "\"): RE2::Set gave up (its DFA ran out of memory); RulePack::classify would find no rule");
    if (set_fired != per_rule_fired)
      disagree(pack, m, text, "RE2::Set", minus(set_fired, per_rule_fired), "one RE2 per rule",
               minus(per_rule_fired, set_fired));

    FiredRules expected_hits = apply_exclusions(per_rule_fired, pack.rules);
    if (pack.pack) {
      const FiredRules classified = classify_hits(pack, index_of, text);
      if (classified != expected_hits)
        disagree(pack, m, text, "RulePack::classify", minus(classified, expected_hits),
                 "one RE2 per rule (after exclusions)", minus(expected_hits, classified));
    }
#ifdef INTAKE_BENCH_HAVE_HYPERSCAN
    for (auto& hyperscan : pack.hyperscan) compare_with_hyperscan(pack.rules, hyperscan, m, text, per_rule_fired);
#endif
    raw_matches += per_rule_fired.size();
    hits += expected_hits.size();
    if (expected_hits.empty()) ++pack.messages_without_hits;
    pack.hits_of_message.push_back(std::move(expected_hits));
  }
  const auto count = static_cast<double>(std::max<std::size_t>(normalized_messages.size(), 1));
  pack.hits_per_message = static_cast<double>(hits) / count;
  pack.raw_matches_per_message = static_cast<double>(raw_matches) / count;
}

}  // namespace intake::bench
