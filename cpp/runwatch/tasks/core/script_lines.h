#pragma once
// Kestra's protocol for the output of scripts. A line `::{"outputs": {...}, "logs": [...]}::`
// (on stdout or stderr) sets output variables and logs lines at the levels it names; any
// other line is logged, at INFO from stdout and at WARN from stderr.
#include <string>

#include "runwatch/model/value.h"
#include "runwatch/tasks/core/child_process.h"
#include "runwatch/tasks/run_context.h"

namespace runwatch {

class ScriptLineConsumer {
 public:
  explicit ScriptLineConsumer(RunContext& ctx) : ctx_(ctx) {}

  void accept(OutputStream stream, std::string line);

  // The outputs of every marker line; a later one replaces the keys it repeats.
  const Value& vars() const { return vars_; }
  int stderr_lines() const { return stderr_lines_; }

 private:
  void apply_marker(const std::string& json);
  void log_entry(const Value& entry);

  RunContext& ctx_;
  Value vars_ = Value::object();
  int stderr_lines_ = 0;
};

}  // namespace runwatch
