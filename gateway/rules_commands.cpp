#include "gateway/rules_commands.hpp"

#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <optional>

#include "gateway/bootstrap.hpp"
#include "gateway/decision_explanation.hpp"
#include "gateway/labelled_corpus.hpp"
#include "gateway/opencc_converter.hpp"
#include "intake/dialog/evaluation.hpp"
#include "intake/utf8.hpp"

namespace intake::gateway {
namespace {

using nlohmann::json;

int usage(const std::string& problem) {
  std::fprintf(stderr,
               "intakectl rules: %s\n"
               "usage: intakectl rules lint FILE\n"
               "       intakectl rules test FILE \"text\" [--channel chat|email|hotline]\n"
               "       intakectl rules regress --rules FILE --corpus CORPUS.jsonl [--baseline OLD_FILE] [--json]\n"
               "                               [--variant traditional|fullwidth]\n"
               "                               [--min-accuracy X] [--min-major-recall X] [--min-major-precision X]\n",
               problem.c_str());
  return 2;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "intakectl rules: %s\n", message.c_str());
  return 1;
}

Result<std::shared_ptr<const dialog::RulePack>> load_pack(const std::string& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  return dialog::RulePack::parse(*text, path);
}

int lint(const std::vector<std::string>& args) {
  if (args.size() != 1) return usage("lint takes one file");
  auto pack = load_pack(args[0]);
  if (!pack) return fail(pack.error().message);
  std::printf("%s: ok, %zu rules, version %s\n", args[0].c_str(), (*pack)->rule_count(), (*pack)->version().c_str());
  return 0;
}

int test(const CommonFlags& flags, const std::vector<std::string>& args) {
  std::string channel = "chat";
  if (args.size() == 4 && args[2] == "--channel") channel = args[3];
  else if (args.size() != 2) return usage("test takes a file and a text, and optionally --channel NAME");
  auto loaded = load_effective_config(flags);
  if (!loaded) return fail(loaded.error().message);
  // The engine the gateway would build, with the pack under test instead of the configured one.
  Config config = *loaded;
  config.rules = args[0];
  auto converter = load_opencc_converter();
  if (!converter) return fail(converter.error().message);
  auto built = load_engine(config, *converter);
  if (!built) return fail(built.error().message);
  const dialog::Engine& engine = **built;

  // The decision a new customer would get for this text, received now.
  const json out = explain_decision(
      engine, args[1], channel, std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

void print_scores(const dialog::Scores& scores) {
  std::printf("messages          %d\nprimary accuracy  %.3f\n\n", scores.count, scores.primary_accuracy());
  std::printf("%-22s %9s %7s %7s %8s\n", "category", "precision", "recall", "f1", "support");
  for (const auto& [c, pr] : scores.categories)
    std::printf("%-22s %9.3f %7.3f %7.3f %8d\n", std::string(to_string(c)).c_str(), pr.precision(), pr.recall(),
                pr.f1(), pr.support());
  std::printf("\n%-22s %9s %7s %8s\n", "severity", "precision", "recall", "support");
  for (const auto& [s, pr] : scores.severity)
    std::printf("%-22s %9.3f %7.3f %8d\n", std::string(to_string(s)).c_str(), pr.precision(), pr.recall(), pr.support());
  std::printf("\nseverity confusion (rows labelled, columns predicted: normal serious major)\n");
  for (Severity labelled : {Severity::normal, Severity::serious, Severity::major}) {
    std::printf("%-22s", std::string(to_string(labelled)).c_str());
    for (Severity predicted : {Severity::normal, Severity::serious, Severity::major}) {
      int n = 0;
      if (auto row = scores.severity_confusion.find(labelled); row != scores.severity_confusion.end())
        if (auto cell = row->second.find(predicted); cell != row->second.end()) n = cell->second;
      std::printf(" %7d", n);
    }
    std::printf("\n");
  }
  std::printf("\n%-22s %9s %7s %8s\n", "intent", "precision", "recall", "support");
  for (const auto& [i, pr] : scores.intents)
    std::printf("%-22s %9.3f %7.3f %8d\n", std::string(to_string(i)).c_str(), pr.precision(), pr.recall(), pr.support());
}

// "１２３" for "123" and "ａｂｃ" for "abc": the full-width forms Chinese keyboards produce.
std::string to_full_width(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3);
  for (char ch : text) {
    if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
      append_utf8(out, static_cast<char32_t>(ch) + 0xFEE0);  // '0' U+0030 → '０' U+FF10
    else
      out.push_back(ch);
  }
  return out;
}

// A corpus variant: the same labelled texts written another way.
Result<TextConversion> variant_conversion(const std::string& variant) {
  if (variant.empty()) return TextConversion([](std::string_view t) { return std::string(t); });
  if (variant == "traditional") return load_opencc_conversion("s2twp.json");
  if (variant == "fullwidth") return TextConversion(to_full_width);
  return make_error("usage", "unknown --variant \"" + variant + "\" (expected traditional or fullwidth)");
}

struct Thresholds {
  std::optional<double> accuracy, major_recall, major_precision;
};

// The thresholds the scores miss, as lines for the operator ("primary accuracy 0.812 < 0.850").
std::vector<std::string> missed(const dialog::Scores& scores, const Thresholds& t) {
  std::vector<std::string> out;
  auto check = [&](const char* what, double got, const std::optional<double>& floor) {
    if (!floor || got >= *floor) return;
    char line[128];
    std::snprintf(line, sizeof line, "%s %.3f < %.3f", what, got, *floor);
    out.push_back(line);
  };
  check("primary accuracy", scores.primary_accuracy(), t.accuracy);
  const auto major = scores.severity.find(Severity::major);
  const dialog::PrecisionRecall none;
  const dialog::PrecisionRecall& m = major == scores.severity.end() ? none : major->second;
  check("major recall", m.recall(), t.major_recall);
  check("major precision", m.precision(), t.major_precision);
  return out;
}

int regress(const std::vector<std::string>& args) {
  std::string rules_path, corpus_path, baseline_path, variant;
  Thresholds thresholds;
  bool as_json = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto value = [&](std::string& into) {
      if (i + 1 >= args.size()) return false;
      into = args[++i];
      return true;
    };
    if (args[i] == "--rules") {
      if (!value(rules_path)) return usage("--rules needs a file");
    } else if (args[i] == "--corpus") {
      if (!value(corpus_path)) return usage("--corpus needs a file");
    } else if (args[i] == "--baseline") {
      if (!value(baseline_path)) return usage("--baseline needs a file");
    } else if (args[i] == "--json") {
      as_json = true;
    } else if (args[i] == "--variant") {
      if (!value(variant)) return usage("--variant needs traditional or fullwidth");
    } else if (args[i] == "--min-accuracy" || args[i] == "--min-major-recall" || args[i] == "--min-major-precision") {
      const std::string flag = args[i];
      std::string text;
      if (!value(text)) return usage(flag + " needs a number between 0 and 1");
      char* end = nullptr;
      const double floor = std::strtod(text.c_str(), &end);
      if (end == text.c_str() || *end != '\0' || floor < 0 || floor > 1)
        return usage(flag + ": \"" + text + "\" is not a number between 0 and 1");
      (flag == "--min-accuracy"       ? thresholds.accuracy
       : flag == "--min-major-recall" ? thresholds.major_recall
                                      : thresholds.major_precision) = floor;
    } else {
      return usage("unknown argument " + args[i]);
    }
  }
  if (rules_path.empty() || corpus_path.empty()) return usage("regress needs --rules and --corpus");
  auto rewrite = variant_conversion(variant);
  if (!rewrite) return rewrite.error().code == "usage" ? usage(rewrite.error().message) : fail(rewrite.error().message);
  auto converter = load_opencc_converter();
  if (!converter) return fail(converter.error().message);
  auto pack = load_pack(rules_path);
  if (!pack) return fail(pack.error().message);
  std::shared_ptr<const dialog::RulePack> baseline;
  if (!baseline_path.empty()) {
    auto loaded = load_pack(baseline_path);
    if (!loaded) return fail(loaded.error().message);
    baseline = *loaded;
  }

  auto messages = read_labelled_corpus(corpus_path);
  if (!messages) return fail(messages.error().message);
  for (dialog::LabelledMessage& m : *messages) m.text = (*rewrite)(m.text);
  const dialog::PackComparison compared = dialog::compare_packs(**pack, baseline.get(), *messages, converter->get());
  const dialog::Scores& scores = compared.candidate;

  if (as_json) {
    json out = scores.to_json();
    if (compared.baseline) {
      const json both = compared.to_json();
      out["baseline"] = both["baseline"];
      out["changed"] = both["changed"];
    }
    const auto misses = missed(scores, thresholds);
    out["thresholds_missed"] = misses;
    std::printf("%s\n", out.dump().c_str());
    return misses.empty() ? 0 : 1;
  }
  if (!variant.empty()) std::printf("variant           %s\n", variant.c_str());
  print_scores(scores);
  if (compared.baseline) {
    std::printf("\nbaseline primary accuracy %.3f → %.3f; %zu messages change:\n", compared.baseline->primary_accuracy(),
                scores.primary_accuracy(), compared.changed.size());
    for (const auto& c : compared.changed)
      std::printf("  %-12s %s → %s   %s\n", c.id.c_str(), c.before.c_str(), c.after.c_str(), c.text.substr(0, 90).c_str());
  }
  const auto misses = missed(scores, thresholds);
  for (const std::string& miss : misses) std::fprintf(stderr, "intakectl rules: %s: threshold missed: %s\n", corpus_path.c_str(), miss.c_str());
  return misses.empty() ? 0 : 1;
}

}  // namespace

int rules_command(const CommonFlags& flags, const std::vector<std::string>& args) {
  if (args.empty()) return usage("which rules command?");
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "lint") return lint(rest);
  if (args[0] == "test") return test(flags, rest);
  if (args[0] == "regress") return regress(rest);
  return usage("unknown rules command \"" + args[0] + "\"");
}

}  // namespace intake::gateway
