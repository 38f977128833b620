#pragma once
// The rule pack in force is the database's (store/rule_versions.hpp): the gateway takes
// its rule file in at start and on SIGHUP (a changed file becomes a new version in
// force), managers add and activate versions through the staff API, and every instance
// follows the activations within a moment (LISTEN intake_rules), without dropping a
// request: the App swaps engines between requests.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "gateway/app.hpp"
#include "intake/dialog/rule_pack.hpp"
#include "intake/result.hpp"
#include "intake/store/database_worker.hpp"
#include "intake/store/notification_listener.hpp"
#include "intake/store/rule_versions.hpp"

namespace intake::gateway {

struct CompiledRules {
  std::shared_ptr<const dialog::RulePack> pack;
  std::int64_t version_id = 0;
};

// Compiles a stored version; errors name it ("rule version 7: /rules/3/pattern: …").
Result<CompiledRules> compile_rule_version(const store::RuleVersion& version);

// Reads and checks the rule file (an invalid file is refused, naming file, pointer and
// reason, and nothing changes), takes it into the database (store::adopt_rule_file) and
// compiles the version in force, which may be a manager's.
Result<CompiledRules> take_rule_file(store::Connection& conn, const std::filesystem::path& file);

// Keeps `app` on the version in force: after every notification and every
// (re)connection of its listener it reads the active version on `worker` and, when it is
// not the one in use, compiles it and hands it over.
class RuleFollower {
 public:
  RuleFollower(const std::string& conninfo, store::DatabaseWorker& worker, App& app);
  ~RuleFollower() { stop(); }
  void stop();

 private:
  void catch_up();

  store::DatabaseWorker& worker_;
  App& app_;
  std::unique_ptr<store::NotificationListener> listener_;
};

}  // namespace intake::gateway
