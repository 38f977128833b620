#pragma once
// Rule pack versions in the database (migration 0011): stored, listed, activated. The
// store keeps the pack's text; validating it is the caller's (dialog::RulePack::parse),
// so the store does not depend on the dialog module. Activating notifies every gateway
// instance (NOTIFY intake_rules, payload: the version's id) when it commits.
//
// Synchronous calls on a connection: the gateway and intakectl call them directly, the
// staff API from a DatabaseWorker's thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "intake/result.hpp"
#include "intake/store/pg.hpp"

namespace intake::store {

inline constexpr std::string_view kRulesChannel = "intake_rules";

struct RuleVersion {
  std::int64_t id = 0;
  std::string pack;   // the JSON text
  std::string label;  // RulePack::version()
};

// Stores a new version, not active; answers its summary (see list_rule_versions).
// `author` null: no staff account (intakectl).
Result<nlohmann::json> add_rule_version(Connection& conn, const std::string& pack, const std::string& label,
                                        const std::optional<std::string>& note, std::optional<std::int64_t> author);

// Makes `id` the version in force; errors case_errc::not_found for no such version.
// Activating the version already in force records nothing and answers it as it is.
Result<nlohmann::json> activate_rule_version(Connection& conn, std::int64_t id, std::optional<std::int64_t> author);

// {"active": <id> | null, "versions": [summary, newest first]}; a summary is
// {"id", "label", "note", "from_file", "created_by": {"id", "name"} | null, "created_at", "active",
//  "activations": [{"at", "by": {"id", "name"} | null}]}.
Result<nlohmann::json> list_rule_versions(Connection& conn);

// One version with its text ("pack"), or case_errc::not_found.
Result<nlohmann::json> read_rule_version(Connection& conn, std::int64_t id);

// The version in force, or nullopt before the first activation.
Result<std::optional<RuleVersion>> active_rule_version(Connection& conn);

// One version's text, or nullopt.
Result<std::optional<RuleVersion>> rule_version(Connection& conn, std::int64_t id);

// A customer's message of the last days with the labels its case has now (as the bot or
// staff left them), for judging a rule version on real traffic.
struct RecentMessage {
  std::int64_t id = 0;
  std::string text, channel, category, severity;
};
// The customers' messages received in the last `days` that belong to a case, newest
// first, at most `limit`.
Result<std::vector<RecentMessage>> recent_case_messages(Connection& conn, int days, int limit);

// The rule file as the gateway reads it at start and on SIGHUP: when its text differs
// from what was last taken from the file (the newest version marked from_file), it is
// stored as a new version (with `note`) and activated; otherwise nothing changes, so a
// version a manager activated stays in force. The first start seeds the table this way.
// Serialised across instances. Answers the version in force afterwards.
Result<RuleVersion> adopt_rule_file(Connection& conn, const std::string& pack, const std::string& label,
                                    const std::string& note);

}  // namespace intake::store
