#pragma once
// Scoring a rule pack against a labelled corpus (../shared/docs/LABELS.md's JSON Lines
// format): primary accuracy, per-category precision/recall/F1 over the category sets,
// severity precision/recall and confusion, per-intent precision/recall. Pure.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "intake/decision.hpp"
#include "intake/result.hpp"

namespace intake::dialog {

struct LabelledMessage {
  std::string id;
  std::string text;
  Category primary = Category::other;
  std::vector<Category> categories;
  Severity severity = Severity::normal;
  std::vector<Intent> intents;
  std::string channel;  // "chat", "hotline", "email": rules scoped to a channel; empty when not said
};

// Parses one corpus line. Errors (code "invalid_corpus") say which field is wrong; the
// caller adds the file and line.
Result<LabelledMessage> parse_labelled_message(std::string_view json_line);

struct PrecisionRecall {
  int true_positives = 0;
  int false_positives = 0;
  int false_negatives = 0;
  double precision() const;
  double recall() const;
  double f1() const;
  int support() const { return true_positives + false_negatives; }
};

struct Scores {
  int count = 0;
  int primary_correct = 0;
  std::map<Category, PrecisionRecall> categories;
  std::map<Severity, PrecisionRecall> severity;
  std::map<Severity, std::map<Severity, int>> severity_confusion;  // [labelled][predicted]
  std::map<Intent, PrecisionRecall> intents;

  void add(const LabelledMessage& expected, const Classification& got);
  double primary_accuracy() const { return count ? static_cast<double>(primary_correct) / count : 0; }
  // The JSON that `intakectl rules regress --json` prints (see issue 3 / README).
  nlohmann::json to_json() const;
};

// A classification's labels on one line, for listing what a change of pack changes:
// "product_quality/major +human_request".
std::string label_summary(const Classification& c);

class RulePack;
class ChineseConverter;

// A candidate pack judged over labelled messages, beside the pack it would replace.
struct PackComparison {
  struct Change {
    std::string id, text, before, after;  // before/after: label_summary
  };
  Scores candidate;
  std::optional<Scores> baseline;  // with a baseline pack only
  std::vector<Change> changed;     // the messages whose labels differ, in corpus order

  // {"candidate": Scores::to_json(), "baseline": … | absent, "changed": [{"id", "text",
  //  "before", "after"}]}
  nlohmann::json to_json() const;
};

// Classifies each message (on its channel) with `candidate`, and with `baseline` when
// given, and scores both against the messages' labels.
PackComparison compare_packs(const RulePack& candidate, const RulePack* baseline,
                             const std::vector<LabelledMessage>& messages, const ChineseConverter* converter);

}  // namespace intake::dialog
