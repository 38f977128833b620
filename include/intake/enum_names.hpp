#pragma once
// One way from a name back to its enum value, for every vocabulary whose values have a
// to_string (labels, scripts, case statuses, roles, …): the value of `all` whose name is
// `id`, or nullopt. The names are the wire and database spelling.
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace intake {

template <class E, std::size_t N>
constexpr std::optional<E> from_name(std::string_view id, const std::array<E, N>& all) {
  for (E value : all)
    if (to_string(value) == id) return value;
  return std::nullopt;
}

}  // namespace intake
