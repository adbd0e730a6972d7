#pragma once
// The failure of a task stopped by a kill or a timeout.
#include "runwatch/tasks/task.h"

namespace runwatch {

inline TaskFailure cancelled_failure(RunContext& ctx) {
  std::string reason = ctx.cancellation().reason();
  return TaskFailure(reason.empty() ? "Task cancelled" : reason);
}

}  // namespace runwatch
