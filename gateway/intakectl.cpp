// intakectl: the administrator's command line. See `intakectl --help`.
#include <cstdio>
#include <functional>
#include <map>
#include <set>

#include "gateway/bootstrap.hpp"
#include "gateway/outbox_commands.hpp"
#include "gateway/rules_commands.hpp"
#include "gateway/sla_commands.hpp"
#include "gateway/staff_commands.hpp"
#include "intake/store/migrations.hpp"

namespace {

using namespace intake;
using namespace intake::gateway;

constexpr const char* kUsage = R"(usage: intakectl [flags] COMMAND

commands:
  migrate           apply the database migrations this build knows (safe to repeat)
  migrations        list the known migrations and which are applied
  rules lint FILE   check a rule pack: names the file, the JSON pointer and RE2's error
  rules test FILE "text" [--channel NAME]
                    the decision for a text, with the rules that fired and their spans
  rules regress --rules FILE --corpus CORPUS.jsonl [--baseline OLD_FILE] [--json]
                [--variant traditional|fullwidth] [--min-accuracy X]
                [--min-major-recall X] [--min-major-precision X]
                    scores against a labelled corpus (LABELS.md's format); with a
                    baseline, every message whose decision would change; exits 1
                    when a score is below its --min-… floor
  sla due --category CATEGORY --severity normal|serious|major --at RFC3339
                    the case's SLA clocks and when each is due, as one JSON object
                    {"clocks": [{"name", "due"}, …]} (times in the company's zone)
  staff add --name NAME --role agent|supervisor|manager|admin
                    a staff account; prints one JSON line {"id", "name", "role",
                    "token"}: the token is shown this once (the database keeps a hash)
  staff revoke ID   the account's token stops working at once
  staff list        the accounts, one JSON line each (never their tokens)
  outbox list [--status pending|sending|sent|failed]
                    the replies waiting to leave or gone, one JSON line each
                    (recipients masked)
  outbox retry (--failed | ID...)
                    queue failed replies again, e.g. after fixing mail.smtp

flags:
  --config PATH     the configuration file (default config/gateway.json)
  --data-dir DIR    the gateway's data directory: its embedded database is used, and
                    started for the command if the gateway is not running
  --database URL    an external PostgreSQL instead of the embedded one
  --help            this text
)";

int fail(const Error& e, int code = 1) {
  std::fprintf(stderr, "intakectl: %s\n", e.message.c_str());
  return code;
}

int migrate(const CommonFlags& flags, const std::vector<std::string>&) {
  auto config = load_effective_config(flags);
  if (!config) return fail(config.error(), 2);
  auto db = open_database(*config, /*own_embedded=*/false);
  if (!db) return fail(db.error());
  auto conn = store::Connection::open(db->conninfo);
  if (!conn) return fail(conn.error());
  auto report = store::migrate(*conn);
  if (!report) return fail(report.error());
  for (int v : report->applied) std::printf("applied migration %04d\n", v);
  std::printf("schema version %d\n", report->current);
  return 0;
}

int list_migrations(const CommonFlags& flags, const std::vector<std::string>&) {
  auto config = load_effective_config(flags);
  if (!config) return fail(config.error(), 2);
  auto db = open_database(*config, /*own_embedded=*/false);
  if (!db) return fail(db.error());
  auto conn = store::Connection::open(db->conninfo);
  if (!conn) return fail(conn.error());
  auto applied = conn->exec(
      "SELECT version FROM schema_migrations WHERE to_regclass('schema_migrations') IS NOT NULL");
  std::set<int> done;
  if (applied)
    for (int i = 0; i < applied->rows(); ++i) done.insert(std::stoi(std::string(applied->get(i, 0))));
  for (const auto& m : store::known_migrations())
    std::printf("%04d %-28s %s\n", m.version, m.name.c_str(), done.count(m.version) ? "applied" : "pending");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto flags = parse_common_flags(argc, argv, /*allow_listen=*/false);
  if (!flags) {
    std::fprintf(stderr, "intakectl: %s\n\n%s", flags.error().message.c_str(), kUsage);
    return 2;
  }
  if (flags->help || flags->positional.empty()) {
    std::fputs(kUsage, flags->help ? stdout : stderr);
    return flags->help ? 0 : 2;
  }
  // Each command loads the configuration itself, only if it needs it.
  const std::map<std::string, std::function<int(const CommonFlags&, const std::vector<std::string>&)>> commands = {
      {"migrate", migrate}, {"migrations", list_migrations}, {"rules", rules_command},
      {"sla", sla_command},         {"staff", staff_command},      {"outbox", outbox_command}};
  auto command = commands.find(flags->positional.front());
  if (command == commands.end()) {
    std::fprintf(stderr, "intakectl: unknown command \"%s\"\n\n%s", flags->positional.front().c_str(), kUsage);
    return 2;
  }
  std::vector<std::string> args(flags->positional.begin() + 1, flags->positional.end());
  return command->second(*flags, args);
}
