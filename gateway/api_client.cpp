#include "gateway/api_client.hpp"

#include <charconv>

#include "gateway/curl_support.hpp"
#include "intake/ascii.hpp"

namespace intake::gateway {
namespace {

constexpr std::size_t kMaxAnswerBytes = 1024 * 1024;  // providers answer in a few hundred bytes

struct Answer {
  std::string body;
  std::optional<std::chrono::seconds> retry_after;
};

std::size_t collect_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* answer = static_cast<Answer*>(user);
  const std::size_t n = size * count;
  if (answer->body.size() + n > kMaxAnswerBytes) return 0;  // makes libcurl stop with an error
  answer->body.append(data, n);
  return n;
}

std::size_t read_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* answer = static_cast<Answer*>(user);
  const std::string_view line(data, size * count);
  const auto colon = line.find(':');
  if (colon != std::string_view::npos && ascii_lower(line.substr(0, colon)) == "retry-after") {
    const std::string_view value = trim_ascii_space(line.substr(colon + 1));
    long long seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc{} && end == value.data() + value.size() && seconds >= 0)
      answer->retry_after = std::chrono::seconds(seconds);  // an HTTP date is left to the backoff
  }
  return size * count;
}

}  // namespace

Result<channels::ApiResponse> call_api(const channels::ApiRequest& request, const ApiClientSettings& settings) {
  init_curl();
  CurlEasy curl(curl_easy_init());
  if (!curl) return make_error("transport", "libcurl could not start a transfer");
  CURL* c = curl.get();
  char error[CURL_ERROR_SIZE] = {};
  Answer answer;
  CurlList headers;
  for (const auto& [name, value] : request.headers) {
    curl_slist* grown = curl_slist_append(headers.get(), (name + ": " + value).c_str());
    if (!grown) return make_error("transport", "out of memory for the request headers");
    headers.release();
    headers.reset(grown);
  }
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(settings.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(std::min<long long>(settings.timeout.count(), 10)));
  if (!settings.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, settings.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "intake-gateway");
  if (request.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, read_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &answer);

  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK)
    return make_error("transport", std::string(curl_easy_strerror(rc)) + (error[0] ? std::string(": ") + error : ""));
  channels::ApiResponse response;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  response.body = std::move(answer.body);
  response.retry_after = answer.retry_after;
  return response;
}

}  // namespace intake::gateway
