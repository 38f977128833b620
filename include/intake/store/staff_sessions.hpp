#pragma once
// Console sessions (migration 0012): made when a staff member signs in with their token,
// found again from the session cookie on every request, ended by signing out. The store
// keeps the hex SHA-256 of the cookie's value (`digest`), never the value.
#include <chrono>
#include <optional>
#include <string>

#include "intake/result.hpp"
#include "intake/staff.hpp"
#include "intake/store/pg.hpp"

namespace intake::store {

struct SessionLimits {
  std::chrono::seconds idle{30 * 60};      // ends after this long without a request
  std::chrono::seconds lifetime{12 * 3600};  // and this long after signing in, whatever
};

struct SessionMember {
  StaffMember member;
  std::string csrf;  // the token every change must carry
};

Status start_session(Connection& conn, std::int64_t staff_id, const std::string& digest, const std::string& csrf);

// The session's member when it is live (not ended, not idle or old beyond `limits`, its
// account not revoked), and its last use moved to now; nullopt otherwise.
Result<std::optional<SessionMember>> use_session(Connection& conn, const std::string& digest, const SessionLimits& limits);

// Ends the session; false when there was no live one.
Result<bool> end_session(Connection& conn, const std::string& digest);

}  // namespace intake::store
