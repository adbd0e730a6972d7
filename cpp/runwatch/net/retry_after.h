#pragma once
// Reading the Retry-After header of a 429 or 503 answer.
#include <optional>
#include <string_view>

#include "runwatch/model/time.h"

namespace runwatch {

// How long the server asks to wait: delay-seconds ("120") or an HTTP-date
// ("Wed, 21 Oct 2015 07:28:00 GMT", RFC 850 and asctime forms too) measured from `now`;
// a date already past means no wait. nullopt when the value is neither.
std::optional<Duration> parse_retry_after(std::string_view value, TimePoint now);

}  // namespace runwatch
