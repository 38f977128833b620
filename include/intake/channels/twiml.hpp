#pragma once
// TwiML, the XML Twilio expects in answer to its webhooks (SMS and voice).
#include <string>
#include <string_view>

namespace intake::channels {

inline constexpr std::string_view kTwimlContentType = "application/xml; charset=utf-8";

// Text escaped for an XML element or attribute value.
std::string xml_escape(std::string_view text);

// <?xml …?><Response>verbs</Response>, or <Response/> when `verbs` is empty.
std::string twiml_response(std::string_view verbs);

}  // namespace intake::channels
