#include "intake/channels/multipart_form.hpp"

#include "intake/ascii.hpp"
#include "intake/channels/adapter.hpp"
#include "channels/gmime_support.hpp"

namespace intake::channels {
namespace {

Error form_error(std::string message) { return make_error(std::string(errc::invalid_field), std::move(message)); }

}  // namespace

Result<std::vector<FormPart>> parse_multipart_form(std::string_view content_type, std::string_view body) {
  ensure_gmime();
  std::string header;  // no line break may come from the request into the header block
  for (char c : content_type) header += (c == '\r' || c == '\n' || c == '\0') ? ' ' : c;
  const std::string lowered = ascii_lower(header);
  if (!lowered.starts_with("multipart/form-data")) return form_error("the body must be multipart/form-data");
  if (lowered.find("boundary=") == std::string::npos) return form_error("the multipart/form-data has no boundary");

  const std::string entity = "Content-Type: " + header + "\r\n\r\n" + std::string(body);
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(entity.data(), entity.size()));
  GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  GObjectPtr<GMimeObject> root(g_mime_parser_construct_part(parser.get(), nullptr));
  if (!root || !GMIME_IS_MULTIPART(root.get())) return form_error("the multipart/form-data body could not be read");

  std::vector<FormPart> parts;
  GMimeMultipart* multipart = GMIME_MULTIPART(root.get());
  for (int i = 0; i < g_mime_multipart_get_count(multipart); ++i) {
    GMimeObject* child = g_mime_multipart_get_part(multipart, i);
    if (!GMIME_IS_PART(child)) continue;
    GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(child);
    const char* name = disposition ? g_mime_content_disposition_get_parameter(disposition, "name") : nullptr;
    if (!name || !*name) continue;
    FormPart part;
    part.name = name;
    if (const char* filename = g_mime_part_get_filename(GMIME_PART(child))) part.filename = filename;
    GMimeContentType* type = g_mime_object_get_content_type(child);
    if (type) {
      char* mime = g_mime_content_type_get_mime_type(type);
      part.media_type = ascii_lower(mime ? mime : "text/plain");
      g_free(mime);
      if (const char* charset = g_mime_content_type_get_parameter(type, "charset")) part.charset = charset;
    } else {
      part.media_type = "text/plain";
    }
    part.data = part_bytes(GMIME_PART(child));
    parts.push_back(std::move(part));
  }
  return parts;
}

}  // namespace intake::channels
