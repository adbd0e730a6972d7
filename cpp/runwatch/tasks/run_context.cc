#include "runwatch/tasks/run_context.h"

namespace runwatch {

RunContext::RunContext(TaskIdentity identity, Value variables, const Clock& clock,
                       std::shared_ptr<Cancellation> cancellation, const ExecutionReader* executions)
    : identity_(std::move(identity)),
      variables_(std::move(variables)),
      clock_(clock),
      cancellation_(cancellation ? std::move(cancellation) : std::make_shared<Cancellation>()),
      executions_(executions) {}

std::string RunContext::render(const std::string& text) const { return text; }

Value RunContext::render(const Value& value) const {
  if (value.is_string()) return render(value.get_ref<const std::string&>());
  if (value.is_array()) {
    Value out = Value::array();
    for (const auto& item : value) out.push_back(render(item));
    return out;
  }
  if (value.is_object()) {
    Value out = Value::object();
    for (auto it = value.begin(); it != value.end(); ++it) out[it.key()] = render(it.value());
    return out;
  }
  return value;
}

void RunContext::log(LogLevel level, std::string message) {
  logs_.push_back(LogEntry{clock_.now(), level, identity_.task_id, identity_.task_run_id,
                           identity_.attempt, std::move(message)});
}

bool RunContext::sleep_for(Duration d) { return clock_.sleep_until(clock_.now() + d, cancellation_.get()); }

}  // namespace runwatch
