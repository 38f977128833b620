#pragma once
// A read-only view of an HTTP request, so channel adapters can verify and parse
// webhooks without depending on Boost.Beast. Header names are matched case-insensitively.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace intake {

struct HttpRequestView {
  std::string_view method;
  std::string_view target;  // path and query, as sent
  std::string_view body;
  // Returns the value of the named header, or nullopt when absent.
  std::function<std::optional<std::string_view>(std::string_view name)> header;
};

}  // namespace intake
