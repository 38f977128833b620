#include "gateway/outbox_commands.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "gateway/log.hpp"
#include "intake/store/pg.hpp"

namespace intake::gateway {
namespace {

int usage(const std::string& problem) {
  std::fprintf(stderr,
               "intakectl outbox: %s\nusage: intakectl outbox list [--status pending|sending|sent|failed]\n"
               "       intakectl outbox retry (--failed | ID...)\n",
               problem.c_str());
  return 2;
}

// One JSON line per row; the recipient's address is masked as in the logs.
int list(store::Connection& conn, const std::string& status) {
  auto rows = conn.exec(
      "SELECT id, channel, provider, status, attempts, recipient->>'email', last_error, "
      "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
      "to_char(next_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
      "FROM outbox WHERE $1::text IS NULL OR status = $1 ORDER BY id",
      {status.empty() ? std::nullopt : std::optional<std::string>(status)});
  if (!rows) {
    std::fprintf(stderr, "intakectl: %s\n", rows.error().message.c_str());
    return 1;
  }
  for (int i = 0; i < rows->rows(); ++i) {
    nlohmann::json line = {{"id", std::stoll(std::string(rows->get(i, 0)))},
                           {"channel", std::string(rows->get(i, 1)) + "/" + std::string(rows->get(i, 2))},
                           {"status", rows->get(i, 3)},
                           {"attempts", std::stoi(std::string(rows->get(i, 4)))},
                           {"recipient", rows->is_null(i, 5) ? "" : log::mask_email(rows->get(i, 5))},
                           {"last_error", rows->is_null(i, 6) ? nlohmann::json(nullptr) : nlohmann::json(rows->get(i, 6))},
                           {"created_at", rows->get(i, 7)},
                           {"next_attempt_at", rows->get(i, 8)}};
    std::printf("%s\n", line.dump().c_str());
  }
  return 0;
}

// Failed rows become pending again with a fresh budget of attempts. Rows in any other
// state are left alone: a 'sending' one may be on the wire, a 'sent' one was delivered.
int retry(store::Connection& conn, const std::vector<std::string>& ids, bool all_failed) {
  std::string list = "{";
  for (const std::string& id : ids) {
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
      return usage("\"" + id + "\" is not an outbox id");
    list += (list.size() > 1 ? "," : "") + id;
  }
  list += "}";
  auto done = conn.exec(
      "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), claimed_at = NULL "
      "WHERE status = 'failed' AND ($1::boolean OR id = ANY($2::bigint[])) RETURNING id",
      {all_failed ? "true" : "false", list});
  if (!done) {
    std::fprintf(stderr, "intakectl: %s\n", done.error().message.c_str());
    return 1;
  }
  std::printf("%d failed repl%s queued again\n", done->rows(), done->rows() == 1 ? "y" : "ies");
  return 0;
}

}  // namespace

int outbox_command(const CommonFlags& flags, const std::vector<std::string>& args) {
  if (args.empty()) return usage("say list or retry");
  const std::string& verb = args.front();
  if (verb == "list") {
    std::string status;
    if (args.size() == 3 && args[1] == "--status") status = args[2];
    else if (args.size() != 1) return usage("list takes only --status STATUS");
    if (!status.empty() && status != "pending" && status != "sending" && status != "sent" && status != "failed")
      return usage("unknown status \"" + status + "\"");
    auto session = open_admin_session(flags);
    if (!session) return std::fprintf(stderr, "intakectl: %s\n", session.error().message.c_str()), 1;
    return list(session->connection, status);
  }
  if (verb == "retry") {
    const bool all_failed = args.size() == 2 && args[1] == "--failed";
    std::vector<std::string> ids(args.begin() + 1, args.end());
    if (!all_failed && ids.empty()) return usage("retry takes --failed or outbox ids");
    if (all_failed) ids.clear();
    auto session = open_admin_session(flags);
    if (!session) return std::fprintf(stderr, "intakectl: %s\n", session.error().message.c_str()), 1;
    return retry(session->connection, ids, all_failed);
  }
  return usage("unknown outbox command \"" + verb + "\"");
}

}  // namespace intake::gateway
