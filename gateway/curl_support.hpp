#pragma once
// What the gateway's two libcurl clients (SMTP, provider APIs) share: one global init and
// owning handles.
#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace intake::gateway {

inline void init_curl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlEasyFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct CurlListFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyFree>;
using CurlList = std::unique_ptr<curl_slist, CurlListFree>;

}  // namespace intake::gateway
