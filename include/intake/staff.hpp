#pragma once
// Staff accounts and their roles, as the staff API and intakectl see them.
//
// Roles, least privilege first: an agent works the conversations and cases of their
// queue; a supervisor sees every queue and the KPIs; a manager also tunes the rules; an
// admin also manages accounts. Each role may do everything the roles before it may.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "intake/enum_names.hpp"

namespace intake {

enum class StaffRole { agent, supervisor, manager, admin };

inline constexpr std::array<StaffRole, 4> kAllStaffRoles = {StaffRole::agent, StaffRole::supervisor, StaffRole::manager,
                                                            StaffRole::admin};

constexpr std::string_view to_string(StaffRole role) {
  switch (role) {
    case StaffRole::agent: return "agent";
    case StaffRole::supervisor: return "supervisor";
    case StaffRole::manager: return "manager";
    case StaffRole::admin: return "admin";
  }
  return "agent";
}

constexpr std::optional<StaffRole> parse_staff_role(std::string_view id) { return from_name(id, kAllStaffRoles); }

// True when `role` may do what `needed` may.
constexpr bool at_least(StaffRole role, StaffRole needed) { return static_cast<int>(role) >= static_cast<int>(needed); }

struct StaffMember {
  std::int64_t id = 0;
  std::string name;
  StaffRole role = StaffRole::agent;
};

}  // namespace intake
