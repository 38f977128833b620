#pragma once
// What the GMime users in channels/ share (not a public header): GMime's one-time set-up
// and ownership of its reference-counted objects.
#include <gmime/gmime.h>

#include <memory>
#include <mutex>

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

}  // namespace intake::channels
