#pragma once
// Small helpers shared by the unit tests: instants built from calendar fields (so that
// expectations never go through the parser under test) and the project's shipped
// configuration, read from the source tree through INTAKE_SOURCE_DIR.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>
#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "intake/dialog/normalizer.hpp"
#include "intake/dialog/reply_templates.hpp"
#include "intake/dialog/rule_pack.hpp"
#include "intake/dialog/sla_policy.hpp"
#include "intake/http_view.hpp"
#include "intake/time.hpp"

namespace unit {

// A ChineseConverter from a small table, so dialog's conversion path is tested without
// OpenCC (which has tests of its own): `traditional` lists the characters it reports as
// traditional; to_simplified replaces each table entry (characters or phrases) and counts
// its calls.
class TableConverter final : public intake::dialog::ChineseConverter {
 public:
  TableConverter(std::u32string traditional, std::vector<std::pair<std::string, std::string>> table)
      : traditional_(std::move(traditional)), table_(std::move(table)) {}
  bool is_traditional(char32_t cp) const override { return traditional_.find(cp) != std::u32string::npos; }
  std::string to_simplified(std::string_view text) const override {
    ++calls;
    std::string out(text);
    for (const auto& [from, to] : table_)
      for (auto pos = out.find(from); pos != std::string::npos; pos = out.find(from, pos + to.size()))
        out.replace(pos, from.size(), to);
    return out;
  }
  mutable int calls = 0;

 private:
  std::u32string traditional_;
  std::vector<std::pair<std::string, std::string>> table_;
};

// Every template a pack must define, in all three scripts, each text saying which
// template and script it is ("ack_new/en {case_number}"), so a test can tell which one
// the engine chose and what it filled in.
inline nlohmann::json complete_templates() {
  nlohmann::json out = nlohmann::json::object();
  for (std::string_view name : intake::dialog::ReplyTemplates::kRequired)
    for (intake::Script script : intake::kAllScripts)
      out[std::string(name)][std::string(intake::to_string(script))] =
          std::string(name) + "/" + std::string(intake::to_string(script)) + " {case_number} {due} {within} {missing} {status}";
  return out;
}

// Lower-case hex HMAC-SHA256, computed with OpenSSL directly rather than through the
// code under test.
inline std::string reference_hmac_sha256_hex(const std::string& key, const std::string& data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[mac[i] >> 4]);
    hex.push_back(kHex[mac[i] & 15]);
  }
  return hex;
}

// The instant at the given UTC wall time.
inline intake::Timestamp utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  using namespace std::chrono;
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s} + milliseconds{ms};
}

// The instant whose wall time in China (UTC+08:00) is the given one.
inline intake::Timestamp beijing(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  return utc(y, mo, d, h, mi, s, ms) - std::chrono::hours{8};
}

// The text of a file of the project (e.g. "config/sla.json"); empty when unreadable,
// which the callers turn into a test failure.
inline std::string read_project_file(const std::string& relative) {
  std::ifstream in(std::string(INTAKE_SOURCE_DIR) + "/" + relative, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The shipped rule pack and SLA policy, parsed once per test binary. nullptr (with a
// recorded failure) when they do not load.
inline std::shared_ptr<const intake::dialog::RulePack> default_rule_pack() {
  static const std::shared_ptr<const intake::dialog::RulePack> pack = [] {
    const std::string text = read_project_file("config/rules/default.json");
    auto parsed = intake::dialog::RulePack::parse(text, "config/rules/default.json");
    return parsed.ok() ? *parsed : std::shared_ptr<const intake::dialog::RulePack>{};
  }();
  if (!pack) ADD_FAILURE() << "config/rules/default.json did not load";
  return pack;
}

inline std::shared_ptr<const intake::dialog::BusinessCalendar> default_calendar() {
  static const std::shared_ptr<const intake::dialog::BusinessCalendar> calendar = [] {
    const intake::dialog::CalendarSource file{read_project_file("config/calendar/cn-2026.json"),
                                              "config/calendar/cn-2026.json"};
    auto parsed = intake::dialog::BusinessCalendar::parse(std::span(&file, 1));
    return parsed.ok() ? *parsed : std::shared_ptr<const intake::dialog::BusinessCalendar>{};
  }();
  if (!calendar) ADD_FAILURE() << "config/calendar/cn-2026.json did not load";
  return calendar;
}

inline std::shared_ptr<const intake::dialog::SlaPolicy> default_sla_policy() {
  static const std::shared_ptr<const intake::dialog::SlaPolicy> policy = [] {
    const std::string text = read_project_file("config/sla.json");
    auto parsed = intake::dialog::SlaPolicy::parse(text, "config/sla.json", default_calendar());
    return parsed.ok() ? *parsed : std::shared_ptr<const intake::dialog::SlaPolicy>{};
  }();
  if (!policy) ADD_FAILURE() << "config/sla.json did not load";
  return policy;
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// A webhook request as the gateway would hand it to an adapter; it must outlive the
// views it gives. Header names match case-insensitively, as in HTTP.
struct FakeRequest {
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string target = "/webhooks/chat/generic";

  FakeRequest& with(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  FakeRequest& signed_with(const std::string& key) { return with("X-Intake-Signature", "sha256=" + reference_hmac_sha256_hex(key, body)); }

  intake::HttpRequestView view() const {
    intake::HttpRequestView v;
    v.method = "POST";
    v.target = target;
    v.body = body;
    v.header = [this](std::string_view name) -> std::optional<std::string_view> {
      for (const auto& [k, value] : headers)
        if (iequals(k, name)) return std::string_view(value);
      return std::nullopt;
    };
    return v;
  }
};

}  // namespace unit
