// Kestra's script tasks on the Process runner: shell and Python, real child processes.
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "engine_fixture.h"
#include "metrics_test_support.h"
#include "runwatch/crypto/digest.h"
#include "runwatch/flow/loader.h"
#include "runwatch/logging/loggers.h"
#include "runwatch/metrics/metrics.h"
#include "runwatch/storage/local_storage.h"
#include "runwatch/tasks/core/python_environment.h"
#include "runwatch/tasks/core/temp_directory.h"
#include "tasks_test_support.h"

namespace runwatch {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPythonScript = "io.kestra.plugin.scripts.python.Script";
constexpr const char* kPythonCommands = "io.kestra.plugin.scripts.python.Commands";
constexpr const char* kShellScript = "io.kestra.plugin.scripts.shell.Script";
constexpr const char* kBash = "io.kestra.core.tasks.scripts.Bash";

std::string file_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class ScriptTaskTest : public TaskCoreTest {
 protected:
  // One cache for the suite: making a virtualenv takes seconds.
  static void SetUpTestSuite() { cache_ = new TempDirectory("runwatch-venvs-"); }
  static void TearDownTestSuite() { delete cache_; }

  TaskResult run_script(std::string_view name, const Value& properties, RunContext& ctx) {
    ctx.set_cache_directory(cache_->path());
    TaskResult result = type(name)->run(ctx, properties);
    logs_ = lines(ctx);
    return result;
  }
  TaskResult run_script(std::string_view name, const Value& properties) {
    auto ctx = context();
    return run_script(name, properties, ctx);
  }

  static TempDirectory* cache_;
};

TempDirectory* ScriptTaskTest::cache_ = nullptr;

TEST_F(ScriptTaskTest, PythonScriptSetsOutputsThroughTheLogProtocol) {
  auto result = run_script(kPythonScript, {{"script", R"(import json
print("hello from python")
print("::" + json.dumps({"outputs": {"total": 6, "names": ["a", "b"]}}) + "::")
)"}});
  EXPECT_EQ(result.state, State::SUCCESS);
  EXPECT_EQ(result.outputs, (Value{{"vars", {{"total", 6}, {"names", {"a", "b"}}}}, {"exitCode", 0}}));
  EXPECT_EQ(messages(LogLevel::INFO).back(), "hello from python");
}

TEST_F(ScriptTaskTest, PythonScriptMetricsBecomeTaskMetricsWithTheirTags) {
  metrics::Metrics metrics(*system_clock(), metrics::MetricsOptions{});
  auto ctx = context();
  ctx.set_metrics(metrics.catalog());
  auto result = run_script(kPythonScript, {{"script", R"(import json
m = [{"name": "rows", "type": "counter", "value": 3, "tags": {"table": "orders"}},
     {"name": "load", "type": "timer", "value": 1.5, "tags": {}}]
print("::" + json.dumps({"metrics": m}) + "::")
print('::{"metrics": [{"name": "rows", "type": "counter", "value": 2, "tags": {"table": "orders"}}]}::')
print('::{"metrics": [{"name": "bad", "type": "gauge", "value": 1}]}::')
)"}},
                           ctx);
  EXPECT_EQ(result.state, State::SUCCESS);
  const testing::LabelMap identity = {{"namespace_id", "company.team"}, {"flow_id", "flow1"}, {"task_id", "task1"}};
  testing::LabelMap orders = identity;
  orders["table"] = "orders";
  auto samples = metrics.snapshot();
  EXPECT_EQ(testing::sample_value(samples, "kestra_rows_total", orders), 5);
  EXPECT_EQ(testing::sample_value(samples, "kestra_load_seconds_sum", identity), 1.5);
  EXPECT_EQ(testing::sample_value(samples, "kestra_load_seconds_count", identity), 1);
  EXPECT_EQ(messages(LogLevel::WARN),
            (std::vector<std::string>{R"(Invalid metric '{"name":"bad","type":"gauge","value":1}': a counter's value )"
                                      "is a number, a timer's a number of seconds"}));
}

TEST_F(ScriptTaskTest, PythonScriptRunsInTheVirtualenvOfItsBeforeCommandsMadeOnce) {
  const Value properties = {{"beforeCommands", {"echo prepared >> \"$VIRTUAL_ENV/prepared.txt\"", "echo setup"}},
                            {"script", "import sys\nprint(sys.prefix)"}};
  run_script(kPythonScript, properties);
  auto first = messages(LogLevel::INFO);
  ASSERT_GE(first.size(), 3u);
  fs::path venv = first.back();
  EXPECT_EQ(venv.parent_path(), fs::path(cache_->path()) / "venvs");
  EXPECT_EQ(first[first.size() - 2], "setup");
  EXPECT_TRUE(fs::exists(venv / kVenvReadyMarker));

  run_script(kPythonScript, properties);
  EXPECT_EQ(messages(LogLevel::INFO), (std::vector<std::string>{venv.string()}));  // no setup, no making
  EXPECT_EQ(file_text(venv / "prepared.txt"), "prepared\n");

  // Keyed by the commands' text: other commands, another virtualenv.
  EXPECT_EQ(venv.filename(), crypto::hex_digest(crypto::DigestKind::Sha256,
                                                "echo prepared >> \"$VIRTUAL_ENV/prepared.txt\"\necho setup\n"));
}

TEST_F(ScriptTaskTest, AFailedBeforeCommandKeepsNoVirtualenv) {
  auto result = [&] {
    try {
      run_script(kPythonScript,
                 {{"beforeCommands", {"echo half > \"$VIRTUAL_ENV/half.txt\"", "exit 4"}}, {"script", "print(1)"}});
    } catch (const TaskFailure& e) {
      return std::string(e.what());
    }
    return std::string("no failure");
  }();
  EXPECT_EQ(result, "beforeCommands failed with code 4: the virtualenv is not kept");
  for (const auto& entry : fs::directory_iterator(fs::path(cache_->path()) / "venvs"))
    EXPECT_FALSE(fs::exists(entry.path() / "half.txt")) << entry.path();
}

TEST_F(ScriptTaskTest, PythonCommandsRunWithTheVirtualenvPythonFirstOnPath) {
  auto result =
      run_script(kPythonCommands, {{"inputFiles", {{"main.py", "import sys\nprint(sys.prefix, sys.argv[1])"}}},
                                   {"commands", {"python main.py {{ 'x' }}", "echo done"}}});
  EXPECT_EQ(result.state, State::SUCCESS);
  auto info = messages(LogLevel::INFO);
  ASSERT_EQ(info.size(), 2u);
  EXPECT_TRUE(info[0].starts_with((fs::path(cache_->path()) / "venvs").string())) << info[0];
  EXPECT_EQ(info[1], "done");
}

TEST_F(ScriptTaskTest, ShellScriptRunsItsTextAfterTheBeforeCommands) {
  auto result = run_script(kShellScript, {{"beforeCommands", {"echo before"}},
                                          {"script", "x=41\necho $((x + 1))\necho '::{\"outputs\":{\"n\":42}}::'"}});
  EXPECT_EQ(result.outputs, (Value{{"vars", {{"n", 42}}}, {"exitCode", 0}}));
  EXPECT_EQ(messages(LogLevel::INFO), (std::vector<std::string>{"before", "42"}));
}

// A run context of execution exec1 of company.team.flow1 (as the executor's variables
// say), with a storage.
class ScriptFilesTest : public ScriptTaskTest {
 protected:
  std::unique_ptr<storage::LocalStorage> storage_ = storage::LocalStorage::temporary();
  const std::string run_files_ = "kestra:///company/team/flow1/executions/exec1/tasks/task1/taskrun1/";

  TaskResult run_in_execution(std::string_view name, const Value& properties) {
    Value variables = {{"flow", {{"namespace", "company.team"}, {"id", "flow1"}}}, {"execution", {{"id", "exec1"}}}};
    RunContext ctx(TaskIdentity{"exec1", "company.team", "flow1", 1, "task1", "", "taskrun1", 1}, variables,
                   *system_clock(), cancellation_);
    ctx.set_storage(storage_.get());
    return run_script(name, properties, ctx);
  }
  std::string stored(const std::string& uri) {
    auto in = storage_->get(storage::StorageUri::parse(uri));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::string put(const std::string& execution_id, const std::string& content) {
    auto uri = storage::input_uri(storage::execution_prefix("company.team", "flow1", execution_id), "data", "in.csv");
    std::istringstream in(content);
    storage_->put(uri, in);
    return uri.text();
  }
};

TEST_F(ScriptFilesTest, InputFilesAreWrittenIntoTheWorkingDirectoryAndOutputFilesStored) {
  auto result = run_in_execution(kShellScript, {{"inputFiles", {{"data/in.txt", "abc"}, {"notes.md", "n"}}},
                                                {"outputFiles", {"*.csv", "out/**"}},
                                                {"script",
                                                 "cat data/in.txt; echo\nmkdir -p out/deep\n"
                                                 "printf 12345 > out/deep/r.txt\nprintf 1,2 > a.csv\n"
                                                 "printf x > sub.csv.txt"}});
  EXPECT_EQ(messages(LogLevel::INFO), (std::vector<std::string>{"abc"}));
  EXPECT_EQ(result.outputs["outputFiles"],
            (Value{{"a.csv", run_files_ + "a.csv"}, {"out/deep/r.txt", run_files_ + "out/deep/r.txt"}}));  // by name
  EXPECT_EQ(stored(run_files_ + "out/deep/r.txt"), "12345");
  EXPECT_EQ(stored(run_files_ + "a.csv"), "1,2");
}

TEST_F(ScriptFilesTest, OutputFilesDoNotFollowLinks) {
  auto result = run_in_execution(
      kShellScript, {{"outputFiles", {"*.txt"}}, {"script", "ln -s /etc/passwd link.txt\nprintf a > real.txt"}});
  EXPECT_EQ(result.outputs["outputFiles"], (Value{{"real.txt", run_files_ + "real.txt"}}));
}

TEST_F(ScriptFilesTest, AnInputFileMayBeAFileOfTheExecution) {
  run_in_execution(kShellScript, {{"inputFiles", {{"in.csv", put("exec1", "1,2")}}}, {"script", "cat in.csv"}});
  EXPECT_EQ(messages(LogLevel::INFO), (std::vector<std::string>{"1,2"}));
}

TEST_F(ScriptFilesTest, AnInputFileOfAnotherExecutionIsRefused) {
  std::string other = put("exec2", "secret");
  try {
    run_in_execution(kShellScript, {{"inputFiles", {{"in.csv", other}}}, {"script", "cat in.csv"}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "Unable to read the file '" + other + "' as it didn't belong to the current execution");
  }
}

TEST_F(ScriptTaskTest, OutputFilesNeedAnEngine) {
  EXPECT_EQ(failure(kShellScript, {{"outputFiles", {"*.txt"}}, {"script", "printf a > real.txt"}}),
            "The internal storage is only available to flows that run in an engine");
}

TEST_F(ScriptTaskTest, InputFilesLeavingTheWorkingDirectoryAreRefused) {
  EXPECT_EQ(failure(kShellScript, {{"script", "true"}, {"inputFiles", {{"../escape.txt", "x"}}}}),
            "Property 'inputFiles.../escape.txt': '../escape.txt' leaves the working directory (`..`)");
  EXPECT_EQ(failure(kShellScript, {{"script", "true"}, {"inputFiles", {{"/etc/passwd", "x"}}}}),
            "Property 'inputFiles./etc/passwd': '/etc/passwd' is an absolute path: input files stay in the working "
            "directory");
  EXPECT_EQ(failure(kBash, {{"commands", "true"}, {"inputFiles", {{"a/../../b", "x"}}}}),
            "Property 'inputFiles.a/../../b': 'a/../../b' leaves the working directory (`..`)");
  EXPECT_FALSE(fs::exists(fs::temp_directory_path() / "escape.txt"));
}

TEST_F(ScriptTaskTest, AFailingScriptFailsWithItsExitCodeAndKeepsItsOutputs) {
  auto result = run_script(kPythonScript, {{"script", "print('::{\"outputs\":{\"step\":1}}::')\nraise SystemExit(3)"}});
  EXPECT_EQ(result.state, State::FAILED);
  EXPECT_EQ(result.error, "Command failed with code 3");
  EXPECT_EQ(result.outputs, (Value{{"vars", {{"step", 1}}}, {"exitCode", 3}}));
}

TEST_F(ScriptTaskTest, WarningOnStdErr) {
  EXPECT_EQ(run_script(kPythonScript,
                       {{"script", "import sys\nprint('careful', file=sys.stderr)"}, {"warningOnStdErr", true}})
                .state,
            State::WARNING);
  EXPECT_EQ(messages(LogLevel::WARN), (std::vector<std::string>{"careful"}));
  EXPECT_EQ(run_script(kPythonScript, {{"script", "import sys\nprint('careful', file=sys.stderr)"}}).state,
            State::SUCCESS);
}

TEST_F(ScriptTaskTest, CancellationKillsThePythonChild) {
  Fifo started;
  auto ctx = context();
  ctx.set_cache_directory(cache_->path());
  auto done = std::async(std::launch::async, [&] {
    return type(kPythonScript)
        ->run(ctx, {{"script",
                     "import os, time\nopen(os.environ['STARTED'], 'w').write(str(os.getpid()) + '\\n')\n"
                     "time.sleep(30)"},
                    {"env", {{"STARTED", started.path()}}}});
  });
  std::string pid = started.read_line();
  ASSERT_FALSE(pid.empty()) << "the script did not start";
  cancellation_->cancel("Execution killed");
  try {
    done.get();
    ADD_FAILURE() << "the script did not fail";
  } catch (const TaskFailure& e) {
    EXPECT_STREQ(e.what(), "Execution killed");
  }
  // Python runs under the shell: killed with its process group, it may be reaped by init a
  // moment after the shell is.
  const pid_t python = std::stoi(pid);
  for (int i = 0; i < 500 && process_exists(python); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_FALSE(process_exists(python));
}

TEST_F(ScriptTaskTest, LegacyBashCountsLinesAndEndsWarningOnStderrByDefault) {
  auto result = run_script(
      kBash, {{"commands", {"echo one", "echo two", "echo '::{\"outputs\":{\"k\":\"v\"}}::'", "echo three >&2"}},
              {"inputFiles", {{"x.txt", "x"}}}});
  EXPECT_EQ(result.state, State::WARNING);
  EXPECT_EQ(result.outputs,
            (Value{{"exitCode", 0}, {"stdOutLineCount", 3}, {"stdErrLineCount", 1}, {"vars", {{"k", "v"}}}}));
  auto failed = run_script(kBash, {{"commands", {"exit 2", "echo never"}}});
  EXPECT_EQ(failed.state, State::FAILED);
  EXPECT_EQ(failed.error, "Command failed with code 2");
}

TEST_F(ScriptTaskTest, AProtocolLineOutOfBoundsIsIgnoredWithAWarning) {
  auto result = run_script(kPythonScript, {{"script", R"(import json
print("::" + json.dumps({"outputs": {str(i): i for i in range(1001)}}) + "::")
print('::{"outputs": {"kept": 1}}::')
print('::{"outputs": ')
)"}});
  EXPECT_EQ(result.outputs["vars"], (Value{{"kept", 1}}));
  EXPECT_EQ(messages(LogLevel::WARN), (std::vector<std::string>{"Outputs ignored: a script sets at most 1000 outputs "
                                                                "in at most 8 MiB"}));
  EXPECT_EQ(messages(LogLevel::INFO).back(), "::{\"outputs\": ");
}

// ---- at load --------------------------------------------------------------------------

class ScriptLoadTest : public ::testing::Test {
 protected:
  ScriptLoadTest() { register_core_tasks(registry_); }
  // The load errors of a flow with one task, as "path: message".
  std::vector<std::string> errors(const std::string& task) {
    auto loaded = load_flow("id: f\nnamespace: n\ntasks:\n  - id: t\n" + task, "f.yml", {.catalog = registry_});
    std::vector<std::string> out;
    for (const auto& issue : loaded.issues) out.push_back(issue.path + ": " + issue.message);
    return out;
  }
  PluginRegistry registry_;
};

TEST_F(ScriptLoadTest, NamespaceFilesAndUnknownRunnersAreRefused) {
  EXPECT_EQ(errors("    type: io.kestra.plugin.scripts.python.Script\n    script: print(1)\n"
                   "    namespaceFiles:\n      enabled: true\n"),
            (std::vector<std::string>{"tasks[0].namespaceFiles: namespace files are not supported by runwatch"}));
  EXPECT_EQ(errors("    type: io.kestra.plugin.scripts.shell.Commands\n    commands: [ls]\n"
                   "    taskRunner:\n      type: io.kestra.plugin.ee.kubernetes.runner.Kubernetes\n"),
            (std::vector<std::string>{"tasks[0].taskRunner.type: task runner "
                                      "'io.kestra.plugin.ee.kubernetes.runner.Kubernetes' is not supported by runwatch "
                                      "(only io.kestra.plugin.core.runner.Process; "
                                      "io.kestra.plugin.scripts.runner.docker.Docker runs as Process)"}));
  EXPECT_EQ(
      errors("    type: io.kestra.plugin.scripts.shell.Script\n    script: ls\n"
             "    inputFiles:\n      ../up.txt: x\n"),
      (std::vector<std::string>{"tasks[0].inputFiles.../up.txt: '../up.txt' leaves the working directory (`..`)"}));
  EXPECT_EQ(
      errors("    type: io.kestra.core.tasks.scripts.Bash\n    commands: [ls]\n    outputsFiles: [first]\n").size(),
      1u);
}

TEST_F(ScriptLoadTest, ContainersAndTheProcessRunnerAreAcceptedAndNoticed) {
  EXPECT_TRUE(
      errors("    type: io.kestra.plugin.scripts.python.Commands\n    commands: [python -V]\n"
             "    containerImage: python:3.12-slim\n"
             "    taskRunner:\n      type: io.kestra.plugin.scripts.runner.docker.Docker\n      pullPolicy: ALWAYS\n")
          .empty());
  EXPECT_TRUE(errors("    type: io.kestra.plugin.scripts.shell.Commands\n    commands: [ls]\n"
                     "    taskRunner:\n      type: io.kestra.plugin.core.runner.Process\n")
                  .empty());
  const TypeSchema& schema = *registry_.find(PluginKind::Task, kPythonScript);
  EXPECT_EQ(schema.notices(Value{{"containerImage", "python:3.12"}}),
            (std::vector<PropertyProblem>{{"containerImage",
                                           "runwatch has no container runner: the task runs as a "
                                           "local process (Kestra's Process task runner)"}}));
  EXPECT_TRUE(schema.notices(Value{{"taskRunner", {{"type", "io.kestra.plugin.core.runner.Process"}}}}).empty());
  EXPECT_EQ(registry_.find(PluginKind::Task, kBash)->notices(Value{{"runner", "DOCKER"}}).size(), 1u);
}

// ---- in an engine ------------------------------------------------------------------------

class ScriptEngineTest : public testing::EngineTest {
 protected:
  void SetUp() override {
    captured_->set_pattern("%l %n %v");
    Loggers::global().sink().add_sink(captured_);
  }
  void TearDown() override { Loggers::global().sink().remove_sink(captured_); }
  std::vector<std::string> warnings() const {
    std::vector<std::string> out;
    for (auto& line : captured_->last_formatted())
      if (line.starts_with("warning io.kestra.plugin.scripts"))
        out.push_back(line.substr(0, line.find_last_not_of("\r\n") + 1));
    return out;
  }
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> captured_ =
      std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(100);
};

TEST_F(ScriptEngineTest, ADockerRunnerRunsAsAProcessAndTheServerLogSaysSoOncePerFlowAndTask) {
  const std::string flow = R"(id: docker_shell
namespace: company.team
tasks:
  - id: hello
    type: io.kestra.plugin.scripts.shell.Commands
    taskRunner:
      type: io.kestra.plugin.scripts.runner.docker.Docker
    containerImage: ubuntu:24.04
    commands:
      - echo '::{"outputs":{"greeting":"hi"}}::'
)";
  add(flow);
  add(flow);  // the same revision: said once
  EXPECT_EQ(warnings(), (std::vector<std::string>{
                            "warning io.kestra.plugin.scripts.shell.Commands Flow company.team.docker_shell, task "
                            "hello: taskRunner: runwatch has no container runner: the task runs as a local process "
                            "(Kestra's Process task runner)"}));
  auto execution = start("docker_shell");
  EXPECT_EQ(execution->state.current(), State::SUCCESS);
  EXPECT_EQ(run_of(*execution, "hello").outputs["vars"], (Value{{"greeting", "hi"}}));
}

}  // namespace
}  // namespace runwatch
