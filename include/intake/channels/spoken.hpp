#pragma once
// Replies read aloud by a text-to-speech engine (the hotline channels).
#include <string>
#include <string_view>

#include "intake/acknowledgement.hpp"

namespace intake::channels {

// "TS-20261123-0007" as Mandarin TTS should read it, one character at a time:
// "T S 2 0 2 6 1 1 2 3 0 0 0 7".
std::string spell_out(std::string_view case_number);

// The reply text with its case number spelled out; empty when there is no reply.
std::string spoken_reply(const Acknowledgement& ack);

}  // namespace intake::channels
