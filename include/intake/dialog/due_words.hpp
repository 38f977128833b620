#pragma once
// Due times in the customer's own words and script, relative to the message's receipt
// time, in the company's zone. Pure.
#include "intake/dialog/sla_policy.hpp"
#include "intake/script.hpp"
#include "intake/time.hpp"

#include <string>

namespace intake::dialog {

// "今天 13:30" / "明天 10:00" / "11月25日 10:00"; "today 13:30" / "tomorrow 10:00" / "25 Nov 10:00".
std::string describe_due(Timestamp due, Timestamp now, UtcOffset offset, Script script);

// "4小时" / "4小時" / "4 hours"; "30分钟" / "30分鐘" / "30 minutes"; "2天" / "2 days":
// how long from now until due, rounded up, at least one minute.
std::string describe_within(Timestamp due, Timestamp now, Script script);

// How long a clock runs, in its own unit, for a promise made as the clock starts:
// "8个工作小时" / "8個工作小時" / "8 working hours", "3个工作日" / "3 working days"; wall-clock
// terms as describe_within would say them ("24小时"). Office time that is not whole
// hours is said in minutes.
std::string describe_term(const SlaTerm& term, Script script);

// "尽快" / "盡快" / "as soon as possible": said instead when the promise is already overdue.
std::string as_soon_as_possible(Script script);

}  // namespace intake::dialog
