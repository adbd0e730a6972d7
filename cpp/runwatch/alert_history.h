#pragma once
// The alert history entries the engine decides itself (the alerting triggers' come from
// their monitor): each notifier task run that ended, delivered or failed, and a Flow
// trigger's monitoring execution a silence kept from starting.
#include <string>
#include <vector>

#include "runwatch/model/alert_event.h"
#include "runwatch/model/execution.h"
#include "runwatch/model/flow.h"

namespace runwatch {

// One entry per ended run of a notifier task of `flow` in `execution` and per subject it
// notified about: each alert of an alerting trigger's notification, the source execution
// of a Flow trigger's, or else the execution itself (an `errors` branch). Delivered when it
// succeeded (or warned), failed otherwise, with its last error line as the reason.
std::vector<AlertEvent> delivery_events(const Flow& flow, const Execution& execution, TimePoint now);

// A Flow trigger of `alert_flow` whose monitoring execution does not start: `silence`
// matched the source execution.
AlertEvent suppressed_event(const Flow& alert_flow, const std::string& trigger_id, const Execution& source,
                            const std::string& silence, TimePoint now);

}  // namespace runwatch
