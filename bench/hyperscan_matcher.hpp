#pragma once
// Hyperscan as a candidate replacement for RE2::Set, for the benchmark only: the product
// does not link it. Built when CMake finds libhs (INTAKE_BENCH_HAVE_HYPERSCAN).
//
// All the patterns Hyperscan accepts go into one block-mode database compiled with
// HS_FLAG_UTF8 | HS_FLAG_SINGLEMATCH, so one scan reports each matching rule once, like
// RE2::Set, and with HS_FLAG_UCP unless asked not to. Each pattern is first compiled
// alone to find the ones Hyperscan rejects (its syntax and semantics are PCRE's, not RE2's).
//
// Without HS_FLAG_UCP, \w, \d and \b are ASCII-only, which is what they are in RE2; with
// it they are Unicode-aware, and Hyperscan 5.4 rejects \b altogether.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rule_matchers.hpp"

struct hs_database;
struct hs_scratch;

namespace intake::bench {

struct RejectedPattern {
  std::size_t rule;
  std::string reason;  // Hyperscan's compile error
};

class HyperscanMatcher {
 public:
  enum class Classes { unicode, ascii };  // with or without HS_FLAG_UCP

  // Throws std::runtime_error if the accepted patterns together fail to compile.
  HyperscanMatcher(const std::vector<PackRule>& rules, Classes classes);
  ~HyperscanMatcher();
  HyperscanMatcher(const HyperscanMatcher&) = delete;
  HyperscanMatcher& operator=(const HyperscanMatcher&) = delete;

  const std::vector<std::size_t>& accepted() const { return accepted_; }
  const std::vector<RejectedPattern>& rejected() const { return rejected_; }
  double validate_seconds() const { return validate_seconds_; }  // compiling each pattern alone
  double compile_seconds() const { return compile_seconds_; }    // the database of accepted ones

  FiredRules fired(std::string_view text) const;
  std::size_t count_fired(std::string_view text) const;

  // "5.4.0 2023-…" from hs_version().
  static std::string version();

 private:
  struct Deleters {
    void operator()(hs_database* db) const;
    void operator()(hs_scratch* scratch) const;
  };
  std::vector<std::size_t> accepted_;
  std::vector<RejectedPattern> rejected_;
  double validate_seconds_ = 0;
  double compile_seconds_ = 0;
  std::unique_ptr<hs_database, Deleters> database_;
  // Scratch space is per thread in Hyperscan; the benchmark is single-threaded.
  std::unique_ptr<hs_scratch, Deleters> scratch_;
};

}  // namespace intake::bench
