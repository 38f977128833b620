// intake-classify-bench: classification throughput on one core, in messages per second.
// See bench/README.md.
//
// Compares, in one run and on the same messages: the default rule pack and a generated
// pack of 2,000 rules, each through RulePack::classify (the product's path: one RE2::Set
// pass plus one match per rule that fired), through one RE2 per rule, and through
// Hyperscan when it was found at build time. The Set path and the one-RE2-per-rule path
// must agree on every message before anything is timed.
#include <sched.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "classify_messages.hpp"
#include "first_sight.hpp"
#include "gateway/opencc_converter.hpp"
#include "intake/dialog/engine.hpp"
#include "intake/dialog/normalizer.hpp"
#include "pack_under_test.hpp"
#include "synthetic_rule_pack.hpp"
#include "throughput.hpp"

namespace {

using namespace intake::bench;
using intake::dialog::normalize;
using nlohmann::json;

constexpr double kTargetPerSecond = 200'000;  // the issue's target for the default pack, per core
constexpr std::size_t kMaxGeneratedRules = 20'000;
constexpr int kMaxTrials = 50;
constexpr double kMaxMinSeconds = 60;
constexpr std::uint64_t kMaxSetMemMiB = 4096;

constexpr const char* kUsage = R"(usage: intake-classify-bench [flags]

Measures rule-pack classification on one thread, in messages per second: the default
pack and a generated pack, each through RulePack::classify (one RE2::Set pass plus one
match per rule that fired), through one RE2 per rule, and through Hyperscan (if built).

flags:
  --rules PATH            the pack to measure (default config/rules/default.json)
  --corpus PATH           classify the "text" of each line of a JSON Lines file
                          (default: about fifty built-in messages)
  --generated-rules N     rules in the generated pack (default 2000; 0 skips it)
  --seed S                seed of the generated pack (default 20261123)
  --write-generated PATH  also write the generated pack's JSON to PATH
  --min-seconds S         minimum CPU time of one trial of one variant (default 1)
  --trials T              trials per variant, interleaved; the median is reported (default 3)
  --set-max-mem MIB       RE2 memory budget for a pack that RulePack::parse rejects for
                          want of memory (default 64); RulePack's own Set budget is
                          RulePack::kSetMemoryBudget (128 MiB)
  --stream PATH           also measure first sight: classify each message of PATH (one
                          per line, or JSON Lines with "text") once, in order, with a
                          freshly loaded default pack, against a fresh RE2::Set over the
                          whole patterns; the rate of each half of the stream is shown
  --cpu N                 pin the thread to CPU N first
  --json                  also print the results as one JSON object on the last line
  --help                  this text

The exit code is 0 after a complete run, 1 if a pack does not load or the matchers
disagree on some message, 2 on bad usage.
)";

// ---------------------------------------------------------------------------------------
// Options

struct Options {
  std::string rules_path = "config/rules/default.json";
  std::optional<std::string> corpus;
  std::optional<std::string> stream;
  std::size_t generated_rules = 2000;
  std::uint64_t seed = 20261123;
  std::optional<std::string> write_generated;
  double min_seconds = 1;
  int trials = 3;
  std::int64_t set_max_mem = std::int64_t{64} << 20;
  std::optional<int> cpu;
  bool json = false;
};

std::optional<std::uint64_t> parse_count(const std::string& text) {
  if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoull(text);
}

std::optional<double> parse_seconds(const std::string& text) {
  std::size_t used = 0;
  try {
    const double value = std::stod(text, &used);
    if (used == text.size() && value > 0) return value;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::optional<Options> parse_options(int argc, char** argv, bool& help) {
  Options o;
  auto fail = [](const std::string& message) -> std::optional<Options> {
    std::fprintf(stderr, "intake-classify-bench: %s\n\n%s", message.c_str(), kUsage);
    return std::nullopt;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help = true;
      return std::nullopt;
    }
    if (arg == "--json") {
      o.json = true;
      continue;
    }
    if (i + 1 >= argc) return fail(arg + " needs a value");
    const std::string value = argv[++i];
    if (arg == "--rules") {
      o.rules_path = value;
    } else if (arg == "--corpus") {
      o.corpus = value;
    } else if (arg == "--stream") {
      o.stream = value;
    } else if (arg == "--write-generated") {
      o.write_generated = value;
    } else if (arg == "--generated-rules") {
      auto v = parse_count(value);
      if (!v || *v > kMaxGeneratedRules) return fail("--generated-rules must be 0.." + std::to_string(kMaxGeneratedRules));
      o.generated_rules = *v;
    } else if (arg == "--seed") {
      auto v = parse_count(value);
      if (!v) return fail("--seed must be a non-negative integer");
      o.seed = *v;
    } else if (arg == "--min-seconds") {
      auto v = parse_seconds(value);
      if (!v || *v > kMaxMinSeconds) return fail("--min-seconds must be > 0 and at most 60");
      o.min_seconds = *v;
    } else if (arg == "--trials") {
      auto v = parse_count(value);
      if (!v || *v == 0 || *v > static_cast<std::uint64_t>(kMaxTrials)) return fail("--trials must be 1..50");
      o.trials = static_cast<int>(*v);
    } else if (arg == "--set-max-mem") {
      auto v = parse_count(value);
      if (!v || *v == 0 || *v > kMaxSetMemMiB) return fail("--set-max-mem must be 1..4096 (MiB)");
      o.set_max_mem = static_cast<std::int64_t>(*v) << 20;
    } else if (arg == "--cpu") {
      auto v = parse_count(value);
      if (!v || *v >= CPU_SETSIZE) return fail("--cpu must be a CPU number");
      o.cpu = static_cast<int>(*v);
    } else {
      return fail("unknown flag " + arg);
    }
  }
  return o;
}

// ---------------------------------------------------------------------------------------
// Inputs

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t code_points(const std::string& text) {
  std::size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

struct Messages {
  std::string source;
  std::vector<std::string> raw;
  std::vector<std::string> normalized;
  std::size_t dropped = 0;  // not valid UTF-8: normalize() gives "", the product classifies nothing
  double average_code_points = 0;
  double average_normalized_bytes = 0;
};

Messages load_messages(const Options& options) {
  Messages m;
  std::vector<std::string> texts;
  if (options.corpus) {
    auto read = read_corpus_texts(*options.corpus);
    if (!read) throw std::runtime_error(read.error().message);
    texts = std::move(read).value();
    m.source = *options.corpus;
  } else {
    texts = builtin_messages();
    m.source = "built-in";
  }
  std::size_t points = 0, bytes = 0;
  for (auto& text : texts) {
    std::string normalized = normalize(text);
    if (normalized.empty()) {
      ++m.dropped;
      continue;
    }
    points += code_points(text);
    bytes += normalized.size();
    m.raw.push_back(std::move(text));
    m.normalized.push_back(std::move(normalized));
  }
  if (m.raw.empty()) throw std::runtime_error(m.source + ": no message is valid UTF-8");
  m.average_code_points = static_cast<double>(points) / static_cast<double>(m.raw.size());
  m.average_normalized_bytes = static_cast<double>(bytes) / static_cast<double>(m.raw.size());
  return m;
}

std::vector<PackUnderTest> load_packs(const Options& options) {
  std::vector<PackUnderTest> packs;
  packs.push_back(load_pack("default", options.rules_path, read_file(options.rules_path), /*required=*/true, 0));
  if (options.generated_rules > 0) {
    std::string generated = generate_rule_pack(options.generated_rules, options.seed);
    if (options.write_generated) {
      std::ofstream out(*options.write_generated, std::ios::binary);
      if (!(out << generated)) throw std::runtime_error(*options.write_generated + ": cannot write");
    }
    packs.push_back(load_pack("generated",
                              "generated: " + std::to_string(options.generated_rules) + " rules, seed " +
                                  std::to_string(options.seed),
                              std::move(generated), /*required=*/false, options.set_max_mem));
  }
  return packs;
}

// When RulePack rejects the generated pack, how many of its rules it does accept: the
// generator draws rules in sequence, so a smaller count gives the first rules of the
// larger pack, and acceptance is monotonic in the count (a bisection suffices).
std::size_t largest_loadable_generated(const Options& options) {
  std::size_t loads = 0, fails = options.generated_rules;
  while (fails - loads > 1) {
    const std::size_t middle = loads + (fails - loads) / 2;
    const std::string json_text = generate_rule_pack(middle, options.seed);
    if (intake::dialog::RulePack::parse(json_text, "generated").ok())
      loads = middle;
    else
      fails = middle;
  }
  return loads;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("model name")) return line.substr(line.find(':') + 2);
  return "unknown";
}

// ---------------------------------------------------------------------------------------
// What is timed

// A Pass that applies `count` to every message and sums the results.
template <class PerMessage>
Pass each_message(PerMessage count) {
  return [count](const std::vector<std::string>& messages) {
    std::size_t sum = 0;
    for (const std::string& text : messages) sum += count(text);
    return sum;
  };
}

// The spans that classify() looks up, alone: one RE2 match with a submatch per hit.
Pass span_matches(const PackUnderTest& pack) {
  return [&pack](const std::vector<std::string>& messages) {
    std::size_t sum = 0;
    for (std::size_t m = 0; m < messages.size(); ++m)
      for (std::size_t rule : pack.hits_of_message[m]) sum += pack.per_rule->span(rule, messages[m]).size();
    return sum;
  };
}

// The converter the gateway uses (OpenCC, tw2sp), loaded once: classify_message() on it is
// what a webhook pays: quoted history, normalisation with the traditional-character check,
// rules, script detection and slot extraction.
const intake::dialog::ChineseConverter* gateway_converter() {
  static const auto loaded = intake::gateway::load_opencc_converter();
  if (!loaded) {
    std::fprintf(stderr, "intake-classify-bench: %s\n", loaded.error().message.c_str());
    std::exit(1);
  }
  return loaded->get();
}

void add_pack_variants(std::vector<Variant>& variants, const PackUnderTest& pack, const Messages& messages) {
  const auto* raw = &messages.raw;
  const auto* normalized = &messages.normalized;
  const auto& label = pack.label;
  if (pack.pack) {
    variants.push_back({label, "normalize_classify", "normalize() + RulePack::classify", raw,
                        each_message([&pack](const std::string& t) { return pack.pack->classify(normalize(t)).hits.size(); })});
    variants.push_back({label, "classify_message", "classify_message(): the gateway's whole path", raw,
                        each_message([&pack](const std::string& t) {
                          return intake::dialog::classify_message(*pack.pack, t, gateway_converter()).hits.size();
                        })});
    variants.push_back({label, "classify", "RulePack::classify", normalized,
                        each_message([&pack](const std::string& t) { return pack.pack->classify(t).hits.size(); })});
  }
  const bool raised = pack.set_max_mem != RE2::Options().max_mem();
  variants.push_back({label, "set_match",
                      raised ? "RE2::Set over whole patterns, max_mem " + std::to_string(pack.set_max_mem >> 20) + " MiB"
                             : std::string("RE2::Set over whole patterns"),
                      normalized, each_message([&pack](const std::string& t) { return pack.set->count_fired(t); })});
  variants.push_back({label, "span_matches", "  whole-pattern span matches (one per hit)", normalized, span_matches(pack)});
  variants.push_back({label, "re2_per_rule", "one RE2 per rule (PartialMatch)", normalized,
                      each_message([&pack](const std::string& t) { return pack.per_rule->count_fired(t); })});
#ifdef INTAKE_BENCH_HAVE_HYPERSCAN
  for (const HyperscanUnderTest& hyperscan : pack.hyperscan) {
    const HyperscanMatcher* matcher = hyperscan.matcher.get();
    const std::size_t accepted = matcher->accepted().size();
    if (accepted == 0) continue;
    variants.push_back({label, hyperscan.key,
                        hyperscan.name + " (" + std::to_string(accepted) + "/" + std::to_string(pack.rules.size()) + ")",
                        normalized, each_message([matcher](const std::string& t) { return matcher->count_fired(t); })});
    if (const SetMatcher* subset = hyperscan.set_of_accepted.get())
      variants.push_back({label, "set_match_" + hyperscan.key + "_accepted",
                          "  RE2::Set pass over the same " + std::to_string(accepted) + " rules", normalized,
                          each_message([subset](const std::string& t) { return subset->count_fired(t); })});
  }
#endif
}

std::vector<Variant> build_variants(const std::vector<PackUnderTest>& packs, const Messages& messages) {
  std::vector<Variant> variants;
  variants.push_back({"-", "normalize", "normalize() alone", &messages.raw,
                      each_message([](const std::string& t) { return normalize(t).size(); })});
  for (const PackUnderTest& pack : packs) add_pack_variants(variants, pack, messages);
  return variants;
}

// ---------------------------------------------------------------------------------------
// Report

struct Row {
  const Variant* variant;
  const Throughput* throughput;
  double to_baseline;   // against the default pack's RulePack::classify
  double to_pack_set;   // against the same pack's bare RE2::Set pass (0 for pack "-")
};

std::vector<Row> make_rows(const std::vector<Variant>& variants, const std::vector<Throughput>& results) {
  auto rate_of = [&](const std::string& pack, const std::string& key) {
    for (std::size_t i = 0; i < variants.size(); ++i)
      if (variants[i].pack == pack && variants[i].key == key) return results[i].messages_per_second();
    return 0.0;
  };
  const double baseline = rate_of("default", "classify");
  std::vector<Row> rows;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const double rate = results[i].messages_per_second();
    const double set = rate_of(variants[i].pack, "set_match");
    rows.push_back({&variants[i], &results[i], baseline > 0 ? rate / baseline : 0, set > 0 ? rate / set : 0});
  }
  return rows;
}

const Throughput* find_result(const std::vector<Row>& rows, const std::string& pack, const std::string& key) {
  for (const Row& row : rows)
    if (row.variant->pack == pack && row.variant->key == key) return row.throughput;
  return nullptr;
}

const Throughput& result_of(const std::vector<Row>& rows, const std::string& pack, const std::string& key) {
  if (const Throughput* found = find_result(rows, pack, key)) return *found;
  throw std::logic_error("no result for " + pack + "/" + key);
}

void print_header(const Options& options, const Messages& messages) {
  std::printf("== intake-classify-bench: %zu messages (%s", messages.raw.size(), messages.source.c_str());
  if (messages.dropped > 0) std::printf(", %zu dropped: not valid UTF-8", messages.dropped);
  std::printf("), %.0f characters on average, %.0f bytes normalised\n", messages.average_code_points,
              messages.average_normalized_bytes);
  std::printf("   1 thread%s on %s (%u logical CPUs); %d trials of >= %.1f s CPU per variant, median shown\n",
              options.cpu ? (" pinned to CPU " + std::to_string(*options.cpu)).c_str() : "", cpu_model().c_str(),
              std::thread::hardware_concurrency(), options.trials, options.min_seconds);
}

#ifdef INTAKE_BENCH_HAVE_HYPERSCAN
constexpr std::size_t kPrintedRejections = 5;

void print_hyperscan(const PackUnderTest& pack, const HyperscanUnderTest& hyperscan) {
  const auto& hs = *hyperscan.matcher;
  std::printf("  %s: accepted %zu of %zu patterns; checked alone in %.0f ms, one database in %.0f ms\n",
              hyperscan.name.c_str(), hs.accepted().size(), pack.rules.size(), hs.validate_seconds() * 1e3,
              hs.compile_seconds() * 1e3);
  for (std::size_t i = 0; i < hs.rejected().size() && i < kPrintedRejections; ++i)
    std::printf("    rejected %s: %s\n", pack.rules[hs.rejected()[i].rule].id.c_str(), hs.rejected()[i].reason.c_str());
  if (hs.rejected().size() > kPrintedRejections)
    std::printf("    … and %zu more (all in --json)\n", hs.rejected().size() - kPrintedRejections);
  std::printf("    it and RE2 fire different accepted rules on %zu of %zu messages\n", hyperscan.disagreeing_messages,
              pack.hits_of_message.size());
  for (const auto& example : hyperscan.examples) {
    std::string only_hs, only_re2;
    for (const auto& id : example.only_hyperscan) only_hs += " " + id;
    for (const auto& id : example.only_re2) only_re2 += " " + id;
    std::printf("    message #%zu: only Hyperscan [%s ], only RE2 [%s ]\n", example.message, only_hs.c_str(),
                only_re2.c_str());
  }
}
#endif

void print_packs(const std::vector<PackUnderTest>& packs, std::optional<std::size_t> largest_loadable) {
  std::printf("\n");
  for (const auto& pack : packs) {
    std::printf("pack %-9s %5zu rules  %s; RulePack::parse %.0f ms\n", pack.label.c_str(), pack.rules.size(),
                pack.source.c_str(), pack.parse_seconds * 1e3);
    if (!pack.rejected_by_rule_pack.empty()) {
      std::printf("  RulePack::parse REJECTS this pack: %s\n", pack.rejected_by_rule_pack.c_str());
      if (largest_loadable)
        std::printf("  it accepts at most the first %zu of these rules (RE2::Set with max_mem %lld MiB);\n"
                    "  the rows of this pack use a bare RE2::Set with max_mem %lld MiB: what classify would cost with a raised limit\n",
                    *largest_loadable, static_cast<long long>(intake::dialog::RulePack::kSetMemoryBudget >> 20),
                    static_cast<long long>(pack.set_max_mem >> 20));
    }
    std::printf("  hits per message %.2f (%.2f rules matched before exclusions); %zu messages with no hit\n",
                pack.hits_per_message, pack.raw_matches_per_message, pack.messages_without_hits);
#ifdef INTAKE_BENCH_HAVE_HYPERSCAN
    for (const auto& hyperscan : pack.hyperscan) print_hyperscan(pack, hyperscan);
#endif
  }
#ifndef INTAKE_BENCH_HAVE_HYPERSCAN
  std::printf("hyperscan: not built (libhs was not found by pkg-config when configuring)\n");
#endif
}

std::string three_decimals(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}

void print_table(const std::vector<Row>& rows) {
  std::printf("\n%-9s %-46s %12s %10s %10s %10s\n", "pack", "variant", "msg/s", "ns/msg", "x default", "x pack's");
  std::printf("%-9s %-46s %12s %10s %10s %10s\n", "", "", "", "", "classify", "Set pass");
  for (const Row& row : rows) {
    const std::string to_set = row.to_pack_set > 0 ? three_decimals(row.to_pack_set) : "-";
    std::printf("%-9s %-46s %12.0f %10.0f %10.3f %10s\n", row.variant->pack.c_str(), row.variant->name.c_str(),
                row.throughput->messages_per_second(), row.throughput->nanoseconds_per_message(), row.to_baseline,
                to_set.c_str());
  }
}

// Where one message's time goes in the product's path, from the separately timed parts.
// Without RulePack (it rejected the pack) there is no classify() to subtract from.
json target_of(const std::vector<Row>& rows) {
  const double classify = result_of(rows, "default", "classify").messages_per_second();
  const double end_to_end = result_of(rows, "default", "normalize_classify").messages_per_second();
  return {{"messages_per_second", kTargetPerSecond},
          {"default_classify", classify},
          {"default_normalize_classify", end_to_end},
          {"met_by_classify", classify >= kTargetPerSecond},
          {"met_with_normalize", end_to_end >= kTargetPerSecond}};
}

void print_target(const json& target) {
  auto verdict = [](bool met) { return met ? "met" : "NOT met"; };
  std::printf("\ntarget %.0f msg/s per core, default pack: RulePack::classify %.0f msg/s (%s); "
              "with normalize() %.0f msg/s (%s)\n",
              kTargetPerSecond, target["default_classify"].get<double>(), verdict(target["met_by_classify"].get<bool>()),
              target["default_normalize_classify"].get<double>(), verdict(target["met_with_normalize"].get<bool>()));
}

json pack_json(const PackUnderTest& pack) {
  json out = {{"label", pack.label},
              {"source", pack.source},
              {"rules", pack.rules.size()},
              {"parse_ms", pack.parse_seconds * 1e3},
              {"rejected_by_rule_pack", pack.rejected_by_rule_pack.empty() ? json(nullptr) : json(pack.rejected_by_rule_pack)},
              {"set_max_mem_mib", pack.set_max_mem >> 20},
              {"hits_per_message", pack.hits_per_message},
              {"matches_per_message_before_exclusions", pack.raw_matches_per_message},
              {"messages_without_hits", pack.messages_without_hits}};
#ifdef INTAKE_BENCH_HAVE_HYPERSCAN
  json engines = json::array();
  for (const auto& hyperscan : pack.hyperscan) {
    const auto& hs = *hyperscan.matcher;
    json rejected = json::array();
    for (const auto& r : hs.rejected()) rejected.push_back({{"id", pack.rules[r.rule].id}, {"reason", r.reason}});
    json examples = json::array();
    for (const auto& e : hyperscan.examples)
      examples.push_back({{"message", e.message}, {"only_hyperscan", e.only_hyperscan}, {"only_re2", e.only_re2}});
    engines.push_back({{"variant", hyperscan.key},
                       {"accepted", hs.accepted().size()},
                       {"rejected", std::move(rejected)},
                       {"check_each_ms", hs.validate_seconds() * 1e3},
                       {"compile_database_ms", hs.compile_seconds() * 1e3},
                       {"messages_differing_from_re2", hyperscan.disagreeing_messages},
                       {"examples", std::move(examples)}});
  }
  out["hyperscan"] = {{"built", true}, {"version", HyperscanMatcher::version()}, {"compilations", std::move(engines)}};
#else
  out["hyperscan"] = {{"built", false}};
#endif
  return out;
}

json results_json(const std::vector<Row>& rows) {
  json out = json::array();
  for (const Row& row : rows) {
    const Throughput& t = *row.throughput;
    out.push_back({{"pack", row.variant->pack},
                   {"variant", row.variant->key},
                   {"messages_per_second", t.messages_per_second()},
                   {"ns_per_message", t.nanoseconds_per_message()},
                   {"wall_messages_per_second", t.wall_messages_per_second()},
                   {"slowest_trial_per_second", t.slowest_per_second},
                   {"fastest_trial_per_second", t.fastest_per_second},
                   {"ratio_to_default_classify", row.to_baseline},
                   {"ratio_to_pack_set_pass", row.to_pack_set}});
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The run

void pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0)
    throw std::runtime_error("cannot pin to CPU " + std::to_string(cpu));
}

// The default pack's RulePack and a bare RE2::Set over its whole patterns (how RulePack
// matched before it split patterns into pieces), each fresh, over the same new messages.
std::vector<FirstSightResult> first_sight(const PackUnderTest& pack, const std::string& stream_path) {
  std::vector<std::string> texts = read_stream_texts(stream_path);
  for (std::string& t : texts) t = normalize(t);
  std::vector<FirstSightResult> results;
  results.push_back(measure_first_sight("RulePack::classify", [&pack] {
    auto fresh = intake::dialog::RulePack::parse(pack.json_text, pack.source);
    if (!fresh) throw std::runtime_error(fresh.error().message);
    return std::function<std::size_t(const std::string&)>(
        [p = *fresh](const std::string& t) { return p->classify(t).hits.size(); });
  }, texts));
  results.push_back(measure_first_sight("RE2::Set over whole patterns, 128 MiB", [&pack] {
    auto set = std::make_shared<SetMatcher>(pack.rules, all_rules(pack.rules.size()),
                                            intake::dialog::RulePack::kSetMemoryBudget);
    return std::function<std::size_t(const std::string&)>(
        [set](const std::string& t) { return set->count_fired(t); });
  }, texts));
  std::printf("\nfirst sight, pack %s: %zu new messages from %s, each classified once\n", pack.label.c_str(),
              texts.size(), stream_path.c_str());
  std::printf("%-46s %14s %14s %10s\n", "matcher", "1st half msg/s", "2nd half msg/s", "x Set");
  const double set_rate = results.back().second_half_per_second;
  for (const auto& r : results)
    std::printf("%-46s %14.0f %14.0f %10.2f\n", r.name.c_str(), r.first_half_per_second, r.second_half_per_second,
                set_rate > 0 ? r.second_half_per_second / set_rate : 0);
  return results;
}

int run(const Options& options) {
  if (options.cpu) pin_to_cpu(*options.cpu);
  const Messages messages = load_messages(options);
  std::vector<PackUnderTest> packs = load_packs(options);
  std::optional<std::size_t> largest_loadable;
  if (packs.size() > 1 && !packs.back().pack) largest_loadable = largest_loadable_generated(options);
  for (auto& pack : packs) check_agreement(pack, messages.normalized);
  std::fprintf(stderr, "intake-classify-bench: RE2::Set, one RE2 per rule and RulePack::classify agree on all %zu messages; timing\n",
               messages.normalized.size());

  const std::vector<Variant> variants = build_variants(packs, messages);
  const std::vector<Throughput> results = measure(variants, options.trials, options.min_seconds);
  const std::vector<Row> rows = make_rows(variants, results);

  print_header(options, messages);
  print_packs(packs, largest_loadable);
  print_table(rows);
  const json target = target_of(rows);
  print_target(target);
  json first_sight_json = nullptr;
  if (options.stream && packs.front().pack) {
    first_sight_json = json::array();
    for (const auto& r : first_sight(packs.front(), *options.stream))
      first_sight_json.push_back({{"matcher", r.name}, {"first_half_per_second", r.first_half_per_second},
                                  {"second_half_per_second", r.second_half_per_second}, {"matches", r.matches}});
  }

  if (options.json) {
    json packs_json = json::array();
    for (const auto& pack : packs) packs_json.push_back(pack_json(pack));
    const json out = {
        {"tool", "intake-classify-bench"},
        {"machine", {{"cpu", cpu_model()}, {"logical_cpus", std::thread::hardware_concurrency()},
                     {"pinned_cpu", options.cpu ? json(*options.cpu) : json(nullptr)}}},
        {"settings", {{"trials", options.trials}, {"min_seconds", options.min_seconds},
                      {"generated_rules", options.generated_rules}, {"seed", options.seed}}},
        {"messages", {{"source", messages.source}, {"count", messages.raw.size()}, {"dropped_invalid_utf8", messages.dropped},
                      {"average_characters", messages.average_code_points},
                      {"average_normalized_bytes", messages.average_normalized_bytes}}},
        {"packs", std::move(packs_json)},
        {"generated_rules_rule_pack_accepts", largest_loadable ? json(*largest_loadable) : json(nullptr)},
        {"results", results_json(rows)},
        {"target", target},
        {"first_sight", std::move(first_sight_json)},
    };
    std::printf("%s\n", out.dump().c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool help = false;
  const auto options = parse_options(argc, argv, help);
  if (help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (!options) return 2;
  try {
    return run(*options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "intake-classify-bench: %s\n", e.what());
    return 1;
  }
}
