#pragma once
// The SLA policy: which clocks a case gets (first_response, preliminary_solution, …) and
// how long each runs, chosen by the case's category and severity. Pure arithmetic on
// instants passed in.
//
// Format (JSON, comments allowed), see config/sla.json:
//   {"utc_offset": "+08:00",
//    "policies": [{"match": {"category": "inquiry"}, "clocks": {"first_response": {"hours": 24}}},
//                 {"match": {"complaint": true, "severity": "major"}, …}, …]}
// The first policy whose match fits wins; an empty match fits every case. Units: "hours"
// (wall-clock). Working hours and days need the business calendar and are not accepted yet.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intake/labels.hpp"
#include "intake/result.hpp"
#include "intake/time.hpp"

namespace intake::dialog {

struct Clock {
  std::string name;
  Timestamp due;
};

class SlaPolicy {
 public:
  static Result<std::shared_ptr<const SlaPolicy>> parse(std::string_view json_text, std::string_view source);

  // Every clock of the matching policy, started at `start`, in the policy file's order.
  std::vector<Clock> clocks(Category category, Severity severity, Timestamp start) const;
  // The first_response clock, if the matching policy has one.
  std::optional<Timestamp> first_response_due(Category category, Severity severity, Timestamp start) const;

  // The company's offset from UTC, for showing times to customers.
  UtcOffset offset() const { return offset_; }

 private:
  struct Policy {
    std::optional<Category> category;
    std::optional<bool> complaint;
    std::optional<Severity> severity;
    std::vector<std::pair<std::string, std::chrono::minutes>> clocks;
  };
  const Policy* match(Category category, Severity severity) const;

  UtcOffset offset_ = kChinaStandardTime;
  std::vector<Policy> policies_;
};

}  // namespace intake::dialog
