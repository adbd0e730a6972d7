#pragma once
// Executions, task runs and log lines (model/log_json.h) as Kestra's API writes them
// (camelCase keys, `state` with `current`, `histories`, `startDate`, `endDate`, `duration`).
#include "runwatch/model/execution.h"
#include "runwatch/model/flow.h"
#include "runwatch/model/log_json.h"
#include "runwatch/model/value.h"

namespace runwatch {

Value execution_json(const Execution& execution);
// A flow's summary: id, namespace, revision, description, disabled, labels, and its YAML source.
Value flow_json(const Flow& flow);

}  // namespace runwatch
