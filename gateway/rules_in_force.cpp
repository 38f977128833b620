#include "gateway/rules_in_force.hpp"

#include "gateway/config.hpp"
#include "gateway/log.hpp"

namespace intake::gateway {

Result<CompiledRules> compile_rule_version(const store::RuleVersion& version) {
  auto pack = dialog::RulePack::parse(version.pack, "rule version " + std::to_string(version.id));
  if (!pack) return pack.error();
  return CompiledRules{std::move(*pack), version.id};
}

Result<CompiledRules> take_rule_file(store::Connection& conn, const std::filesystem::path& file) {
  auto text = read_file(file);
  if (!text) return text.error();
  auto checked = dialog::RulePack::parse(*text, file.string());
  if (!checked) return checked.error();
  auto in_force = store::adopt_rule_file(conn, *text, (*checked)->version(), "from " + file.filename().string());
  if (!in_force) return in_force.error();
  if (in_force->pack == *text) return CompiledRules{std::move(*checked), in_force->id};
  return compile_rule_version(*in_force);
}

RuleFollower::RuleFollower(const std::string& conninfo, store::DatabaseWorker& worker, App& app)
    : worker_(worker), app_(app) {
  listener_ = store::NotificationListener::start(
      {conninfo, std::string(store::kRulesChannel), [this](const std::string&) { catch_up(); }, [this] { catch_up(); }});
}

void RuleFollower::stop() {
  if (listener_) listener_->stop();
}

// Reads the version in force rather than trusting the payload: notifications can arrive
// out of order, and the one missed while disconnected is caught up the same way.
void RuleFollower::catch_up() {
  worker_.post([this](Result<store::Connection*> conn) {
    if (!conn) return log::warn("rules_follow_failed", {{"error", conn.error().message}});
    auto active = store::active_rule_version(**conn);
    if (!active) return log::warn("rules_follow_failed", {{"error", active.error().message}});
    if (!*active || (*active)->id == app_.rule_version_id()) return;
    auto compiled = compile_rule_version(**active);
    if (!compiled) {
      // Versions are checked when stored; this is a pack from a newer gateway's grammar.
      return log::error("rules_activation_refused", {{"version", (*active)->id},
                                                     {"error", compiled.error().message},
                                                     {"message", "the rules in use are kept"}});
    }
    app_.use_rules(compiled->pack, compiled->version_id);
    log::info("rules_activated", {{"version", compiled->version_id},
                                  {"label", compiled->pack->version()},
                                  {"rules", compiled->pack->rule_count()}});
  });
}

}  // namespace intake::gateway
