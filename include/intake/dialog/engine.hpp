#pragma once
// The dialog engine: from one inbound message and the conversation's state to a
// Decision (case action, labels, due time, reply, flags). Pure and deterministic: the
// same inputs give the same decision; time is the message's receipt time.
//
// An Engine is immutable once built and safe to share between threads; a new rule pack
// means a new Engine (the gateway swaps them atomically).
#include <memory>

#include "intake/decision.hpp"
#include "intake/dialog/rule_pack.hpp"
#include "intake/dialog/sla_policy.hpp"
#include "intake/inbound.hpp"

namespace intake::dialog {

class Engine {
 public:
  Engine(std::shared_ptr<const RulePack> rules, std::shared_ptr<const SlaPolicy> sla)
      : rules_(std::move(rules)), sla_(std::move(sla)) {}

  // Normalises and classifies the text (no state needed; cheap to call ahead of the store).
  Classification classify(std::string_view text) const;

  // Decides what to do with `message`, already classified, given the conversation's state.
  Decision decide(const ConversationState& state, const Inbound& message,
                  const Classification& classification) const;

  const RulePack& rules() const { return *rules_; }
  const SlaPolicy& sla() const { return *sla_; }

 private:
  std::string render_reply(std::string_view template_name, const Decision& decision,
                           Timestamp now, const std::optional<std::string>& case_number) const;

  std::shared_ptr<const RulePack> rules_;
  std::shared_ptr<const SlaPolicy> sla_;
};

// "今天 13:30" / "明天 10:00" / "11月25日 10:00": a due time in the customer's words,
// relative to `now`, in the company's zone.
std::string describe_due_zh(Timestamp due, Timestamp now, UtcOffset offset);

// "4小时" / "30分钟" / "2天": how long from now until due, rounded up, at least 1 minute.
std::string describe_within_zh(Timestamp due, Timestamp now);

}  // namespace intake::dialog
