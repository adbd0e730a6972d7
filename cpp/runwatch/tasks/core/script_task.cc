#include "runwatch/tasks/core/script_task.h"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>

#include "runwatch/model/error.h"
#include "runwatch/model/utf8.h"
#include "runwatch/storage/local_storage.h"
#include "runwatch/tasks/core/cancelled.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/core/task_files.h"
#include "runwatch/tasks/read_function.h"

namespace runwatch {
namespace {

namespace fs = std::filesystem;

const Value kDefaultInterpreter = Value::array({"/bin/sh", "-c"});
PropertySpec accepted(std::string name, PropertyType type, std::string description) {
  return {.name = std::move(name), .type = type, .description = std::move(description)};
}

std::string runner_type(const Value& properties) {
  const Value* runner = find_property(properties, "taskRunner");
  if (!runner || !runner->is_object()) return "";
  const Value* type = find_property(*runner, "type");
  return type && type->is_string() ? type->get<std::string>() : "";
}

}  // namespace

std::vector<PropertySpec> exec_script_properties() {
  return {
      {.name = "interpreter",
       .type = PropertyType::StringList,
       .description = "The interpreter; the script is its last argument.",
       .default_value = kDefaultInterpreter},
      {.name = "beforeCommands", .type = PropertyType::StringList, .description = "Commands run before the others."},
      {.name = "env",
       .type = PropertyType::Map,
       .description = "Environment variables added to the process's environment."},
      {.name = "failFast",
       .type = PropertyType::Boolean,
       .description = "Stop at the first command with a non-zero status (`set -e` runs first).",
       .default_value = true},
      {.name = "warningOnStdErr",
       .type = PropertyType::Boolean,
       .description =
           "End WARNING when anything is written to stderr. Deprecated and ignored by Kestra; honoured when true."},
      {.name = "targetOS",
       .type = PropertyType::String,
       .description = "Accepted; runwatch always runs the commands on this host.",
       .default_value = "AUTO",
       .allowed_values = {"LINUX", "WINDOWS", "AUTO"}},
      {.name = "inputFiles",
       .type = PropertyType::Map,
       .description = "Files written into the working directory before the run: relative file name to content "
                      "(rendered). Names may hold folders but never leave the working directory (no absolute "
                      "path, no `..`). A content that is the kestra:/// URI of a file of the execution (a FILE "
                      "input, an output file of an earlier task) is that file's content."},
      {.name = "outputFiles",
       .type = PropertyType::StringList,
       .description = "Glob patterns (`*` within a folder, `**` across folders) of files of the working directory, "
                      "kept in the internal storage: the `outputFiles` output maps each matching file's relative "
                      "name to its kestra:/// URI."},
      accepted("containerImage", PropertyType::String,
               "Accepted; runwatch has no container runner: the task runs as a local process (the server log says "
               "so once per flow and task)."),
      accepted("taskRunner", PropertyType::Map,
               "`io.kestra.plugin.core.runner.Process`, or `io.kestra.plugin.scripts.runner.docker.Docker` which "
               "runwatch runs as Process (the server log says so)."),
      accepted("docker", PropertyType::Map, "Deprecated in Kestra; accepted, and the task runs as a local process."),
      {.name = "runner",
       .type = PropertyType::String,
       .description = "Deprecated in Kestra; accepted, and the task runs as a local process.",
       .allowed_values = {"PROCESS", "DOCKER"}},
      namespace_files_property(),
      accepted("outputDirectory", PropertyType::Boolean, "Deprecated in Kestra; ignored."),
  };
}

PropertySpec namespace_files_property() {
  return accepted("namespaceFiles", PropertyType::Map, "Not supported by runwatch: a flow that sets it does not load.");
}

std::vector<PropertyProblem> namespace_files_problems(const Value& properties) {
  if (!find_property(properties, "namespaceFiles")) return {};
  return {{"namespaceFiles", "namespace files are not supported by runwatch"}};
}

std::vector<PropertyProblem> check_input_files(const Value& input_files, std::string_view property) {
  std::vector<PropertyProblem> problems;
  if (!input_files.is_object()) return problems;  // the property's type is checked by the loader
  if (input_files.size() > kMaxInputFiles)
    return {{std::string(property), "at most " + std::to_string(kMaxInputFiles) + " files"}};
  for (auto it = input_files.begin(); it != input_files.end(); ++it) {
    const std::string& name = it.key();
    std::string path = std::string(property) + "." + name;
    if (name.empty() || name.size() > kMaxInputFileNameBytes || name.find('\0') != std::string::npos) {
      problems.push_back({path, "a file name of 1 to " + std::to_string(kMaxInputFileNameBytes) + " bytes is needed"});
    } else if (name.front() == '/') {
      problems.push_back({path, "'" + name + "' is an absolute path: input files stay in the working directory"});
    } else {
      for (const auto& part : fs::path(name))
        if (part == "..") {
          problems.push_back({path, "'" + name + "' leaves the working directory (`..`)"});
          break;
        }
    }
  }
  return problems;
}

std::vector<PropertyProblem> check_exec_script(const Value& properties) {
  std::vector<PropertyProblem> problems = namespace_files_problems(properties);
  if (find_property(properties, "taskRunner")) {
    std::string type = runner_type(properties);
    if (type.empty())
      problems.push_back({"taskRunner", "a task runner needs a `type`"});
    else if (type != kProcessRunner && type != kDockerRunner)
      problems.push_back({"taskRunner.type", "task runner '" + type + "' is not supported by runwatch (only " +
                                                 std::string(kProcessRunner) + "; " + std::string(kDockerRunner) +
                                                 " runs as Process)"});
  }
  if (const Value* files = find_property(properties, "inputFiles"))
    for (auto& problem : check_input_files(*files, "inputFiles")) problems.push_back(std::move(problem));
  return problems;
}

std::vector<PropertyProblem> container_notices(const Value& properties) {
  std::vector<PropertyProblem> notices;
  auto note = [&](std::string path) {
    notices.push_back({std::move(path),
                       "runwatch has no container runner: the task runs as a local process "
                       "(Kestra's Process task runner)"});
  };
  if (runner_type(properties) == kDockerRunner)
    note("taskRunner");
  else if (find_property(properties, "containerImage"))
    note("containerImage");
  else if (find_property(properties, "docker"))
    note("docker");
  else if (string_or(properties, "runner", "") == "DOCKER")
    note("runner");
  return notices;
}

std::map<std::string, std::string> environment_of(const Value& properties) {
  std::map<std::string, std::string> env;
  const Value* value = find_property(properties, "env");
  if (!value) return env;
  if (!value->is_object()) throw TaskFailure("Property 'env' must be a map of names to values");
  for (auto it = value->begin(); it != value->end(); ++it) env[it.key()] = to_text(it.value());
  return env;
}

std::vector<std::string> string_list_or(const Value& properties, std::string_view name, const Value& fallback) {
  const Value* value = find_property(properties, name);
  return to_string_list(value ? *value : fallback, name);
}

std::string shell_script(bool fail_fast, const std::vector<std::string>& lines) {
  std::string script = fail_fast ? "set -e" : "";
  bool first = !fail_fast;
  for (const auto& line : lines) {
    if (!first) script += '\n';
    script += line;
    first = false;
  }
  return script;
}

void write_input_files(const std::string& directory, const Value& files, std::string_view property,
                       const StoredFileReader& read_stored) {
  if (!files.is_object())
    throw TaskFailure("Property '" + std::string(property) + "' must be a map of file names to contents");
  if (auto problems = check_input_files(files, property); !problems.empty())
    throw TaskFailure("Property '" + problems[0].path + "': " + problems[0].message);
  for (auto it = files.begin(); it != files.end(); ++it) {
    fs::path path = fs::path(directory) / it.key();
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    std::string content = to_text(it.value());
    if (content.starts_with(storage::kScheme)) {
      // Kestra's: a file of the execution, copied from the storage.
      if (!read_stored)
        throw TaskFailure("Property '" + std::string(property) + "." + it.key() +
                          "': a kestra:/// file is copied by a script task's inputFiles, not here");
      auto in = read_stored(content);
      if (in.peek() != std::ifstream::traits_type::eof()) out << in.rdbuf();  // an empty one would fail `out`
    } else {
      out << content;
    }
    if (!out.flush()) throw TaskFailure("Unable to write input file '" + it.key() + "'");
  }
}

ScriptRun::ScriptRun(RunContext& ctx, const Value& properties, std::string_view input_files) : ctx_(ctx) {
  if (ctx.working_directory().empty()) {
    own_directory_.emplace("runwatch-commands-");
    directory_ = own_directory_->path();
  } else {
    directory_ = ctx.working_directory();
  }
  if (const Value* files = find_property(properties, input_files))
    write_input_files(directory_, *files, input_files, [&](const std::string& uri) {
      return ctx_.storage().get(execution_file(ctx_.variables(), uri));
    });
}

ScriptRun::~ScriptRun() {
  std::error_code ignored;  // in a shared directory: the scripts written for this run only
  for (const auto& file : added_files_) fs::remove(file, ignored);
}

std::string ScriptRun::add_file(std::string_view suffix, const std::string& content) {
  std::string path = working_directory() + "/" + "runwatch-XXXXXX" + std::string(suffix);
  int fd = ::mkstemps(path.data(), static_cast<int>(suffix.size()));
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "mkstemps " + path);
  for (size_t written = 0; written < content.size();) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      ::close(fd);
      throw std::system_error(error, std::generic_category(), "write " + path);
    }
    written += static_cast<size_t>(n);
  }
  ::close(fd);
  if (!own_directory_) added_files_.push_back(path);
  return path;
}

ScriptOutcome ScriptRun::run(std::vector<std::string> argv, std::map<std::string, std::string> env,
                             ScriptLineConsumer& consumer) {
  if (ctx_.cancelled()) throw cancelled_failure(ctx_);
  ChildProcessSpec spec;
  spec.argv = std::move(argv);
  spec.env = std::move(env);
  spec.working_directory = working_directory();
  ChildProcessExit process = run_child_process(spec, ctx_.cancellation(), [&](OutputStream stream, std::string line) {
    consumer.accept(stream, std::move(line));
  });
  if (process.stopped) throw cancelled_failure(ctx_);
  return {process.exit_code, consumer.vars(), consumer.stdout_lines(), consumer.stderr_lines()};
}

Value ScriptRun::store_output_files(const Value& patterns, std::string_view property) const {
  return store_matching_files(ctx_.storage(), ctx_.identity(), working_directory(), patterns, property,
                              [&](const std::string& warning) { ctx_.log(LogLevel::WARN, warning); });
}

TaskResult ScriptRun::exec_script_result(const ScriptOutcome& outcome, const Value& properties) const {
  TaskResult result;
  result.outputs = {{"vars", outcome.vars}, {"exitCode", outcome.exit_code}};
  if (const Value* patterns = find_property(properties, "outputFiles"))
    result.outputs["outputFiles"] = store_output_files(*patterns, "outputFiles");
  if (outcome.exit_code != 0) {
    // Returned rather than thrown, so that the outputs stay on the failed task run.
    result.state = State::FAILED;
    result.error = "Command failed with code " + std::to_string(outcome.exit_code);
  } else if (bool_or(properties, "warningOnStdErr", false) && outcome.stderr_lines > 0) {
    result.state = State::WARNING;
  }
  return result;
}

}  // namespace runwatch
