// The JSON webhooks (generic chat, Telegram, CTI) on any body: a clear error or a
// message that keeps the adapters' promises, and a reply that renders.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "intake/channels/cti.hpp"
#include "intake/channels/generic_chat.hpp"
#include "intake/channels/telegram.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace intake::channels;
  static const GenericChat generic({std::nullopt, true, intake::kChinaStandardTime});
  static const Telegram telegram({std::nullopt, true});
  static const Cti cti({std::nullopt, true, intake::kChinaStandardTime});
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  for (const Adapter* adapter : {static_cast<const Adapter*>(&generic), static_cast<const Adapter*>(&telegram),
                                 static_cast<const Adapter*>(&cti)}) {
    auto in = adapter->accept(intake::fuzz::request("/webhooks/x", body, "application/json"), intake::Timestamp{});
    if (!in) {
      intake::fuzz::require(!in.error().code.empty() && !in.error().message.empty(), "an error has a code and a message");
      continue;
    }
    intake::fuzz::check_inbound(*in);
    intake::Acknowledgement ack;
    ack.reply_text = in->text;
    (void)adapter->render(*in, ack);
  }
  return 0;
}
