#pragma once
// Replies by email carry the whole thread below the new text. Only the
// customer's new words should be classified: quoted history would make every reply look
// like the first complaint again.
#include <string_view>

namespace intake::dialog {

// The text before the quoted history starts: the first line that is quoted ("> …"), a
// reply header ("On … wrote:", "在 … 写道：", "-----Original Message-----",
// "-----原始邮件-----", an Outlook "From:/发件人：" block) or a signature separator ("-- ").
// Returns the whole text when no history is found, and the whole text when stripping
// would leave nothing (a message that is all quotation is classified as it stands).
std::string_view strip_quoted_history(std::string_view text);

}  // namespace intake::dialog
