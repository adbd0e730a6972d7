#pragma once
// When a failed attempt is tried again, following the task's retry policy.
#include <optional>

#include "runwatch/model/flow.h"

namespace runwatch {

// The date of the next attempt after `attempts_done` failed attempts, the first of
// which started at `first_start`; nullopt when the policy allows no more.
std::optional<TimePoint> next_retry_date(const RetryPolicy& policy, int attempts_done, TimePoint first_start,
                                         TimePoint now);

}  // namespace runwatch
