// parse_form_urlencoded on any bytes: never crashes; what it accepts re-encodes to itself.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "intake/channels/form_urlencoded.hpp"
#include "tests/support/form_encode.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto fields = intake::channels::parse_form_urlencoded(body);
  if (fields) {
    auto again = intake::channels::parse_form_urlencoded(intake::testing::form_encode(*fields));
    intake::fuzz::require(again && *again == *fields, "a parsed form survives encoding and parsing again");
  }
  return 0;
}
