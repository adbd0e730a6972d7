#pragma once
#include <string>

#include "runwatch/metrics/catalog.h"
#include "runwatch/model/time.h"

namespace runwatch::metrics {

// Notifications, recorded by the worker thread that delivers them: not a hot path
// (one HTTP exchange each), so the series is looked up in its family every time.
void notification_sent(const Catalog* catalog, const std::string& task_type, Duration latency);
// reason: "unreachable" (no answer after the retries) or "status" (a non-2xx answer).
void notification_failed(const Catalog* catalog, const std::string& task_type, const std::string& reason);

// A notification waited for its receiver's slot under kestra.alerts.rate-limit.
void notification_rate_limited(const Catalog* catalog, const std::string& task_type);

}  // namespace runwatch::metrics
