#include "intake/channels/mail_compose.hpp"

#include "channels/gmime_support.hpp"

namespace intake::channels {
namespace {

std::string bracketed(const std::string& id) { return "<" + id + ">"; }

}  // namespace

std::string compose_mail(const ReplyMail& mail) {
  ensure_gmime();
  GObjectPtr<GMimeMessage> message(g_mime_message_new(TRUE));
  GMimeObject* object = GMIME_OBJECT(message.get());
  g_mime_message_add_mailbox(message.get(), GMIME_ADDRESS_TYPE_FROM, mail.from_name.c_str(), mail.from_address.c_str());
  g_mime_message_add_mailbox(message.get(), GMIME_ADDRESS_TYPE_TO, mail.to_name.c_str(), mail.to_address.c_str());
  g_mime_message_set_subject(message.get(), mail.subject.c_str(), "utf-8");
  g_mime_message_set_message_id(message.get(), mail.message_id.c_str());

  GDateTime* date = g_date_time_new_from_unix_utc(
      std::chrono::duration_cast<std::chrono::seconds>(mail.date.time_since_epoch()).count());
  g_mime_message_set_date(message.get(), date);
  g_date_time_unref(date);

  if (mail.in_reply_to) g_mime_object_set_header(object, "In-Reply-To", bracketed(*mail.in_reply_to).c_str(), nullptr);
  if (!mail.references.empty()) {
    std::string refs;
    for (const std::string& r : mail.references) refs += (refs.empty() ? "" : " ") + bracketed(r);
    g_mime_object_set_header(object, "References", refs.c_str(), nullptr);
  }
  if (mail.automatic) {
    g_mime_object_set_header(object, "Auto-Submitted", "auto-replied", nullptr);
    // Microsoft's equivalent: other auto-responders should stay silent.
    g_mime_object_set_header(object, "X-Auto-Response-Suppress", "All", nullptr);
  }
  g_mime_object_set_header(object, "X-Loop", mail.from_address.c_str(), nullptr);

  GObjectPtr<GMimeTextPart> body(g_mime_text_part_new_with_subtype("plain"));
  g_mime_text_part_set_text(body.get(), mail.text.c_str());  // sets charset=utf-8
  // 7-bit on the wire: not every relay on the way speaks 8BITMIME.
  g_mime_part_set_content_encoding(GMIME_PART(body.get()), GMIME_CONTENT_ENCODING_BASE64);
  g_mime_message_set_mime_part(message.get(), GMIME_OBJECT(body.get()));

  GMimeFormatOptions* format = g_mime_format_options_clone(g_mime_format_options_get_default());
  g_mime_format_options_set_newline_format(format, GMIME_NEWLINE_FORMAT_DOS);
  char* text = g_mime_object_to_string(object, format);
  g_mime_format_options_free(format);
  std::string out = text ? text : "";
  g_free(text);
  return out;
}

}  // namespace intake::channels
