#pragma once
// What the dialog decides for one message, and the conversation state it decides from.
// These types are the contract between dialog (which computes them, purely) and the
// store (which loads the state and applies the decision in one transaction).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "intake/labels.hpp"
#include "intake/time.hpp"

namespace intake {

// One rule that fired, with where it matched in the normalised text (byte offsets).
struct RuleHit {
  std::string rule_id;
  std::string target;  // "category:product_quality", "severity:major", "intent:human_request", "exclude:…"
  double weight = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
};

struct Classification {
  Category primary = Category::other;
  std::vector<Category> categories;  // every category that applies, primary first
  Severity severity = Severity::normal;
  std::vector<Intent> intents;
  double confidence = 0;             // score of the primary category, 0 when nothing fired
  std::vector<RuleHit> hits;         // the explanation: every rule that fired
  std::string pack_version;          // the rule pack that produced this
};

// The case a conversation currently has open, as the store knows it.
struct CaseSnapshot {
  std::string number;
  Category category = Category::other;
  Severity severity = Severity::normal;
  std::string status;
  std::optional<Timestamp> first_response_due;
};

// What the store knows about the sender's conversation before this message.
struct ConversationState {
  std::string handled_by = "bot";  // "bot" or "staff"
  std::optional<CaseSnapshot> open_case;
};

enum class CaseAction {
  none,    // no case is opened or touched (greetings, thanks)
  open,    // open a new case
  attach,  // add the message to the open case, updating its labels and due time
};

struct Decision {
  Classification classification;
  CaseAction case_action = CaseAction::none;
  // The case's labels and first-response due time after this message.
  Category category = Category::other;
  Severity severity = Severity::normal;
  std::optional<Timestamp> first_response_due;
  // The reply to send, if any. It may contain the token `{case_number}`: the number of a
  // new case is allocated by the store inside the transaction, so only the store can
  // substitute it. Nothing else in the text is left for the store.
  std::optional<std::string> reply_text;
  std::vector<std::string> flags;  // reasons to flag the conversation for staff
};

inline constexpr std::string_view kCaseNumberToken = "{case_number}";

// The explanation stored with every message and returned by the dry-run tools.
inline nlohmann::json to_json(const Classification& c) {
  nlohmann::json categories = nlohmann::json::array(), intents = nlohmann::json::array(),
                 hits = nlohmann::json::array();
  for (Category x : c.categories) categories.push_back(to_string(x));
  for (Intent x : c.intents) intents.push_back(to_string(x));
  for (const RuleHit& h : c.hits)
    hits.push_back({{"rule", h.rule_id}, {"target", h.target}, {"weight", h.weight}, {"span", {h.begin, h.end}}});
  return {{"primary", to_string(c.primary)}, {"categories", categories}, {"severity", to_string(c.severity)},
          {"intents", intents}, {"confidence", c.confidence}, {"rules", hits}, {"pack_version", c.pack_version}};
}

}  // namespace intake
