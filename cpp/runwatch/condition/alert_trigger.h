#pragma once
// The Alert trigger (io.runwatch.plugin.trigger.Alert, beyond Kestra): the executions its
// `conditions` and `when` choose feed one alert per group (trigger/alert_book.h); it
// starts its flow once per notification, not once per execution.
#include <string_view>

#include "runwatch/condition/constraint.h"
#include "runwatch/model/flow.h"
#include "runwatch/model/schema.h"
#include "runwatch/trigger/alert_book.h"

namespace runwatch {

inline constexpr std::string_view kAlertTriggerType = "io.runwatch.plugin.trigger.Alert";

TypeSchema alert_trigger_schema();
// The rule of a definition the loader accepted (its check passed): defaults filled in.
AlertRule alert_rule_of(const TriggerDef& trigger);
// The states it watches: its firing and resolving ones.
StateMask alert_trigger_states(const TriggerDef& trigger);
StateMask state_mask(const std::set<State>& states);

}  // namespace runwatch
