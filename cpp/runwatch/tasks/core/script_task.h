#pragma once
// What Kestra's script tasks share, run the way Kestra's Process task runner runs them: a
// shell script (`set -e` when failFast, then the commands) handed to the interpreter as its
// last argument, a child process in a fresh working directory holding the task's
// inputFiles, its output read through Kestra's log-line protocol (script_lines.h).
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runwatch/model/schema.h"
#include "runwatch/model/value.h"
#include "runwatch/tasks/core/script_lines.h"
#include "runwatch/tasks/core/temp_directory.h"
#include "runwatch/tasks/task.h"

namespace runwatch {

inline constexpr size_t kMaxInputFiles = 1000;
inline constexpr size_t kMaxInputFileNameBytes = 1024;

// The properties of io.kestra.plugin.scripts' tasks (AbstractExecScript) other than the
// task's own.
std::vector<PropertySpec> exec_script_properties();
// Kestra's task runner types: Process is what runs; Docker is accepted and runs as Process.
inline constexpr std::string_view kProcessRunner = "io.kestra.plugin.core.runner.Process";
inline constexpr std::string_view kDockerRunner = "io.kestra.plugin.scripts.runner.docker.Docker";
// The load-time check of those properties: no namespaceFiles, a known taskRunner, input
// file names inside the working directory.
std::vector<PropertyProblem> check_exec_script(const Value& properties);
// `namespaceFiles`, wherever Kestra has it: declared, and refused at load with one message.
PropertySpec namespace_files_property();
std::vector<PropertyProblem> namespace_files_problems(const Value& properties);
// Problems of an inputFiles map: names that are empty, absolute or go up with `..`.
std::vector<PropertyProblem> check_input_files(const Value& input_files, std::string_view property);
// What the server log says once for a definition that asks for a container.
std::vector<PropertyProblem> container_notices(const Value& properties);

// The `env` property; fails the task when it is not a map.
std::map<std::string, std::string> environment_of(const Value& properties);
// A string or a list of strings, or `fallback` when absent.
std::vector<std::string> string_list_or(const Value& properties, std::string_view name, const Value& fallback);
// The lines of a shell script: `set -e` first when fail_fast.
std::string shell_script(bool fail_fast, const std::vector<std::string>& lines);

struct ScriptOutcome {
  int exit_code = 0;
  Value vars = Value::object();
  int stdout_lines = 0;
  int stderr_lines = 0;
};

// Opens a kestra:/// file an input file's content names (checking it may be read).
using StoredFileReader = std::function<std::ifstream(const std::string& uri)>;
// Writes each file of `files` (the property `property`: a map of names to contents, or to
// kestra:/// URIs read with `read_stored`) under `directory`; throws TaskFailure when a
// name leaves it, a URI is given without a reader, or a write fails.
void write_input_files(const std::string& directory, const Value& files, std::string_view property,
                       const StoredFileReader& read_stored = nullptr);

// One run of a script task: its working directory (the one a WorkingDirectory shares, or
// its own, removed when the run is destroyed).
class ScriptRun {
 public:
  // Writes the `input_files` property's files into the working directory.
  ScriptRun(RunContext& ctx, const Value& properties, std::string_view input_files = "inputFiles");
  ~ScriptRun();
  ScriptRun(const ScriptRun&) = delete;
  ScriptRun& operator=(const ScriptRun&) = delete;

  const std::string& working_directory() const { return directory_; }
  // Writes a file of a new name ending with `suffix`; returns its path.
  std::string add_file(std::string_view suffix, const std::string& content);
  // Runs argv in the working directory with env; throws the cancellation's failure when
  // a kill or a timeout stopped it. Lines go through `consumer` (see script_lines.h).
  ScriptOutcome run(std::vector<std::string> argv, std::map<std::string, std::string> env,
                    ScriptLineConsumer& consumer);
  // The result of io.kestra.plugin.scripts' tasks: outputs vars, exitCode and outputFiles
  // (the files matching the patterns, stored: name to kestra:/// URI); FAILED on a non-zero
  // exit code, WARNING on stderr output when warningOnStdErr.
  TaskResult exec_script_result(const ScriptOutcome& outcome, const Value& properties) const;
  // Stores the working directory's files matching `patterns` (the glob list of the
  // property `property`); file name -> kestra:/// URI.
  Value store_output_files(const Value& patterns, std::string_view property) const;

 private:
  RunContext& ctx_;
  std::optional<TempDirectory> own_directory_;
  std::string directory_;
  std::vector<std::string> added_files_;  // in a shared directory, removed after the run
};

}  // namespace runwatch
