#pragma once
// The POSIX TZ strings that end TZif files ("CET-1CEST,M3.5.0,M10.5.0/3"): the rule a
// zone follows after its last listed transition.
#include <memory>
#include <string_view>

#include "runwatch/trigger/time_zone.h"

namespace runwatch {

// Null when the text is empty or not a TZ string this reader knows.
std::shared_ptr<const OffsetRule> parse_posix_tz(std::string_view text);

}  // namespace runwatch
