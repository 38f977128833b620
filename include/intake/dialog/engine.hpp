#pragma once
// The dialog engine: from one inbound message and the conversation's state to a
// Decision (case action, labels, due time, reply, flags, what to remember). Pure and
// deterministic: the same inputs give the same decision; time is the message's receipt
// time.
//
// The conversation is a small state machine whose state is ConversationState (the
// store's view of the cases) plus DialogMemory (what the bot asked and was told):
// - a clear complaint files a case at once; when the category needs details the
//   customer has not given (order or batch number, contact), the acknowledgement asks
//   for them once, and the case stands whether or not they come;
// - a status query is answered from the named, open or latest case's real state;
// - a request for a person, major severity, the same complaint repeated, or messages of
//   low confidence in a row (the pack's "handoff") flag the conversation for staff, with
//   the reason;
//   major severity also escalates the case;
// - after a case is resolved, satisfaction_request() asks for a 1-5 rating (回访); the
//   answer is recorded, and a rating of 1 or 2 reopens the case and flags it;
// - greetings, thanks and small talk get a short answer and no case;
// - while staff own the conversation the bot never answers (cases are still kept).
//
// An Engine is immutable once built and safe to share between threads; a new rule pack
// means a new Engine (the gateway swaps them atomically).
#include <memory>

#include "intake/decision.hpp"
#include "intake/dialog/normalizer.hpp"
#include "intake/dialog/rule_pack.hpp"
#include "intake/dialog/sla_policy.hpp"
#include "intake/inbound.hpp"

namespace intake::dialog {

// The text the rules see: quoted email history stripped, then normalised (see
// normalizer.hpp) with the converter, which may be null.
std::string rule_text(std::string_view text, const ChineseConverter* converter);

// Classification of a raw message: rule_text() through the pack, plus the customer's
// script and the slots found in the text. What Engine::classify does, without an engine.
Classification classify_message(const RulePack& rules, std::string_view text, const ChineseConverter* converter,
                                std::string_view channel = {});

// The case number a message names (its "case_number" slot), which the store looks up so
// that a status query about it can be answered.
std::optional<std::string> case_number_named(const Classification& c);

class Engine {
 public:
  // `converter` (may be null) turns traditional Chinese into simplified before rules run.
  Engine(std::shared_ptr<const RulePack> rules, std::shared_ptr<const SlaPolicy> sla,
         std::shared_ptr<const ChineseConverter> converter = nullptr)
      : rules_(std::move(rules)), sla_(std::move(sla)), converter_(std::move(converter)) {}

  // Strips quoted email history, normalises and classifies the text, detects its script
  // and extracts slots. Needs no state, so the gateway calls it ahead of the store.
  Classification classify(std::string_view text, std::string_view channel = {}) const;

  // Decides what to do with `message`, already classified, given the conversation's state.
  Decision decide(const ConversationState& state, const Inbound& message,
                  const Classification& classification) const;

  // The 回访 question for a case staff have just resolved, in the customer's script, and
  // the memory that makes the next message be read as its answer.
  std::string satisfaction_request(const CaseSnapshot& resolved, Script script) const;
  static DialogMemory awaiting_rating(DialogMemory memory, const std::string& case_number);

  const RulePack& rules() const { return *rules_; }
  const SlaPolicy& sla() const { return *sla_; }
  // The parts, for an engine that keeps some and replaces others (a new rule version, a
  // reloaded SLA policy).
  const std::shared_ptr<const RulePack>& shared_rules() const { return rules_; }
  const std::shared_ptr<const SlaPolicy>& shared_sla() const { return sla_; }
  const std::shared_ptr<const ChineseConverter>& shared_converter() const { return converter_; }
  const ChineseConverter* converter() const { return converter_.get(); }

 private:
  struct Reply;
  std::string render(const Reply& reply) const;
  // The level a case that becomes major is escalated to.
  EscalationLevel escalation_for(const Decision& d) const;
  // Starts the first_response clock of the decided labels at the message's receipt.
  void start_first_response(Decision& d, Reply& reply) const;

  std::shared_ptr<const RulePack> rules_;
  std::shared_ptr<const SlaPolicy> sla_;
  std::shared_ptr<const ChineseConverter> converter_;
};

}  // namespace intake::dialog
