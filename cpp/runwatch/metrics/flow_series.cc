#include "runwatch/metrics/flow_series.h"

#include <prometheus/counter.h>

#include "runwatch/model/state.h"

namespace runwatch::metrics {
namespace {

// The states an execution ends in.
constexpr State kEndStates[] = {State::SUCCESS, State::WARNING, State::FAILED, State::KILLED, State::CANCELLED};
// notification.failed's reasons: no answer, or an answer refusing it.
constexpr const char* kFailureReasons[] = {"unreachable", "status"};

}  // namespace

void precreate_flow_series(const Catalog& catalog, const FlowSeriesPlan& plan) {
  for (State state : kEndStates) catalog.execution_end.with({plan.ns, plan.flow, std::string(to_string(state))});
  for (const auto& type : plan.notifier_types) {
    catalog.notification_sent.with({type});
    for (const char* reason : kFailureReasons) catalog.notification_failed.with({type, reason});
  }
  if (plan.has_flow_trigger) catalog.flow_trigger_match.with({std::string(kFlowTriggerType), plan.ns, plan.flow});
  if (plan.has_schedule) catalog.scheduler_trigger.with({std::string(kScheduleTriggerType), plan.ns, plan.flow});
}

}  // namespace runwatch::metrics
