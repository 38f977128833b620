#pragma once
// What the dialog decides for one message, and the conversation state it decides from.
// These types are the contract between dialog (which computes them, purely) and the
// store (which loads the state and applies the decision in one transaction).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "intake/labels.hpp"
#include "intake/script.hpp"
#include "intake/sla.hpp"
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
  Script script = Script::zh_Hans;   // the customer's writing, for the reply
  // Details found in the text by the pack's slot extractors: "order_number" → "2026112301".
  std::map<std::string, std::string> slots;
};

using Slots = std::map<std::string, std::string>;

// The case a conversation currently has open, as the store knows it.
struct CaseSnapshot {
  std::string number;
  Category category = Category::other;
  Severity severity = Severity::normal;
  std::string status;
  std::optional<Timestamp> first_response_due;
};

// What the dialog remembers between two messages of one conversation (stored with the
// conversation as JSON; see to_json/dialog_memory_from_json below).
struct DialogMemory {
  enum class Awaiting {
    nothing,
    details,  // the bot asked for the details a case needs; asked once per case
    rating,   // the bot asked for a 1-5 satisfaction rating of a resolved case (回访)
  };
  Awaiting awaiting = Awaiting::nothing;
  std::string awaiting_case;     // the case the question was about
  int low_confidence_streak = 0;  // consecutive messages of low confidence (RulePack::handoff)
  Slots details;                 // details the customer has given in this conversation
  Script script = Script::zh_Hans;  // the customer's writing in their last message
};

// What the store knows about the sender's conversation before this message.
struct ConversationState {
  std::string handled_by = "bot";  // "bot" or "staff"
  std::optional<CaseSnapshot> open_case;
  std::optional<CaseSnapshot> latest_case;     // the conversation's newest case, whatever its status
  std::optional<CaseSnapshot> mentioned_case;  // the case the message names or answers (by its
                                               // case number, or an e-mail thread), if it is
                                               // this customer's; when that case is open it is
                                               // also open_case, whatever newer case there is
  int recent_bot_replies = 0;  // automatic replies to this conversation in the hour before
                               // the message (loaded only when IngestContext asks)
  DialogMemory memory;
};

enum class CaseAction {
  none,    // no case is opened or touched (greetings, thanks, a status answer about a closed case)
  open,    // open a new case
  attach,  // add the message to `target_case`, updating its labels and due time
  reopen,  // reopen the resolved `target_case` (a low satisfaction rating) and attach the message
};

struct SatisfactionRating {
  int rating = 0;  // 1..5
  std::string comment;
};

struct Decision {
  Classification classification;
  CaseAction case_action = CaseAction::none;
  // The case's labels and first-response due time after this message.
  Category category = Category::other;
  Severity severity = Severity::normal;
  std::optional<Timestamp> first_response_due;
  // Every clock of a case this message opens or relabels (the store keeps them in
  // cases.sla_clocks); empty when the case's clocks stay as they are.
  std::vector<Clock> clocks;
  // The reply to send, if any. It may contain the token `{case_number}`: the number of a
  // new case is allocated by the store inside the transaction, so only the store can
  // substitute it. Nothing else in the text is left for the store.
  std::optional<std::string> reply_text;
  // Set when a reply was decided but must not be sent automatically (reply_text is then
  // empty); the reason is stored with the message and shown in the acknowledgement.
  std::optional<std::string> reply_suppressed;
  std::vector<std::string> flags;  // reasons to flag the conversation for staff
  std::string target_case;         // the existing case attach/reopen/satisfaction apply to
  std::optional<SatisfactionRating> satisfaction;  // recorded on target_case
  // Raise the case's escalation level to this (a case becoming major: the level its SLA
  // policy names, else the after-sales department).
  std::optional<EscalationLevel> escalate;
  DialogMemory memory;             // what the conversation remembers after this message
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
          {"intents", intents}, {"confidence", c.confidence}, {"rules", hits}, {"pack_version", c.pack_version},
          {"script", to_string(c.script)}, {"slots", c.slots}};
}

constexpr std::string_view to_string(DialogMemory::Awaiting a) {
  switch (a) {
    case DialogMemory::Awaiting::nothing: return "nothing";
    case DialogMemory::Awaiting::details: return "details";
    case DialogMemory::Awaiting::rating: return "rating";
  }
  return "nothing";
}

inline nlohmann::json to_json(const DialogMemory& m) {
  return {{"awaiting", to_string(m.awaiting)}, {"awaiting_case", m.awaiting_case},
          {"low_confidence_streak", m.low_confidence_streak}, {"details", m.details}, {"script", to_string(m.script)}};
}

// Lenient by design: memory written by an older version, or none at all ({} or null),
// reads as a fresh conversation rather than failing the message.
inline DialogMemory dialog_memory_from_json(const nlohmann::json& j) {
  DialogMemory m;
  if (!j.is_object()) return m;
  if (auto it = j.find("awaiting"); it != j.end() && it->is_string()) {
    if (*it == "details") m.awaiting = DialogMemory::Awaiting::details;
    if (*it == "rating") m.awaiting = DialogMemory::Awaiting::rating;
  }
  if (auto it = j.find("awaiting_case"); it != j.end() && it->is_string()) m.awaiting_case = it->get<std::string>();
  if (auto it = j.find("low_confidence_streak"); it != j.end() && it->is_number_integer())
    m.low_confidence_streak = it->get<int>();
  if (auto it = j.find("script"); it != j.end() && it->is_string())
    m.script = parse_script(it->get<std::string>()).value_or(Script::zh_Hans);
  if (auto it = j.find("details"); it != j.end() && it->is_object())
    for (const auto& [k, v] : it->items())
      if (v.is_string()) m.details[k] = v.get<std::string>();
  return m;
}

}  // namespace intake
