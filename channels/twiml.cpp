#include "intake/channels/twiml.hpp"

namespace intake::channels {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string twiml_response(std::string_view verbs) {
  std::string out = R"(<?xml version="1.0" encoding="UTF-8"?>)";
  if (verbs.empty()) return out + "<Response/>";
  return out + "<Response>" + std::string(verbs) + "</Response>";
}

}  // namespace intake::channels
