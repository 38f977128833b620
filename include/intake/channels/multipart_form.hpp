#pragma once
// multipart/form-data (RFC 7578), as Mailgun posts an inbound mail with its attachments.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intake/result.hpp"

namespace intake::channels {

struct FormPart {
  std::string name;                     // the form field's name
  std::optional<std::string> filename;  // set for a file
  std::string media_type;               // "text/plain" when the part does not say
  std::string charset;                  // the part's charset parameter, often empty
  std::string data;                     // the bytes, any transfer encoding undone
};

// Parses `body` with the boundary of `content_type` (the request's Content-Type header)
// using GMime's MIME parser. Errors (code "invalid_field") when the media type is not
// multipart/form-data or has no boundary; parts without a name are skipped.
Result<std::vector<FormPart>> parse_multipart_form(std::string_view content_type, std::string_view body);

}  // namespace intake::channels
