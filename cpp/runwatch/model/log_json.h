#pragma once
// A log line as Kestra writes its LogEntry: the API's logs and the file log Fetch stores.
#include "runwatch/model/execution.h"
#include "runwatch/model/value.h"

namespace runwatch {

// namespace, flowId, executionId, taskId and taskRunId (null for an execution's own
// lines), attemptNumber, timestamp, level, message.
Value log_json(const Execution& execution, const LogEntry& entry);

}  // namespace runwatch
