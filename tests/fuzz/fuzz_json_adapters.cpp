// The JSON webhooks (generic chat, Telegram, CTI) and the web chat's frames on any body:
// a clear error or a message that keeps the adapters' promises, and a reply that renders.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "intake/channels/cti.hpp"
#include "intake/channels/generic_chat.hpp"
#include "intake/channels/telegram.hpp"
#include "intake/channels/web_chat.hpp"

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

  auto frame = web_chat::parse_client_frame(body);
  if (!frame) {
    intake::fuzz::require(!frame.error().code.empty() && !frame.error().message.empty(), "an error has a code and a message");
  } else if (const auto* message = std::get_if<web_chat::ChatMessage>(&*frame)) {
    intake::fuzz::require(!message->id.empty() && message->text.size() <= web_chat::kMaxTextBytes, "a message within its limits");
    intake::fuzz::check_inbound(web_chat::to_inbound("w-0123456789abcdef0123456789abcdef", *message, intake::Timestamp{}));
  }
  intake::fuzz::require(!web_chat::verify_token(body, "fuzz-key"), "only a token this key signed is accepted");
  return 0;
}
