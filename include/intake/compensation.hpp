#pragma once
// The compensation path of seed 000 (第四章2), as sub-steps of a case:
//
//   applied (the customer applies) → reviewed (a service specialist reviews)
//     → confirmed (an engineer confirms) → paid (finance pays)
//
// and `rejected`, which may end the path after any step before payment. Each step is an
// event of its own on the case; the table below is the whole of what may follow what.
#include <array>
#include <optional>
#include <string_view>

#include "intake/enum_names.hpp"

namespace intake {

enum class CompensationStep { applied, reviewed, confirmed, paid, rejected };

inline constexpr std::array<CompensationStep, 5> kAllCompensationSteps = {
    CompensationStep::applied, CompensationStep::reviewed, CompensationStep::confirmed, CompensationStep::paid,
    CompensationStep::rejected};

constexpr std::string_view to_string(CompensationStep s) {
  switch (s) {
    case CompensationStep::applied: return "applied";
    case CompensationStep::reviewed: return "reviewed";
    case CompensationStep::confirmed: return "confirmed";
    case CompensationStep::paid: return "paid";
    case CompensationStep::rejected: return "rejected";
  }
  return "applied";
}

constexpr std::optional<CompensationStep> parse_compensation_step(std::string_view id) {
  return from_name(id, kAllCompensationSteps);
}

// Whether `next` may be recorded after `last` (nullopt: nothing recorded yet).
constexpr bool may_follow(std::optional<CompensationStep> last, CompensationStep next) {
  using S = CompensationStep;
  if (!last) return next == S::applied;
  switch (*last) {
    case S::applied: return next == S::reviewed || next == S::rejected;
    case S::reviewed: return next == S::confirmed || next == S::rejected;
    case S::confirmed: return next == S::paid || next == S::rejected;
    case S::paid:
    case S::rejected: return false;  // the path has ended
  }
  return false;
}

}  // namespace intake
