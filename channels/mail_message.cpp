#include "intake/channels/mail_message.hpp"

#include <algorithm>

#include "intake/ascii.hpp"
#include "intake/channels/charset.hpp"
#include "intake/channels/html_text.hpp"
#include "channels/gmime_support.hpp"

namespace intake::channels {
namespace {

struct GFreeString {
  char* p;
  explicit GFreeString(char* ptr) : p(ptr) {}
  ~GFreeString() { g_free(p); }
  GFreeString(const GFreeString&) = delete;
  GFreeString& operator=(const GFreeString&) = delete;
  std::string str() const { return p ? std::string(p) : std::string(); }
};

std::string trim(std::string_view s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  auto b = std::find_if(s.begin(), s.end(), not_space);
  auto e = std::find_if(s.rbegin(), s.rend(), not_space).base();
  return b < e ? std::string(b, e) : std::string();
}

// Folded header lines joined into one (RFC 5322 §2.2.3).
std::string unfold(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw)
    if (c != '\r' && c != '\n') out += c;
  return trim(out);
}

// Encoded words labelled gb2312 or gbk often carry GBK-only characters; GMime decodes
// them strictly and then loses the rest of the header. Every label the body decoder reads
// as GB18030 (iconv_charset) is relabelled so, GB18030 being a superset of them all.
std::string relabel_chinese_encoded_words(std::string_view raw) {
  std::string out;
  out.reserve(raw.size() + 16);
  std::size_t i = 0;
  while (i < raw.size()) {
    if (raw.compare(i, 2, "=?") == 0) {
      const std::size_t label_end = raw.find('?', i + 2);
      if (label_end != std::string_view::npos) {
        if (iconv_charset(raw.substr(i + 2, label_end - i - 2)) == "GB18030") {
          out += "=?gb18030";
          i = label_end;
          continue;
        }
      }
    }
    out += raw[i++];
  }
  return out;
}

// The parser options for reading headers: raw 8-bit bytes (which some mailers put in
// headers despite RFC 5322) are tried as UTF-8, then GB18030, then Big5.
GMimeParserOptions* header_options() {
  static GMimeParserOptions* options = [] {
    ensure_gmime();
    GMimeParserOptions* o = g_mime_parser_options_new();
    const char* charsets[] = {"UTF-8", "GB18030", "CP950", nullptr};
    g_mime_parser_options_set_fallback_charsets(o, charsets);
    return o;
  }();
  return options;
}

std::optional<std::string> raw_header(GMimeObject* object, const char* name) {
  GMimeHeaderList* list = g_mime_object_get_header_list(object);
  if (!list) return std::nullopt;
  GMimeHeader* header = g_mime_header_list_get_header(list, name);
  if (!header) return std::nullopt;
  const char* raw = g_mime_header_get_raw_value(header);
  if (!raw) return std::nullopt;
  return unfold(raw);
}

std::string decode_header_text(const std::string& raw) {
  const std::string relabelled = relabel_chinese_encoded_words(raw);
  GFreeString decoded(g_mime_utils_header_decode_text(header_options(), relabelled.c_str()));
  // GMime returns UTF-8; the charset reader still drops NULs and repairs anything odd.
  return trim(decode_to_utf8(decoded.str(), "utf-8").text);
}

std::optional<MailAddress> first_mailbox(InternetAddressList* list) {
  if (!list) return std::nullopt;
  for (int i = 0; i < internet_address_list_length(list); ++i) {
    InternetAddress* a = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_GROUP(a)) {
      if (auto inner = first_mailbox(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)))) return inner;
      continue;
    }
    if (!INTERNET_ADDRESS_IS_MAILBOX(a)) continue;
    MailAddress out;
    const char* name = internet_address_get_name(a);
    const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
    out.name = name ? trim(decode_to_utf8(name, "utf-8").text) : "";
    out.address = addr ? trim(decode_to_utf8(addr, "utf-8").text) : "";
    return out;
  }
  return std::nullopt;
}

std::optional<MailAddress> address_header(GMimeObject* message, const char* name) {
  auto raw = raw_header(message, name);
  if (!raw) return std::nullopt;
  const std::string relabelled = relabel_chinese_encoded_words(*raw);
  GObjectPtr<InternetAddressList> list(internet_address_list_parse(header_options(), relabelled.c_str()));
  return first_mailbox(list.get());
}

std::vector<std::string> message_ids(GMimeObject* message, const char* name) {
  std::vector<std::string> ids;
  auto raw = raw_header(message, name);
  if (!raw) return ids;
  GMimeReferences* refs = g_mime_references_parse(header_options(), raw->c_str());
  if (!refs) return ids;
  for (int i = 0; i < g_mime_references_length(refs); ++i)
    if (const char* id = g_mime_references_get_message_id(refs, i)) ids.push_back(decode_to_utf8(id, "utf-8").text);
  g_mime_references_free(refs);
  return ids;
}

bool is_type(GMimeObject* object, const char* type, const char* subtype) {
  GMimeContentType* ct = g_mime_object_get_content_type(object);
  return ct && g_mime_content_type_is_type(ct, type, subtype);
}

std::string media_type(GMimeObject* object) {
  GMimeContentType* ct = g_mime_object_get_content_type(object);
  if (!ct) return "application/octet-stream";
  GFreeString mime(g_mime_content_type_get_mime_type(ct));
  return ascii_lower(mime.str());
}

class BodyReader {
 public:
  explicit BodyReader(MailMessage& mail) : mail_(mail) {}

  // The readable text of `object`; attachments found on the way are listed.
  std::string text_of(GMimeObject* object, int depth) {
    if (depth > 32) return {};  // a hostile nesting of multiparts ends here
    if (GMIME_IS_MULTIPART(object)) {
      GMimeMultipart* multipart = GMIME_MULTIPART(object);
      const int count = g_mime_multipart_get_count(multipart);
      if (is_type(object, "multipart", "alternative")) return alternative(multipart, count, depth);
      std::string joined;
      for (int i = 0; i < count; ++i) append_paragraph(joined, text_of(g_mime_multipart_get_part(multipart, i), depth + 1));
      return joined;
    }
    if (GMIME_IS_MESSAGE_PART(object)) {
      list_attachment(object, 0);
      return {};
    }
    if (!GMIME_IS_PART(object)) return {};
    GMimePart* part = GMIME_PART(object);
    const bool text = is_type(object, "text", "plain") || is_type(object, "text", "html");
    if (!text || g_mime_part_is_attachment(part)) {
      list_attachment(object, part_bytes(part).size());
      return {};
    }
    return leaf_text(part);
  }

 private:
  // multipart/alternative: the plain-text version when there is one, else the HTML one.
  std::string alternative(GMimeMultipart* multipart, int count, int depth) {
    GMimeObject* html = nullptr;
    for (int i = 0; i < count; ++i) {
      GMimeObject* child = g_mime_multipart_get_part(multipart, i);
      if (is_type(child, "text", "plain")) return text_of(child, depth + 1);
      if (!html) html = child;
    }
    return html ? text_of(html, depth + 1) : std::string();
  }

  std::string leaf_text(GMimePart* part) {
    GMimeObject* object = GMIME_OBJECT(part);
    const char* declared = g_mime_object_get_content_type_parameter(object, "charset");
    DecodedText decoded = decode_to_utf8(part_bytes(part), declared ? declared : "");
    if (decoded.lossy) mail_.unreadable = true;
    if (!decoded.declared_used)
      mail_.problems.push_back("body charset " + std::string(declared ? declared : "(none)") + " did not fit, read as " +
                               decoded.charset + (decoded.lossy ? " with undecodable bytes replaced" : ""));
    const bool html = is_type(object, "text", "html");
    if (mail_.body_type.empty() || (mail_.body_type == "text/html" && !html))
      mail_.body_type = html ? "text/html" : "text/plain";
    return html ? html_to_text(decoded.text) : std::move(decoded.text);
  }

  void list_attachment(GMimeObject* object, std::size_t size) {
    MailAttachment a;
    a.media_type = media_type(object);
    a.size = size;
    if (GMIME_IS_PART(object))
      if (const char* name = g_mime_part_get_filename(GMIME_PART(object))) a.filename = decode_to_utf8(name, "utf-8").text;
    if (GMIME_IS_MESSAGE_PART(object)) {
      GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
      if (inner) {
        GObjectPtr<GMimeStream> memory(g_mime_stream_mem_new());
        a.size = static_cast<std::size_t>(std::max<gint64>(0, g_mime_object_write_to_stream(GMIME_OBJECT(inner), nullptr, memory.get())));
        if (const char* subject = g_mime_message_get_subject(inner)) a.filename = decode_to_utf8(subject, "utf-8").text;
      }
    }
    mail_.attachments.push_back(std::move(a));
  }

  static void append_paragraph(std::string& joined, const std::string& text) {
    if (text.empty()) return;
    if (!joined.empty()) joined += joined.ends_with('\n') ? "\n" : "\n\n";
    joined += text;
  }

  MailMessage& mail_;
};

void read_headers(GMimeMessage* message, MailMessage& mail) {
  GMimeObject* object = GMIME_OBJECT(message);
  if (const char* id = g_mime_message_get_message_id(message)) mail.message_id = decode_to_utf8(id, "utf-8").text;
  mail.in_reply_to = message_ids(object, "In-Reply-To");
  mail.references = message_ids(object, "References");
  if (auto subject = raw_header(object, "Subject")) mail.subject = decode_header_text(*subject);
  mail.from = address_header(object, "From");
  mail.reply_to = address_header(object, "Reply-To");
  if (GDateTime* date = g_mime_message_get_date(message))
    mail.date = Timestamp{std::chrono::seconds{g_date_time_to_unix(date)}};

  static constexpr const char* kLoopHeaders[] = {"auto-submitted",  "precedence", "list-id",
                                                 "list-unsubscribe", "x-loop",     "x-autoreply",
                                                 "x-auto-response-suppress", "return-path"};
  GMimeHeaderList* list = g_mime_object_get_header_list(object);
  const int count = list ? g_mime_header_list_get_count(list) : 0;
  for (int i = 0; i < count; ++i) {
    GMimeHeader* header = g_mime_header_list_get_header_at(list, i);
    const std::string name = ascii_lower(g_mime_header_get_name(header));
    if (std::find(std::begin(kLoopHeaders), std::end(kLoopHeaders), name) == std::end(kLoopHeaders)) continue;
    const char* raw = g_mime_header_get_raw_value(header);
    mail.headers.emplace_back(name, raw ? decode_header_text(unfold(raw)) : std::string());
  }
}

}  // namespace

MailMessage read_mail(std::string_view rfc5322) {
  ensure_gmime();
  MailMessage mail;
  GObjectPtr<GMimeStream> stream(
      g_mime_stream_mem_new_with_buffer(reinterpret_cast<const char*>(rfc5322.data()), rfc5322.size()));
  GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  GObjectPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), header_options()));
  GMimeObject* body = message.get() ? g_mime_message_get_mime_part(message.get()) : nullptr;
  if (message.get()) read_headers(message.get(), mail);
  if (!message.get() || !body) {
    mail.problems.emplace_back("not a MIME message: the raw bytes are kept as the text");
    mail.unreadable = true;
    DecodedText whole = decode_to_utf8(rfc5322, "");
    mail.body = std::move(whole.text);
    return mail;
  }
  BodyReader reader(mail);
  mail.body = reader.text_of(body, 0);
  return mail;
}

MailMessage read_mail_headers(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string block;
  for (const auto& [name, value] : headers) {
    const bool valid_name = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
      return c > 32 && c < 127 && c != ':';
    });
    if (!valid_name) continue;
    block += name + ": ";
    for (char c : value) block += (c == '\r' || c == '\n' || c == '\0') ? ' ' : c;
    block += "\r\n";
  }
  if (block.empty()) return MailMessage{};
  MailMessage mail = read_mail(block + "\r\n");
  mail.body.clear();  // an empty body, not a message of its own
  mail.body_type.clear();
  mail.problems.clear();
  mail.unreadable = false;
  return mail;
}

std::optional<std::string> header_value(const MailMessage& mail, std::string_view lower_name) {
  for (const auto& [name, value] : mail.headers)
    if (name == lower_name) return value;
  return std::nullopt;
}

}  // namespace intake::channels
