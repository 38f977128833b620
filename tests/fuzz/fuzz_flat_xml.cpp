// parse_flat_xml on any bytes, and cdata() round-trips any text.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "intake/channels/flat_xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)intake::channels::parse_flat_xml(input);
  const auto wrapped = intake::channels::parse_flat_xml("<xml><V>" + intake::channels::cdata(input) + "</V></xml>");
  intake::fuzz::require(wrapped && wrapped->at("V") == input, "any text survives cdata() and parsing");
  return 0;
}
