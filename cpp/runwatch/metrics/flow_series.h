#pragma once
// The series a loaded flow can produce for the catalog's counters, created at zero as
// soon as the flow is loaded, so that rate(), increase() and dashboards show 0 instead of
// "No data" (as Alertmanager pre-creates its own). Bounded per flow: the execution-end
// counter for each end state, notification.sent and .failed for each notifier type the
// flow uses, and the counters of its triggers.
#include <string>
#include <vector>

#include "runwatch/metrics/catalog.h"

namespace runwatch::metrics {

struct FlowSeriesPlan {
  std::string ns;
  std::string flow;
  std::vector<std::string> notifier_types;  // the notifier task types the flow uses
  bool has_flow_trigger = false;
  bool has_schedule = false;
};

void precreate_flow_series(const Catalog& catalog, const FlowSeriesPlan& plan);

}  // namespace runwatch::metrics
