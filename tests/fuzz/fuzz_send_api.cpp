// The providers' answers to our sends (whatever a server, or something posing as one,
// says back) and the splitting of long messages: never a crash or an exception, and the
// parts always join back into the text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "intake/channels/send_api.hpp"
#include "intake/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace intake::channels;
  if (size < 2) return 0;
  // The first two bytes pick the HTTP status (0–599) and the split limit; the rest is the body.
  const long status = (data[0] * 256 + data[1]) % 600;
  const std::string body(reinterpret_cast<const char*>(data + 2), size - 2);
  const ApiResponse response{status, body, std::nullopt};
  for (SendVerdict (*read)(const ApiResponse&) :
       {telegram_api::read_answer, twilio_api::read_answer, wecom_api::read_answer, callback_api::read_answer}) {
    const SendVerdict v = read(response);
    intake::fuzz::require(v.kind != SendVerdict::Kind::sent || (status >= 200 && status < 300),
                          "only a 2xx answer is a send");
    intake::fuzz::require(v.kind == SendVerdict::Kind::sent || !v.error.empty(), "a failure says why");
  }
  (void)wecom_api::read_token(response);

  if (intake::is_utf8(body)) {
    const std::size_t limit = 1 + data[1] % 64;
    for (TextUnit unit : {TextUnit::utf8_bytes, TextUnit::utf16_units}) {
      std::string joined;
      for (const std::string& part : split_message(body, limit, unit)) {
        intake::fuzz::require(!part.empty() && intake::is_utf8(part), "every part is whole characters");
        if (unit == TextUnit::utf8_bytes) intake::fuzz::require(part.size() <= limit, "a part fits the limit");
        joined += part;
      }
      // Only a limit smaller than one character may leave text unsent.
      intake::fuzz::require(joined == body || (limit < 4 && body.starts_with(joined)), "the parts are the text");
    }
  }
  return 0;
}
