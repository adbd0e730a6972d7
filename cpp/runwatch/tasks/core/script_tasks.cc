#include <initializer_list>
#include <string_view>
#include <utility>

#include "runwatch/tasks/core/core_tasks.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/core/python_environment.h"
#include "runwatch/tasks/core/script_lines.h"
#include "runwatch/tasks/core/script_task.h"

namespace runwatch {
namespace {

constexpr const char* kProcessNote =
    " Runs on Kestra's Process task runner: a child process of the engine in its own process group, in a fresh "
    "working directory removed afterwards, with a safe base of the engine's environment and `env`. runwatch has no "
    "container runner: `containerImage`, a Docker `taskRunner` and `docker` are accepted and the task runs as a "
    "process all the same (the server log says so once per flow and task). Lines on stdout are logged at INFO, on "
    "stderr at WARN; a line `::{\"outputs\":{...}}::` sets the `vars` output and `::{\"metrics\":[...]}::` emits "
    "task metrics (counter, timer in seconds) instead. Outputs: vars, exitCode, and outputFiles when asked. A "
    "non-zero exit code fails the task; a kill or a timeout stops the process group (SIGTERM, then SIGKILL).";

constexpr const char* kPythonNote =
    " Python runs in a virtualenv made with the engine host's `python3 -m venv` (Kestra has no property naming the "
    "interpreter: `python3` on PATH is used), one per distinct `beforeCommands` text: they run once, in the run "
    "that makes it, and the virtualenv is kept under the runwatch.tasks.cache-directory setting "
    "(~/.cache/runwatch by default) in venvs/<sha256 of the text>.";

// Not `std::string(a) + b`: GCC 12 at -O2 warns falsely (-Warray-bounds) on it.
std::string joined(std::initializer_list<std::string_view> parts) {
  std::string text;
  for (auto part : parts) text.append(part);
  return text;
}

std::vector<std::string> non_empty(std::vector<std::string> items, std::string_view name) {
  if (items.empty()) throw TaskFailure("Property '" + std::string(name) + "' must not be empty");
  return items;
}

std::vector<std::string> required_list(const Value& properties, std::string_view name) {
  return non_empty(to_string_list(required_property(properties, name), name), name);
}

std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::vector<std::string> interpreter_with(const Value& properties, std::string script) {
  auto argv = non_empty(string_list_or(properties, "interpreter", Value::array({"/bin/sh", "-c"})), "interpreter");
  argv.push_back(std::move(script));
  return argv;
}

std::vector<std::string> concat(std::vector<std::string> first, const std::vector<std::string>& second) {
  first.insert(first.end(), second.begin(), second.end());
  return first;
}

// A task of io.kestra.plugin.scripts: what it runs, given its run.
class ExecScriptTask : public TaskType {
 public:
  using TaskType::TaskType;

  TaskResult run(RunContext& ctx, const Value& properties) const final {
    ScriptRun run(ctx, properties);
    ScriptLineConsumer consumer(ctx);
    auto [lines, env] = commands(ctx, run, properties, consumer);
    auto script = shell_script(bool_or(properties, "failFast", true), lines);
    ScriptOutcome outcome = run.run(interpreter_with(properties, std::move(script)), std::move(env), consumer);
    return run.exec_script_result(outcome, properties);
  }

 protected:
  struct Commands {
    std::vector<std::string> lines;
    std::map<std::string, std::string> env;
  };
  virtual Commands commands(RunContext& ctx, ScriptRun& run, const Value& properties,
                            ScriptLineConsumer& consumer) const = 0;

  static TypeSchema schema(std::string name, std::string description, PropertySpec own) {
    TypeSchema s;
    s.name = std::move(name);
    s.description = std::move(description);
    s.properties = {std::move(own)};
    for (auto& spec : exec_script_properties()) s.properties.push_back(std::move(spec));
    s.check = check_exec_script;
    s.notices = container_notices;
    return s;
  }
  static PropertySpec commands_property(std::string description) {
    return {
        .name = "commands", .type = PropertyType::StringList, .required = true, .description = std::move(description)};
  }
  static PropertySpec script_property(std::string description) {
    return {.name = "script", .type = PropertyType::String, .required = true, .description = std::move(description)};
  }
  static std::vector<std::string> before_commands(const Value& properties) {
    return string_list_or(properties, "beforeCommands", Value::array());
  }
};

class ShellCommandsTask final : public ExecScriptTask {
 public:
  ShellCommandsTask()
      : ExecScriptTask(schema("io.kestra.plugin.scripts.shell.Commands",
                              joined({"Runs shell commands, one after the other.", kProcessNote}),
                              commands_property("The shell commands, run one after the other."))) {}

 protected:
  Commands commands(RunContext&, ScriptRun&, const Value& properties, ScriptLineConsumer&) const override {
    return {concat(before_commands(properties), required_list(properties, "commands")), environment_of(properties)};
  }
};

class ShellScriptTask final : public ExecScriptTask {
 public:
  ShellScriptTask()
      : ExecScriptTask(schema("io.kestra.plugin.scripts.shell.Script",
                              joined({"Runs a shell script, written to a file of the working directory and run "
                                      "by /bin/sh after the beforeCommands.",
                                      kProcessNote}),
                              script_property("The script's text (not a path to a file)."))) {}

 protected:
  Commands commands(RunContext&, ScriptRun& run, const Value& properties, ScriptLineConsumer&) const override {
    std::string file = run.add_file(".sh", to_text(required_property(properties, "script")));
    return {concat(before_commands(properties), {"/bin/sh " + shell_quoted(file)}), environment_of(properties)};
  }
};

// Python tasks run their commands with the virtualenv's bin first on PATH.
class PythonTask : public ExecScriptTask {
 public:
  using ExecScriptTask::ExecScriptTask;

 protected:
  static std::pair<PythonEnvironment, std::map<std::string, std::string>> environment(RunContext& ctx, ScriptRun& run,
                                                                                      const Value& properties,
                                                                                      ScriptLineConsumer& consumer) {
    auto task_env = environment_of(properties);
    PythonEnvironment python = python_environment(ctx, run, before_commands(properties), task_env, consumer);
    auto env = python.env;
    for (const auto& [name, value] : task_env) env.insert_or_assign(name, value);
    return {std::move(python), std::move(env)};
  }
};

class PythonScriptTask final : public PythonTask {
 public:
  PythonScriptTask()
      : PythonTask(schema("io.kestra.plugin.scripts.python.Script",
                          joined({"Runs a Python script, written to a `.py` file of the working directory.",
                                  kPythonNote, kProcessNote}),
                          script_property("The script's Python text (not a path to a file)."))) {}

 protected:
  Commands commands(RunContext& ctx, ScriptRun& run, const Value& properties,
                    ScriptLineConsumer& consumer) const override {
    std::string file = run.add_file(".py", to_text(required_property(properties, "script")));
    auto [python, env] = environment(ctx, run, properties, consumer);
    return {{shell_quoted(python.directory + "/bin/python") + " " + shell_quoted(file)}, std::move(env)};
  }
};

class PythonCommandsTask final : public PythonTask {
 public:
  PythonCommandsTask()
      : PythonTask(schema("io.kestra.plugin.scripts.python.Commands",
                          joined({"Runs shell commands (such as `python main.py`) with a virtualenv's `python` "
                                  "first on PATH.",
                                  kPythonNote, kProcessNote}),
                          commands_property("The commands, run one after the other by the interpreter."))) {}

 protected:
  Commands commands(RunContext& ctx, ScriptRun& run, const Value& properties,
                    ScriptLineConsumer& consumer) const override {
    return {required_list(properties, "commands"), environment(ctx, run, properties, consumer).second};
  }
};

// Kestra's first script task (io.kestra.core.tasks.scripts.Bash, deprecated since 0.10).
class LegacyBashTask final : public TaskType {
 public:
  LegacyBashTask() : TaskType(schema()) {}

  TaskResult run(RunContext& ctx, const Value& properties) const override {
    ScriptRun run(ctx, properties);
    ScriptLineConsumer consumer(ctx);
    std::vector<std::string> argv = {string_or(properties, "interpreter", "/bin/sh")};
    for (auto& arg : string_list_or(properties, "interpreterArgs", Value::array({"-c"})))
      argv.push_back(std::move(arg));
    argv.push_back(shell_script(bool_or(properties, "exitOnFailed", true), required_list(properties, "commands")));
    ScriptOutcome outcome = run.run(std::move(argv), environment_of(properties), consumer);

    TaskResult result;
    result.outputs = {{"exitCode", outcome.exit_code},
                      {"stdOutLineCount", outcome.stdout_lines},
                      {"stdErrLineCount", outcome.stderr_lines},
                      {"vars", outcome.vars}};
    if (outcome.exit_code != 0) {
      result.state = State::FAILED;
      result.error = "Command failed with code " + std::to_string(outcome.exit_code);
    } else if (bool_or(properties, "warningOnStdErr", true) && outcome.stderr_lines > 0) {
      result.state = State::WARNING;
    }
    return result;
  }

 private:
  static std::vector<PropertyProblem> check(const Value& properties) {
    std::vector<PropertyProblem> problems;
    for (const char* name : {"outputFiles", "outputsFiles", "files"})
      if (find_property(properties, name))
        problems.push_back({name,
                            "not supported by runwatch: the legacy Bash task's output files are temporary "
                            "files named in templates; use io.kestra.plugin.scripts.shell.Commands and its "
                            "outputFiles"});
    if (const Value* files = find_property(properties, "inputFiles"))
      for (auto& problem : check_input_files(*files, "inputFiles")) problems.push_back(std::move(problem));
    return problems;
  }

  static TypeSchema schema() {
    TypeSchema s;
    s.name = "io.kestra.core.tasks.scripts.Bash";
    s.description =
        "Kestra's legacy shell task (deprecated in Kestra): `commands` joined by newlines, after `set -e` when "
        "exitOnFailed, handed to `interpreter` after `interpreterArgs`, as a local child process in a fresh working "
        "directory (`runner: DOCKER` runs as a process too, as the server log says). Lines follow the script "
        "protocol (`::{\"outputs\":{...}}::`, metrics). Outputs: exitCode, stdOutLineCount, stdErrLineCount, "
        "vars. Its output files (outputFiles, outputsFiles, files), temporary files named in templates, are not "
        "implemented: refused when the flow loads.";
    s.properties = {
        {.name = "commands", .type = PropertyType::StringList, .required = true, .description = "The commands."},
        {.name = "interpreter",
         .type = PropertyType::String,
         .description = "The interpreter.",
         .default_value = "/bin/sh"},
        {.name = "interpreterArgs",
         .type = PropertyType::StringList,
         .description = "The interpreter's arguments before the commands.",
         .default_value = Value::array({"-c"})},
        {.name = "exitOnFailed",
         .type = PropertyType::Boolean,
         .description = "Stop at the first command with a non-zero status (`set -e` runs first).",
         .default_value = true},
        {.name = "env", .type = PropertyType::Map, .description = "Environment variables added to the process's."},
        {.name = "inputFiles",
         .type = PropertyType::Map,
         .description = "Files written into the working directory first: relative name to content (rendered)."},
        {.name = "warningOnStdErr",
         .type = PropertyType::Boolean,
         .description = "End WARNING when anything is written to stderr.",
         .default_value = true},
        {.name = "runner",
         .type = PropertyType::String,
         .description = "PROCESS or DOCKER; both run a local process.",
         .default_value = "PROCESS",
         .allowed_values = {"PROCESS", "DOCKER"}},
        {.name = "dockerOptions",
         .type = PropertyType::Map,
         .description = "Accepted and unused: no container runner."},
        {.name = "outputFiles",
         .type = PropertyType::StringList,
         .description = "Refused: not implemented by runwatch."},
        {.name = "outputsFiles",
         .type = PropertyType::StringList,
         .description = "Refused: not implemented by runwatch."},
        {.name = "files", .type = PropertyType::StringList, .description = "Refused: not implemented by runwatch."},
    };
    s.check = check;
    s.notices = container_notices;
    return s;
  }
};

}  // namespace

std::shared_ptr<const TaskType> make_shell_commands_task() { return std::make_shared<ShellCommandsTask>(); }
std::shared_ptr<const TaskType> make_shell_script_task() { return std::make_shared<ShellScriptTask>(); }
std::shared_ptr<const TaskType> make_python_script_task() { return std::make_shared<PythonScriptTask>(); }
std::shared_ptr<const TaskType> make_python_commands_task() { return std::make_shared<PythonCommandsTask>(); }
std::shared_ptr<const TaskType> make_legacy_bash_task() { return std::make_shared<LegacyBashTask>(); }

}  // namespace runwatch
