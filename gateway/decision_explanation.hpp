#pragma once
// What the managers' tools show for a text: the decision a new customer would get, with
// its explanation (the normalised text, every rule that fired with its weight, span and
// the matched words). `intakectl rules test` prints it; POST /api/v1/rules/dry-run
// answers it.
#include <nlohmann/json.hpp>
#include <string_view>

#include "intake/dialog/engine.hpp"
#include "intake/time.hpp"

namespace intake::gateway {

// {"normalized", "classification": {…, "rules": [{…, "span": [from, to], "matched"}]},
//  "decision": {"case_action", "category", "severity", "first_response_due", "reply",
//  "flags", "escalate", "memory"}}. Spans are byte offsets into "normalized".
nlohmann::json explain_decision(const dialog::Engine& engine, std::string_view text, std::string_view channel,
                                Timestamp received_at);

}  // namespace intake::gateway
