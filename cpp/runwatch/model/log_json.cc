#include "runwatch/model/log_json.h"

#include "runwatch/model/time.h"

namespace runwatch {

Value log_json(const Execution& e, const LogEntry& entry) {
  return {{"namespace", e.ns},
          {"flowId", e.flow_id},
          {"executionId", e.id},
          {"taskId", entry.task_id.empty() ? Value() : Value(entry.task_id)},
          {"taskRunId", entry.task_run_id.empty() ? Value() : Value(entry.task_run_id)},
          {"attemptNumber", entry.attempt},
          {"timestamp", format_instant(entry.timestamp)},
          {"level", to_string(entry.level)},
          {"message", entry.message}};
}

}  // namespace runwatch
