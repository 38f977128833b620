#include "gateway/sla_commands.hpp"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace intake::gateway {
namespace {

int usage(const std::string& problem) {
  std::fprintf(stderr,
               "intakectl sla: %s\n"
               "usage: intakectl sla due --category CATEGORY --severity normal|serious|major --at RFC3339\n",
               problem.c_str());
  return 2;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "intakectl sla: %s\n", message.c_str());
  return 1;
}

int due(const CommonFlags& flags, const std::vector<std::string>& given) {
  std::vector<std::string> args;  // "--at=…" read as "--at" "…"
  for (const std::string& arg : given) {
    const auto eq = arg.find('=');
    if (arg.starts_with("--") && eq != std::string::npos) {
      args.push_back(arg.substr(0, eq));
      args.push_back(arg.substr(eq + 1));
    } else {
      args.push_back(arg);
    }
  }
  std::optional<Category> category;
  std::optional<Severity> severity;
  std::optional<Timestamp> at;
  for (std::size_t i = 0; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) return usage(args[i] + " needs a value");
    const std::string& value = args[i + 1];
    if (args[i] == "--category") {
      category = parse_category(value);
      if (!category) return usage("unknown category \"" + value + "\" (see LABELS.md: inquiry, product_quality, …)");
    } else if (args[i] == "--severity") {
      severity = parse_severity(value);
      if (!severity) return usage("unknown severity \"" + value + "\" (normal, serious or major)");
    } else if (args[i] == "--at") {
      at = parse_rfc3339(value);
      if (!at) return usage("--at needs an RFC 3339 time such as 2026-11-27T16:45:00+08:00, not \"" + value + "\"");
    } else {
      return usage("unknown argument " + args[i]);
    }
  }
  if (!category || !severity || !at) return usage("--category, --severity and --at are all required");

  auto config = load_effective_config(flags);
  if (!config) return fail(config.error().message);
  auto sla_text = read_file(config->sla);
  if (!sla_text) return fail(sla_text.error().message);
  auto calendar = load_calendar(config->calendar);
  if (!calendar) return fail(calendar.error().message);
  auto policy = dialog::SlaPolicy::parse(*sla_text, config->sla.string(), *calendar);
  if (!policy) return fail(policy.error().message);

  nlohmann::json clocks = nlohmann::json::array();
  Timestamp latest = *at;
  for (const dialog::Clock& clock : (*policy)->clocks(*category, *severity, *at)) {
    clocks.push_back({{"name", clock.name}, {"due", format_rfc3339(clock.due, (*policy)->offset())}});
    latest = std::max(latest, clock.due);
  }
  // Counting past the calendar's files is a guess (no holidays there): say so, on stderr.
  const auto from = (*calendar)->local_day(*at);
  const int span = static_cast<int>((std::chrono::floor<std::chrono::days>(latest - *at)).count()) + 2;
  if (auto gap = (*calendar)->first_uncovered_day(from, span))
    std::fprintf(stderr, "intakectl sla: warning: %s: no calendar file covers %s; counted with the weekly "
                         "pattern and no holidays\n", config->calendar.string().c_str(), format_iso_date(*gap).c_str());
  std::printf("%s\n", nlohmann::json{{"clocks", clocks}}.dump().c_str());
  return 0;
}

}  // namespace

int sla_command(const CommonFlags& flags, const std::vector<std::string>& args) {
  if (args.empty()) return usage("a subcommand is required");
  if (args[0] == "due") return due(flags, std::vector<std::string>(args.begin() + 1, args.end()));
  return usage("unknown subcommand \"" + args[0] + "\"");
}

}  // namespace intake::gateway
