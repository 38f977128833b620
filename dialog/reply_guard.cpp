#include "intake/dialog/reply_guard.hpp"

#include <algorithm>

#include "intake/ascii.hpp"
#include "intake/mail_ids.hpp"

namespace intake::dialog {
namespace {

std::string trim_lower(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '<')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '>')) s.remove_suffix(1);
  return ascii_lower(s);
}

// The first word of a header value ("auto-replied; owner-email=…" → "auto-replied").
std::string first_token(std::string_view value) {
  const std::string v = trim_lower(value);
  return v.substr(0, std::min(v.find_first_of(" ;\t"), v.size()));
}

bool is_system_sender(std::string_view address) {
  const std::string a = ascii_lower(address);
  const std::string local = a.substr(0, a.find('@'));
  static constexpr std::string_view kSystem[] = {"mailer-daemon", "postmaster", "noreply", "no-reply", "no_reply",
                                                  "donotreply", "do-not-reply", "do_not_reply", "bounce", "bounces"};
  for (std::string_view s : kSystem)
    if (local == s || local.starts_with(std::string(s) + "+") || local.starts_with(std::string(s) + "-")) return true;
  return false;
}

}  // namespace

std::optional<std::string> reply_suppression(const Inbound& message, int recent_replies, const ReplyGuardPolicy& policy) {
  bool list = false, bulk = false, automatic = false, own_marker = false;
  for (const auto& [name, value] : message.headers) {
    if (name == "auto-submitted" && first_token(value) != "no") automatic = true;
    if (name == "x-autoreply" || name == "x-autorespond") automatic = true;
    if (name == "precedence") {
      const std::string p = first_token(value);
      bulk = bulk || p == "bulk" || p == "junk";
      list = list || p == "list";
    }
    if (name == "list-id") list = true;
    if (name == "x-loop" && !policy.own_address.empty() && trim_lower(value) == ascii_lower(policy.own_address)) own_marker = true;
  }
  if (automatic) return "auto_submitted";
  if (list) return "mailing_list";
  if (bulk) return "bulk_precedence";
  if ((message.sender.email && is_system_sender(*message.sender.email)) || is_system_sender(message.sender.id))
    return "system_sender";
  if (own_marker) return "own_loop_marker";
  if (!policy.own_address.empty() && message.sender.email && ascii_lower(*message.sender.email) == ascii_lower(policy.own_address))
    return "own_address";
  if (message.channel == "email" && is_own_message_id(message.reply_reference, policy.own_domain)) return "own_message";
  if (!message.sender.email || message.sender.email->find('@') == std::string::npos) return "no_address";
  if (recent_replies >= policy.replies_per_hour) return "rate_limited";
  return std::nullopt;
}

}  // namespace intake::dialog
