// The mail path on any bytes: read_mail (GMime, charsets, HTML), decode_to_utf8 under any
// label, and the email/raw adapter. Everything that comes out is valid UTF-8 without NUL,
// and every delivery is accepted (a mail nobody can parse still goes to a person); the
// same bytes as a Mailgun multipart form give a clean message or a clean refusal.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "intake/channels/charset.hpp"
#include "intake/channels/email_raw.hpp"
#include "intake/channels/html_text.hpp"
#include "intake/channels/mail_message.hpp"
#include "intake/channels/mailgun.hpp"

namespace {

bool clean(const std::string& s) { return intake::channels::is_valid_utf8(s) && s.find('\0') == std::string::npos; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace intake;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  static constexpr const char* kLabels[] = {"gb2312", "gbk", "gb18030", "big5", "utf-8", "us-ascii", "iso-8859-1",
                                            "x-unknown", "utf-16", "iso-2022-jp"};
  const char* label = kLabels[size ? data[0] % std::size(kLabels) : 0];
  fuzz::require(clean(channels::decode_to_utf8(input, label).text), "decoded text is clean UTF-8");

  const channels::MailMessage mail = channels::read_mail(input);
  fuzz::require(clean(mail.body) && clean(mail.subject), "mail body and subject are clean UTF-8");
  if (mail.from) fuzz::require(clean(mail.from->name) && clean(mail.from->address), "the sender is clean UTF-8");
  for (const auto& a : mail.attachments) fuzz::require(clean(a.filename), "attachment names are clean UTF-8");
  for (const auto& [name, value] : mail.headers) fuzz::require(clean(value), "kept headers are clean UTF-8");

  if (channels::is_valid_utf8(input)) fuzz::require(clean(channels::html_to_text(input)), "HTML text is clean UTF-8");

  static const channels::EmailRaw adapter({std::nullopt, true, {"service@factory.example", "factory.example", kChinaStandardTime}});
  auto in = adapter.accept(fuzz::request("/webhooks/email/raw", input, "message/rfc822"), Timestamp{});
  if (!input.empty()) {
    fuzz::require(in.ok(), "every non-empty mail is accepted");
    fuzz::check_inbound(*in);
  }

  // The same bytes as a Mailgun form: whatever it holds, an accepted post is a clean message.
  static const channels::Mailgun mailgun({std::nullopt, true, {"service@factory.example", "factory.example", kChinaStandardTime}});
  auto posted = mailgun.accept(fuzz::request("/webhooks/email/mailgun", input, "multipart/form-data; boundary=b"), Timestamp{});
  if (posted) fuzz::check_inbound(*posted);
  return 0;
}
