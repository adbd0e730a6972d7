#pragma once
// The alerting triggers (beyond Kestra), whose state is an alert book per trigger
// (trigger/alert_book.h) and which start their flow once per notification, not once per
// execution:
// - Alert: the executions its `conditions` and `when` choose feed one alert per group,
//   firing after `consecutive` failures in a row;
// - Absence: fires when a group's flow did not run by its deadline;
// - Stuck: fires when an execution stays in a running state for `after`.
#include <string_view>

#include "runwatch/condition/constraint.h"
#include "runwatch/model/flow.h"
#include "runwatch/model/schema.h"
#include "runwatch/trigger/alert_book.h"

namespace runwatch {

inline constexpr std::string_view kAlertTriggerType = "io.runwatch.plugin.trigger.Alert";
inline constexpr std::string_view kAbsenceTriggerType = "io.runwatch.plugin.trigger.Absence";
inline constexpr std::string_view kStuckTriggerType = "io.runwatch.plugin.trigger.Stuck";

// Alert, Absence or Stuck.
bool is_alerting_trigger(const TriggerDef& trigger);

TypeSchema alert_trigger_schema();
TypeSchema absence_trigger_schema();
TypeSchema stuck_trigger_schema();
// The rule of a definition the loader accepted (its check passed): defaults filled in.
AlertRule alert_rule_of(const TriggerDef& trigger);
// The states whose executions it is handed: Alert its firing and resolving ones, Absence
// those that count as a run, Stuck its states and the terminal ones (which resolve).
StateMask alert_trigger_states(const TriggerDef& trigger);
StateMask state_mask(const std::set<State>& states);

}  // namespace runwatch
