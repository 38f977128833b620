// WeCom: the fuzzed bytes are both an envelope as posted and, encrypted and signed with a
// known key, the message inside one, so the decrypted-XML parser is reached too.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "intake/channels/flat_xml.hpp"
#include "intake/channels/wecom.hpp"
#include "intake/channels/wecom_crypto.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace intake::channels;
  static const std::string kToken = "fuzz-token", kKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", kCorp = "wwfuzz";
  static const WeCom wecom({kToken, kKey, kCorp});
  static const WecomCipher cipher = *WecomCipher::from_encoding_aes_key(kKey);
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const std::string target = "/webhooks/chat/wecom?msg_signature=00&timestamp=1&nonce=2";
  (void)wecom.accept(intake::fuzz::request(target, input, "text/xml"), intake::Timestamp{});
  (void)wecom.answer_get(intake::fuzz::request(std::string(target) + "&echostr=" + std::string(input), "", ""));

  const std::string encrypted = cipher.encrypt(input, kCorp, {});
  const std::string signed_target =
      "/webhooks/chat/wecom?msg_signature=" + wecom_signature(kToken, "1", "2", encrypted) + "&timestamp=1&nonce=2";
  const std::string envelope = "<xml><Encrypt>" + cdata(encrypted) + "</Encrypt></xml>";
  auto in = wecom.accept(intake::fuzz::request(signed_target, envelope, "text/xml"), intake::Timestamp{});
  if (in) {
    intake::fuzz::check_inbound(*in);
    intake::Acknowledgement ack;
    ack.reply_text = in->text;
    const auto reply = parse_flat_xml(wecom.render(*in, ack).body);
    intake::fuzz::require(reply && cipher.decrypt(reply->at("Encrypt"), kCorp).ok(), "the reply decrypts");
  }
  return 0;
}
