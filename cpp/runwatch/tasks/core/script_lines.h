#pragma once
// Kestra's protocol for the output of scripts. A line
// `::{"outputs": {...}, "metrics": [...], "logs": [...]}::` (on stdout or stderr) sets output
// variables, emits task metrics (`{"name", "type": "counter" | "timer", "value", "tags"}`,
// a timer's value in seconds) and logs lines at the levels it names; any other line, and a
// marker line that cannot be read, is logged, at INFO from stdout and at WARN from stderr.
#include <string>

#include "runwatch/model/value.h"
#include "runwatch/tasks/core/child_process.h"
#include "runwatch/tasks/run_context.h"

namespace runwatch {

// What one run may set, past which marker lines are ignored with a warning: the script is
// not trusted to bound itself.
inline constexpr size_t kMaxScriptVars = 1000;
inline constexpr size_t kMaxScriptOutputBytes = 8 << 20;  // the marker texts of the outputs, together
inline constexpr size_t kMaxScriptMetrics = 1000;

class ScriptLineConsumer {
 public:
  explicit ScriptLineConsumer(RunContext& ctx) : ctx_(ctx) {}

  void accept(OutputStream stream, std::string line);

  // The outputs of every marker line; a later one replaces the keys it repeats.
  const Value& vars() const { return vars_; }
  int stdout_lines() const { return stdout_lines_; }
  int stderr_lines() const { return stderr_lines_; }

 private:
  void apply_marker(const std::string& json);
  void add_outputs(const Value& outputs, size_t bytes);
  void emit_metric(const Value& entry);
  void log_entry(const Value& entry);

  RunContext& ctx_;
  Value vars_ = Value::object();
  size_t output_bytes_ = 0;
  size_t metrics_ = 0;
  int stdout_lines_ = 0;
  int stderr_lines_ = 0;
};

}  // namespace runwatch
