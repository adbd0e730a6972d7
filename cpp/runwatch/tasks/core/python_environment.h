#pragma once
// The Python a Python script task runs with: a virtualenv made from the engine host's
// `python3` (Kestra has no property naming the interpreter either), one per distinct text
// of the task's beforeCommands, which run once, in the run that makes it, and are cached
// with it under <cache directory>/venvs/<sha256 of the text>. The script never runs in
// runwatch's own environment.
#include <map>
#include <string>
#include <vector>

#include "runwatch/tasks/core/script_lines.h"
#include "runwatch/tasks/core/script_task.h"

namespace runwatch {

// The file whose presence says a virtualenv is complete (it holds the beforeCommands).
inline constexpr const char* kVenvReadyMarker = ".runwatch-ready";

struct PythonEnvironment {
  std::string directory;                   // the virtualenv
  std::map<std::string, std::string> env;  // VIRTUAL_ENV, PATH with its bin first, unbuffered output
};

// The virtualenv of `before_commands`, made in the first run that needs it: `python3 -m
// venv`, then the commands (with `set -e`, in the run's working directory, with the
// virtualenv on PATH and the task's `env`), their lines read like the script's. A run that
// fails or is stopped while making it keeps nothing. Runs needing the same one wait for
// the one making it.
PythonEnvironment python_environment(RunContext& ctx, ScriptRun& run, const std::vector<std::string>& before_commands,
                                     const std::map<std::string, std::string>& task_env, ScriptLineConsumer& consumer);

}  // namespace runwatch
