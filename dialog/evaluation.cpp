#include "intake/dialog/evaluation.hpp"

#include "intake/dialog/engine.hpp"

#include <algorithm>

namespace intake::dialog {
namespace {

using nlohmann::json;

Error corpus_error(std::string message) { return make_error("invalid_corpus", std::move(message)); }

double ratio(int numerator, int denominator) {
  return denominator ? static_cast<double>(numerator) / denominator : 0;
}

void tally(PrecisionRecall& pr, bool expected, bool predicted) {
  if (expected && predicted) ++pr.true_positives;
  else if (predicted) ++pr.false_positives;
  else if (expected) ++pr.false_negatives;
}

// Reads an optional array of label ids ("categories", "intents") with `parse`.
template <class T, class Parse>
std::optional<Error> read_ids(const json& j, const char* key, Parse parse, std::vector<T>& out) {
  if (!j.contains(key)) return std::nullopt;
  if (!j[key].is_array()) return corpus_error(std::string("\"") + key + "\" must be an array");
  for (const auto& id : j[key]) {
    auto parsed = id.is_string() ? parse(id.get<std::string>()) : std::nullopt;
    if (!parsed) return corpus_error(std::string("\"") + key + "\" holds an unknown id: " + id.dump());
    out.push_back(*parsed);
  }
  return std::nullopt;
}

template <class T>
bool contains(const std::vector<T>& v, T x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

double PrecisionRecall::precision() const { return ratio(true_positives, true_positives + false_positives); }
double PrecisionRecall::recall() const { return ratio(true_positives, true_positives + false_negatives); }
double PrecisionRecall::f1() const {
  const double p = precision(), r = recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

Result<LabelledMessage> parse_labelled_message(std::string_view json_line) {
  const json j = json::parse(json_line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return corpus_error("not a JSON object");
  LabelledMessage m;
  if (!j.contains("text") || !j["text"].is_string()) return corpus_error("\"text\" must be a string");
  m.text = j["text"].get<std::string>();
  if (j.contains("id") && j["id"].is_string()) m.id = j["id"].get<std::string>();
  if (!j.contains("primary") || !j["primary"].is_string() || !parse_category(j["primary"].get<std::string>()))
    return corpus_error("\"primary\" must be a category id");
  m.primary = *parse_category(j["primary"].get<std::string>());
  if (auto e = read_ids(j, "categories", parse_category, m.categories)) return *e;
  if (!contains(m.categories, m.primary)) m.categories.push_back(m.primary);
  if (!j.contains("severity") || !j["severity"].is_string() || !parse_severity(j["severity"].get<std::string>()))
    return corpus_error("\"severity\" must be normal, serious or major");
  m.severity = *parse_severity(j["severity"].get<std::string>());
  if (auto e = read_ids(j, "intents", parse_intent, m.intents)) return *e;
  if (j.contains("channel") && j["channel"].is_string()) m.channel = j["channel"].get<std::string>();
  return m;
}

void Scores::add(const LabelledMessage& expected, const Classification& got) {
  ++count;
  if (got.primary == expected.primary) ++primary_correct;
  for (Category c : kAllCategories)
    tally(categories[c], contains(expected.categories, c), contains(got.categories, c));
  for (Severity s : {Severity::serious, Severity::major})
    tally(severity[s], expected.severity == s, got.severity == s);
  ++severity_confusion[expected.severity][got.severity];
  for (Intent i : kAllIntents) tally(intents[i], contains(expected.intents, i), contains(got.intents, i));
}

json Scores::to_json() const {
  auto pr = [](const PrecisionRecall& p) { return json{{"precision", p.precision()}, {"recall", p.recall()}}; };
  json out = {{"count", count}, {"primary_accuracy", primary_accuracy()}};
  out["categories"] = json::object();
  for (const auto& [c, p] : categories)
    out["categories"][std::string(to_string(c))] = {
        {"precision", p.precision()}, {"recall", p.recall()}, {"f1", p.f1()}, {"support", p.support()}};
  out["severity"] = json::object();
  for (const auto& [s, p] : severity) out["severity"][std::string(to_string(s))] = pr(p);
  json confusion = json::object();
  for (const auto& [labelled, row] : severity_confusion)
    for (const auto& [predicted, n] : row) confusion[std::string(to_string(labelled))][std::string(to_string(predicted))] = n;
  out["severity_confusion"] = confusion;
  out["intents"] = json::object();
  for (const auto& [i, p] : intents) out["intents"][std::string(to_string(i))] = pr(p);
  return out;
}

std::string label_summary(const Classification& c) {
  std::string s = std::string(to_string(c.primary)) + "/" + std::string(to_string(c.severity));
  for (Intent i : c.intents) s += " +" + std::string(to_string(i));
  return s;
}

json PackComparison::to_json() const {
  json out = {{"candidate", candidate.to_json()}, {"changed", json::array()}};
  if (baseline) out["baseline"] = baseline->to_json();
  for (const Change& c : changed)
    out["changed"].push_back({{"id", c.id}, {"text", c.text}, {"before", c.before}, {"after", c.after}});
  return out;
}

PackComparison compare_packs(const RulePack& candidate, const RulePack* baseline,
                             const std::vector<LabelledMessage>& messages, const ChineseConverter* converter) {
  PackComparison out;
  if (baseline) out.baseline.emplace();
  for (const LabelledMessage& m : messages) {
    const Classification now = classify_message(candidate, m.text, converter, m.channel);
    out.candidate.add(m, now);
    if (!baseline) continue;
    const Classification before = classify_message(*baseline, m.text, converter, m.channel);
    out.baseline->add(m, before);
    std::string was = label_summary(before), is = label_summary(now);
    if (was != is) out.changed.push_back({m.id, m.text, std::move(was), std::move(is)});
  }
  return out;
}

}  // namespace intake::dialog
