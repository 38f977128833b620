#pragma once
// Notes by a provider's own agent about a customer (Inbound::agent_note: a call-centre
// agent's summary of a call), recorded on the customer's case as a "note" event whose
// actor is "<provider>:<agent id>" and whose "after" holds the text and the agent.
#include "intake/acknowledgement.hpp"
#include "intake/inbound.hpp"
#include "intake/result.hpp"
#include "intake/store/pg.hpp"

namespace intake::store {

// Records `note` (which has agent_note set) in one transaction. The case is the one the
// same call's messages were filed under (Inbound::reply_reference is the call), else the
// customer's latest case; a case merged into another gives that one. A redelivery (the
// same channel, provider and external_id) records nothing and answers duplicate.
// The answer names the case, the conversation and who handles it; it has no reply.
// Errors: case_errc::not_found when the customer has no case yet (nothing is recorded).
Result<Acknowledgement> record_agent_note(Connection& conn, const Inbound& note);

}  // namespace intake::store
