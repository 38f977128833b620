#include "gateway/staff_commands.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "gateway/staff_tokens.hpp"
#include "intake/store/staff_directory.hpp"

namespace intake::gateway {
namespace {

using nlohmann::json;

int usage(const std::string& problem) {
  std::fprintf(stderr,
               "intakectl staff: %s\n"
               "usage: intakectl staff add --name NAME --role agent|supervisor|manager|admin\n"
               "       intakectl staff revoke ID\n"
               "       intakectl staff list\n",
               problem.c_str());
  return 2;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "intakectl staff: %s\n", message.c_str());
  return 1;
}

int add(const CommonFlags& flags, const std::vector<std::string>& args) {
  std::optional<std::string> name;
  std::optional<StaffRole> role;
  for (std::size_t i = 0; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) return usage(args[i] + " needs a value");
    if (args[i] == "--name") {
      name = args[i + 1];
      if (name->empty() || name->size() > 200) return usage("--name must be 1 to 200 bytes");
    } else if (args[i] == "--role") {
      role = parse_staff_role(args[i + 1]);
      if (!role) return usage("unknown role \"" + args[i + 1] + "\"");
    } else {
      return usage("unknown argument " + args[i]);
    }
  }
  if (!name || !role) return usage("add needs --name and --role");
  auto token = new_staff_token();
  if (!token) return fail("no random bytes for a token");
  auto session = open_admin_session(flags);
  if (!session) return fail(session.error().message);
  auto member = store::add_staff(session->connection, *name, *role, staff_token_digest(*token));
  if (!member) return fail(member.error().message);
  // The only time the token is ever shown.
  std::printf("%s\n", json{{"id", member->id}, {"name", member->name}, {"role", to_string(member->role)},
                           {"token", *token}}
                          .dump()
                          .c_str());
  return 0;
}

int revoke(const CommonFlags& flags, const std::vector<std::string>& args) {
  if (args.size() != 1 || args[0].empty() || args[0].size() > 18 || args[0].find_first_not_of("0123456789") != std::string::npos)
    return usage("revoke takes one account id (see staff list)");
  auto session = open_admin_session(flags);
  if (!session) return fail(session.error().message);
  auto revoked = store::revoke_staff(session->connection, std::stoll(args[0]));
  if (!revoked) return fail(revoked.error().message);
  if (!*revoked) return fail("no live account with id " + args[0]);
  std::printf("%s\n", json{{"id", std::stoll(args[0])}, {"revoked", true}}.dump().c_str());
  return 0;
}

int list(const CommonFlags& flags) {
  auto session = open_admin_session(flags);
  if (!session) return fail(session.error().message);
  auto accounts = store::list_staff(session->connection);
  if (!accounts) return fail(accounts.error().message);
  for (const auto& a : *accounts)
    std::printf("%s\n", json{{"id", a.member.id},
                             {"name", a.member.name},
                             {"role", to_string(a.member.role)},
                             {"created_at", format_rfc3339(a.created_at)},
                             {"revoked_at", a.revoked_at ? json(format_rfc3339(*a.revoked_at)) : json(nullptr)}}
                            .dump()
                            .c_str());
  return 0;
}

}  // namespace

int staff_command(const CommonFlags& flags, const std::vector<std::string>& args) {
  if (args.empty()) return usage("say add, revoke or list");
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "add") return add(flags, rest);
  if (args[0] == "revoke") return revoke(flags, rest);
  if (args[0] == "list") return rest.empty() ? list(flags) : usage("list takes no arguments");
  return usage("unknown staff command \"" + args[0] + "\"");
}

}  // namespace intake::gateway
