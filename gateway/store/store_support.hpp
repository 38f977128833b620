#pragma once
// What the store's source files share and nobody outside the store needs: reading
// integers from result cells, the JSON spelling of times and clocks, and one way to run
// work in a transaction.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "intake/result.hpp"
#include "intake/sla.hpp"
#include "intake/store/pg.hpp"
#include "intake/time.hpp"

namespace intake::store {

// A bigint result cell (0 for anything else; the columns read this way are NOT NULL ids).
inline std::int64_t to_int(std::string_view s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

inline nlohmann::json optional_time(const std::optional<Timestamp>& t) {
  return t ? nlohmann::json(format_rfc3339(*t)) : nlohmann::json(nullptr);
}

// As cases.sla_clocks stores them.
inline nlohmann::json clocks_json(const std::vector<Clock>& clocks) {
  nlohmann::json out = nlohmann::json::array();
  for (const Clock& c : clocks) out.push_back(to_json(c));
  return out;
}

// Runs `work` (returning a Result) between BEGIN and COMMIT; an error rolls back.
template <class Work>
auto in_transaction(Connection& conn, Work work) -> decltype(work()) {
  if (auto begun = conn.exec("BEGIN"); !begun) return begun.error();
  auto result = work();
  if (!result) {
    (void)conn.exec("ROLLBACK");  // a broken connection rolls back by itself
    return result;
  }
  if (auto committed = conn.exec("COMMIT"); !committed) return committed.error();
  return result;
}

}  // namespace intake::store
