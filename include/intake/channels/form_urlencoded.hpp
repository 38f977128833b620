#pragma once
// application/x-www-form-urlencoded, as providers such as Twilio and Mailgun post it.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace intake::channels {

// Name/value pairs in the order sent; a name may repeat. "+" is a space and "%XX" a
// byte. Returns nullopt for a malformed escape ("%4", "%zz"). The decoded bytes are not
// checked for UTF-8 here.
using FormFields = std::vector<std::pair<std::string, std::string>>;
std::optional<FormFields> parse_form_urlencoded(std::string_view body);

// The first value of `name`, if any.
std::optional<std::string> form_value(const FormFields& fields, std::string_view name);

}  // namespace intake::channels
