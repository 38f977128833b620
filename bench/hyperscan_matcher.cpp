#include "hyperscan_matcher.hpp"

#include <hs/hs.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace intake::bench {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Compiles one pattern alone; returns Hyperscan's error, or "" when it is accepted.
std::string compile_error_of(const std::string& pattern, unsigned flags) {
  hs_database_t* database = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile(pattern.c_str(), flags, HS_MODE_BLOCK, nullptr, &database, &error) == HS_SUCCESS) {
    hs_free_database(database);
    return {};
  }
  std::string reason = error != nullptr && error->message != nullptr ? error->message : "unknown error";
  hs_free_compile_error(error);
  return reason;
}

int collect_rule(unsigned int id, unsigned long long /*from*/, unsigned long long /*to*/, unsigned int /*flags*/,
                 void* context) {
  static_cast<FiredRules*>(context)->push_back(id);
  return 0;  // go on scanning
}

int count_rule(unsigned int /*id*/, unsigned long long /*from*/, unsigned long long /*to*/, unsigned int /*flags*/,
               void* context) {
  ++*static_cast<std::size_t*>(context);
  return 0;
}

}  // namespace

void HyperscanMatcher::Deleters::operator()(hs_database* db) const { hs_free_database(db); }
void HyperscanMatcher::Deleters::operator()(hs_scratch* scratch) const { hs_free_scratch(scratch); }

HyperscanMatcher::HyperscanMatcher(const std::vector<PackRule>& rules, Classes classes) {
  const unsigned pattern_flags =
      HS_FLAG_UTF8 | HS_FLAG_SINGLEMATCH | (classes == Classes::unicode ? HS_FLAG_UCP : 0U);
  const auto validating = Clock::now();
  for (std::size_t i = 0; i < rules.size(); ++i) {
    std::string reason = compile_error_of(rules[i].pattern, pattern_flags);
    if (reason.empty())
      accepted_.push_back(i);
    else
      rejected_.push_back({i, std::move(reason)});
  }
  validate_seconds_ = seconds_since(validating);
  if (accepted_.empty()) return;

  const auto compiling = Clock::now();
  std::vector<const char*> patterns;
  std::vector<unsigned> flags(accepted_.size(), pattern_flags);
  std::vector<unsigned> ids;
  for (std::size_t rule : accepted_) {
    patterns.push_back(rules[rule].pattern.c_str());
    ids.push_back(static_cast<unsigned>(rule));
  }
  hs_database_t* database = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(patterns.data(), flags.data(), ids.data(), static_cast<unsigned>(patterns.size()),
                       HS_MODE_BLOCK, nullptr, &database, &error) != HS_SUCCESS) {
    std::string reason = error != nullptr && error->message != nullptr ? error->message : "unknown error";
    hs_free_compile_error(error);
    throw std::runtime_error("Hyperscan could not compile the accepted patterns together: " + reason);
  }
  database_.reset(database);
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(database_.get(), &scratch) != HS_SUCCESS) throw std::runtime_error("hs_alloc_scratch failed");
  scratch_.reset(scratch);
  compile_seconds_ = seconds_since(compiling);
}

HyperscanMatcher::~HyperscanMatcher() = default;

FiredRules HyperscanMatcher::fired(std::string_view text) const {
  FiredRules fired;
  if (!database_) return fired;
  if (hs_scan(database_.get(), text.data(), static_cast<unsigned>(text.size()), 0, scratch_.get(), collect_rule,
              &fired) != HS_SUCCESS)
    throw std::runtime_error("hs_scan failed");
  std::sort(fired.begin(), fired.end());
  return fired;
}

std::size_t HyperscanMatcher::count_fired(std::string_view text) const {
  std::size_t count = 0;
  if (database_) hs_scan(database_.get(), text.data(), static_cast<unsigned>(text.size()), 0, scratch_.get(), count_rule, &count);
  return count;
}

std::string HyperscanMatcher::version() { return hs_version(); }

}  // namespace intake::bench
