#include "gateway/smtp_client.hpp"

#include <cstring>

#include "gateway/curl_support.hpp"

namespace intake::gateway {
namespace {

struct Upload {
  const std::string& data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

}  // namespace

SmtpOutcome smtp_send(const Config::Smtp& settings, const std::string& from, const std::string& to,
                      const std::string& message) {
  init_curl();
  SmtpOutcome outcome;
  CurlEasy curl(curl_easy_init());
  if (!curl) {
    outcome.error = "libcurl could not start a transfer";
    return outcome;
  }
  CURL* c = curl.get();
  char error[CURL_ERROR_SIZE] = {};
  Upload upload{message};
  const std::string mail_from = "<" + from + ">";
  CurlList recipients(curl_slist_append(nullptr, ("<" + to + ">").c_str()));

  curl_easy_setopt(c, CURLOPT_URL, settings.url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(settings.timeout_seconds));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(std::min(settings.timeout_seconds, 10)));
  if (settings.url.starts_with("smtp://") && settings.starttls != "off")
    curl_easy_setopt(c, CURLOPT_USE_SSL, settings.starttls == "required" ? CURLUSESSL_ALL : CURLUSESSL_TRY);
  if (!settings.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, settings.ca_file.c_str());
  if (!settings.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, settings.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, settings.password.value_or("").c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));

  const CURLcode rc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &outcome.reply_code);
  if (rc == CURLE_OK) {
    outcome.sent = true;
    return outcome;
  }
  outcome.error = std::string(curl_easy_strerror(rc)) + (error[0] ? std::string(": ") + error : std::string());
  if (outcome.reply_code) outcome.error += " (SMTP " + std::to_string(outcome.reply_code) + ")";
  // 5xx is the relay's final word, except for authentication (530, 535), which an
  // operator fixes in the configuration: the replies wait for that.
  outcome.permanent = outcome.reply_code >= 500 && outcome.reply_code < 600 && outcome.reply_code != 530 &&
                      outcome.reply_code != 535;
  return outcome;
}

}  // namespace intake::gateway
