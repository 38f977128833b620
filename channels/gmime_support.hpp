#pragma once
// What the GMime users in channels/ share (not a public header): GMime's one-time set-up,
// ownership of its reference-counted objects, and a part's decoded bytes.
#include <gmime/gmime.h>

#include <memory>
#include <mutex>
#include <string>

namespace intake::channels {

// GMime keeps process-wide tables (charsets, the iconv cache); they are set up once and
// are safe to share between threads afterwards.
inline void ensure_gmime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

struct GObjectUnref {
  void operator()(gpointer object) const {
    if (object) g_object_unref(object);
  }
};
// Owns one reference to a GObject (a GMimeMessage, a stream, a parser …).
template <class T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

// The bytes of a leaf part with its transfer encoding (base64, quoted-printable) undone;
// no charset conversion.
inline std::string part_bytes(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (!content) return {};
  GObjectPtr<GMimeStream> memory(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(content, memory.get());
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(memory.get()));
  return bytes ? std::string(reinterpret_cast<const char*>(bytes->data), bytes->len) : std::string();
}

}  // namespace intake::channels
