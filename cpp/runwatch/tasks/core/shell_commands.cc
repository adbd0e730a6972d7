#include <utility>

#include "runwatch/tasks/core/cancelled.h"
#include "runwatch/tasks/core/child_process.h"
#include "runwatch/tasks/core/core_tasks.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/core/script_lines.h"
#include "runwatch/tasks/core/temp_directory.h"

namespace runwatch {
namespace {

const Value kDefaultInterpreter = Value::array({"/bin/sh", "-c"});
constexpr bool kDefaultFailFast = true;

std::vector<std::string> string_list_or(const Value& properties, std::string_view name, const Value& fallback) {
  const Value* value = find_property(properties, name);
  return to_string_list(value ? *value : fallback, name);
}

std::vector<std::string> non_empty(std::vector<std::string> items, std::string_view name) {
  if (items.empty()) throw TaskFailure("Property '" + std::string(name) + "' must not be empty");
  return items;
}

std::map<std::string, std::string> environment_of(const Value& properties) {
  std::map<std::string, std::string> env;
  const Value* value = find_property(properties, "env");
  if (!value) return env;
  if (!value->is_object()) throw TaskFailure("Property 'env' must be a map of names to values");
  for (auto it = value->begin(); it != value->end(); ++it) env[it.key()] = to_text(it.value());
  return env;
}

// Kestra's script: `set -e` first when failFast, then beforeCommands and commands, one per
// line, handed to the interpreter as its last argument.
std::vector<std::string> command_line(const Value& properties) {
  std::vector<std::string> lines;
  if (bool_or(properties, "failFast", kDefaultFailFast)) lines.push_back("set -e");
  for (auto& line : string_list_or(properties, "beforeCommands", Value::array())) lines.push_back(std::move(line));
  auto commands = to_string_list(required_property(properties, "commands"), "commands");
  for (auto& line : non_empty(std::move(commands), "commands")) lines.push_back(std::move(line));
  std::string script;
  for (const auto& line : lines) script += (script.empty() ? "" : "\n") + line;

  auto argv = non_empty(string_list_or(properties, "interpreter", kDefaultInterpreter), "interpreter");
  argv.push_back(std::move(script));
  return argv;
}

class ShellCommandsTask final : public TaskType {
 public:
  ShellCommandsTask() : TaskType(schema()) {}

  TaskResult run(RunContext& ctx, const Value& properties) const override {
    if (ctx.cancelled()) throw cancelled_failure(ctx);
    ChildProcessSpec spec;
    spec.argv = command_line(properties);
    spec.env = environment_of(properties);
    TempDirectory working_directory("runwatch-commands-");
    spec.working_directory = working_directory.path();
    ScriptLineConsumer consumer(ctx);
    ChildProcessExit process = run_child_process(
        spec, ctx.cancellation(), [&](OutputStream stream, std::string line) { consumer.accept(stream, std::move(line)); });
    if (process.stopped) throw cancelled_failure(ctx);

    TaskResult result;
    result.outputs = {{"vars", consumer.vars()}, {"exitCode", process.exit_code}};
    if (process.exit_code != 0) {
      // Returned rather than thrown, so that the outputs stay on the failed task run.
      result.state = State::FAILED;
      result.error = "Command failed with code " + std::to_string(process.exit_code);
    } else if (bool_or(properties, "warningOnStdErr", false) && consumer.stderr_lines() > 0) {
      result.state = State::WARNING;
    }
    return result;
  }

 private:
  static PropertySpec ignored(std::string name, PropertyType type, std::string why, Value default_value = nullptr) {
    return {std::move(name), type, false, "Accepted and ignored: " + std::move(why), std::move(default_value), {}};
  }

  static TypeSchema schema() {
    TypeSchema s;
    s.name = "io.kestra.plugin.scripts.shell.Commands";
    s.description =
        "Runs shell commands as a local child process (runwatch has no container task runner: containerImage, "
        "taskRunner and docker are ignored). Lines on stdout are logged at INFO, on stderr at WARN; a line "
        "`::{\"outputs\":{...}}::` sets the `vars` output instead. Outputs: vars, exitCode. A non-zero exit code "
        "fails the task; a kill or a timeout stops the process group (SIGTERM, then SIGKILL).";
    s.properties = {
        {.name = "commands",
         .type = PropertyType::StringList,
         .required = true,
         .description = "The shell commands, run one after the other."},
        {.name = "interpreter",
         .type = PropertyType::StringList,
         .description = "The interpreter; the script is its last argument.",
         .default_value = kDefaultInterpreter},
        {.name = "beforeCommands", .type = PropertyType::StringList, .description = "Commands run before `commands`."},
        {.name = "env",
         .type = PropertyType::Map,
         .description = "Environment variables added to the process's environment."},
        {.name = "failFast",
         .type = PropertyType::Boolean,
         .description = "Stop at the first command with a non-zero status (`set -e` runs first).",
         .default_value = kDefaultFailFast},
        {.name = "warningOnStdErr",
         .type = PropertyType::Boolean,
         .description =
             "End WARNING when anything is written to stderr. Deprecated and ignored by Kestra; honoured when true."},
        {.name = "targetOS",
         .type = PropertyType::String,
         .description = "Accepted; runwatch always runs the commands on this host.",
         .default_value = "AUTO",
         .allowed_values = {"LINUX", "WINDOWS", "AUTO"}},
        ignored("containerImage", PropertyType::String, "commands run as local processes.", "ubuntu"),
        ignored("taskRunner", PropertyType::Map, "commands run as local processes."),
        ignored("docker", PropertyType::Map, "commands run as local processes (deprecated in Kestra)."),
        ignored("runner", PropertyType::String, "commands run as local processes (deprecated in Kestra)."),
        ignored("inputFiles", PropertyType::Any, "no internal storage yet."),
        ignored("outputFiles", PropertyType::StringList, "no internal storage yet."),
        ignored("namespaceFiles", PropertyType::Map, "no namespace files."),
        ignored("outputDirectory", PropertyType::Boolean, "no internal storage yet (deprecated in Kestra)."),
    };
    return s;
  }
};

}  // namespace

std::shared_ptr<const TaskType> make_shell_commands_task() { return std::make_shared<ShellCommandsTask>(); }

}  // namespace runwatch
