#pragma once
// Staff accounts in the database. A token is shown once, when the account is made; the
// database keeps only its SHA-256 digest, so a leaked table grants nothing. A fast
// digest is right here, unlike for passwords: tokens carry 256 random bits, so there is
// nothing to guess that a slow hash would protect.
//
// Synchronous calls on a connection: intakectl calls them directly, the staff API from a
// DatabaseWorker's thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "intake/result.hpp"
#include "intake/staff.hpp"
#include "intake/store/pg.hpp"
#include "intake/time.hpp"

namespace intake::store {

struct StaffAccount {
  StaffMember member;
  Timestamp created_at{};
  std::optional<Timestamp> revoked_at;
};

// `token_digest` is the lower-case hex SHA-256 of the token.
Result<StaffMember> add_staff(Connection& conn, const std::string& name, StaffRole role, const std::string& token_digest);

// False when there is no such account or it was revoked already.
Result<bool> revoke_staff(Connection& conn, std::int64_t id);

// Every account, revoked ones too, oldest first.
Result<std::vector<StaffAccount>> list_staff(Connection& conn);

// The live account whose token has this digest; nullopt for none (unknown or revoked).
Result<std::optional<StaffMember>> staff_by_token(Connection& conn, const std::string& token_digest);

}  // namespace intake::store
