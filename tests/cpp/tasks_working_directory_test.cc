// WorkingDirectory: its tasks share one directory (made with its inputFiles, removed when
// the execution ends); only runnable tasks may be its children.
#include <filesystem>

#include "engine_fixture.h"
#include "runwatch/model/error.h"

namespace runwatch::testing {
namespace {

namespace fs = std::filesystem;
using S = State;

constexpr const char* kShared = R"(
id: shared
namespace: company.team
inputs:
  - id: greeting
    type: STRING
tasks:
  - id: dir
    type: io.kestra.plugin.core.flow.WorkingDirectory
    inputFiles:
      in/greeting.txt: "{{ inputs.greeting }}"
    tasks:
      - id: write
        type: io.kestra.plugin.scripts.shell.Commands
        commands:
          - echo "$(cat in/greeting.txt) world" > written.txt
          - echo "::{\"outputs\":{\"where\":\"$(pwd)\"}}::"
      - id: read
        type: io.kestra.plugin.scripts.shell.Commands
        commands:
          - echo "::{\"outputs\":{\"text\":\"$(cat written.txt)\"}}::"
  - id: outside
    type: io.kestra.plugin.scripts.shell.Commands
    commands:
      - test ! -e written.txt
)";

TEST_F(EngineTest, TheTasksOfAWorkingDirectoryShareItsFilesAndItIsRemovedWithTheExecution) {
  add(kShared);
  auto e = start("shared", {{"greeting", "hello"}});
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(run_of(*e, "read").outputs["vars"]["text"], "hello world");
  const fs::path where = run_of(*e, "write").outputs["vars"]["where"].get<std::string>();
  EXPECT_EQ(where, fs::canonical(fs::temp_directory_path()) / "runwatch-wd" / e->id / run_of(*e, "dir").id);
  EXPECT_FALSE(fs::exists(where.parent_path()));
  EXPECT_EQ(run_of(*e, "outside").state.current(), S::SUCCESS);
}

TEST_F(EngineTest, AFailingTaskInAWorkingDirectoryRunsItsErrorsAndTheDirectoryIsStillRemoved) {
  add(R"(
id: failing_dir
namespace: company.team
tasks:
  - id: dir
    type: io.kestra.plugin.core.flow.WorkingDirectory
    tasks:
      - id: write
        type: io.kestra.plugin.scripts.shell.Commands
        commands:
          - touch left.txt
          - exit 3
      - id: never
        type: io.kestra.plugin.core.log.Log
        message: not reached
    errors:
      - id: alert
        type: io.kestra.plugin.core.log.Log
        message: the directory failed
)");
  auto e = start("failing_dir");
  EXPECT_EQ(e->state.current(), S::FAILED);
  EXPECT_EQ(task_order(*e), (std::vector<std::string>{"dir", "write", "alert"}));
  EXPECT_FALSE(fs::exists(fs::temp_directory_path() / "runwatch-wd" / e->id));
}

TEST_F(EngineTest, AScriptInAWorkingDirectoryStoresItsOutputFilesFromTheSharedDirectory) {
  add(R"(
id: stored
namespace: company.team
tasks:
  - id: dir
    type: io.kestra.plugin.core.flow.WorkingDirectory
    inputFiles:
      a.txt: from the directory
    tasks:
      - id: keep
        type: io.kestra.plugin.scripts.shell.Commands
        outputFiles:
          - "*.txt"
        commands:
          - cp a.txt b.txt
  - id: show
    type: io.kestra.plugin.core.debug.Return
    format: "{{ read(outputs.keep.outputFiles['b.txt']) }}"
)");
  auto e = start("stored");
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(run_of(*e, "show").outputs["value"], "from the directory");
}

TEST_F(EngineTest, AWorkingDirectorysInputFilesAreTextNotStoredFiles) {
  add(R"(
id: uri_input
namespace: company.team
tasks:
  - id: dir
    type: io.kestra.plugin.core.flow.WorkingDirectory
    inputFiles:
      a.txt: kestra:///company/team/uri-input/x.txt
    tasks:
      - id: never
        type: io.kestra.plugin.core.log.Log
        message: not reached
)");
  auto e = start("uri_input");
  EXPECT_EQ(e->state.current(), S::FAILED);
  EXPECT_FALSE(ran(*e, "never"));
  EXPECT_EQ(
      messages(*e, LogLevel::ERROR),
      (std::vector<std::string>{
          "dir: Property 'inputFiles.a.txt': a kestra:/// file is copied by a script task's inputFiles, not here"}));
}

TEST_F(EngineTest, LocalFilesWriteIntoAWorkingDirectoryAndStoreItsOutputs) {
  add(R"(
id: local_files
namespace: company.team
inputs:
  - id: name
    type: STRING
tasks:
  - id: dir
    type: io.kestra.plugin.core.flow.WorkingDirectory
    tasks:
      - id: first
        type: io.kestra.plugin.core.storage.LocalFiles
        inputs:
          out/stay.txt: "hello {{ inputs.name }}"
      - id: second
        type: io.kestra.plugin.core.storage.LocalFiles
        outputs:
          - out/*
      - id: copy
        type: io.kestra.plugin.core.storage.LocalFiles
        inputs:
          again.txt: "{{ outputs.second.uris['out/stay.txt'] }}"
        outputs:
          - again.txt
  - id: end
    type: io.kestra.plugin.core.debug.Return
    format: "{{ read(outputs.copy.uris['again.txt']) }}"
)");
  auto e = start("local_files", {{"name", "world"}});
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(run_of(*e, "first").outputs, Value::parse(R"({"uris": {}})"));
  const std::string uri = run_of(*e, "second").outputs["uris"]["out/stay.txt"];
  EXPECT_EQ(uri, "kestra:///company/team/local-files/executions/" + e->id + "/tasks/second/" + run_of(*e, "second").id +
                     "/out/stay.txt");
  EXPECT_EQ(run_of(*e, "end").outputs["value"], "hello world");
}

// Kestra stores them after the last task, whatever state the tasks ended in.
TEST_F(EngineTest, AWorkingDirectoryStoresItsOutputFilesWhenItsTasksEndEvenFailed) {
  add(R"(
id: dir_outputs
namespace: company.team
inputs:
  - id: fail
    type: BOOLEAN
tasks:
  - id: dir
    type: io.kestra.plugin.core.flow.WorkingDirectory
    outputFiles:
      - "*.txt"
      - logs/**
    tasks:
      - id: write
        type: io.kestra.plugin.core.storage.LocalFiles
        inputs:
          output.txt: Hello World
          notes.md: not matched
          logs/a/b.log: deep
      - id: maybe_fail
        type: io.kestra.plugin.core.execution.Fail
        runIf: "{{ inputs.fail }}"
  - id: read
    type: io.kestra.plugin.core.debug.Return
    format: "{{ read(outputs.dir.outputFiles['output.txt']) }}"
)");
  auto ok = start("dir_outputs", {{"fail", false}});
  ASSERT_EQ(ok->state.current(), S::SUCCESS);
  const TaskRun& dir = run_of(*ok, "dir");
  const std::string base = "kestra:///company/team/dir-outputs/executions/" + ok->id + "/tasks/dir/" + dir.id + "/";
  EXPECT_EQ(dir.outputs,
            (Value{{"outputFiles", {{"logs/a/b.log", base + "logs/a/b.log"}, {"output.txt", base + "output.txt"}}}}));
  EXPECT_EQ(run_of(*ok, "read").outputs["value"], "Hello World");

  auto failed = start("dir_outputs", {{"fail", true}});
  ASSERT_EQ(failed->state.current(), S::FAILED);
  EXPECT_EQ(run_of(*failed, "dir").outputs["outputFiles"].size(), 2u);
}

TEST_F(EngineTest, AWorkingDirectorysCacheIsAcceptedAndNamedOnce) {
  add(R"(
id: cached
namespace: company.team
tasks:
  - id: dir
    type: io.kestra.plugin.core.flow.WorkingDirectory
    cache:
      ttl: PT5M
      patterns: ["*.txt"]
    tasks:
      - id: exists
        type: io.kestra.plugin.core.storage.LocalFiles
        outputs: [hello.txt]
)");
  auto e = start("cached", {});
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(run_of(*e, "exists").outputs, Value::parse(R"({"uris": {}})"));
  const TypeSchema* schema = engine.plugins().find(PluginKind::Task, "io.kestra.plugin.core.flow.WorkingDirectory");
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->notices(Value{{"cache", {{"ttl", "PT5M"}}}}),
            (std::vector<PropertyProblem>{
                {"cache", "runwatch keeps no WorkingDirectory cache: each run starts with only its inputFiles"}}));
}

std::vector<std::string> load_problems(Engine& engine, const std::string& yaml) {
  try {
    engine.add_flow(yaml, "dir.yaml");
    return {};
  } catch (const FlowValidationError& error) {
    std::vector<std::string> out;
    for (const auto& issue : error.issues())
      out.push_back(issue.path + " " + std::to_string(issue.line) + ":" + std::to_string(issue.column) + " " +
                    issue.message);
    return out;
  }
}

TEST_F(EngineTest, AWorkingDirectoryTakesRunnableTasksAndFileNamesThatStayInIt) {
  EXPECT_EQ(load_problems(engine, R"(id: d
namespace: company.team
tasks:
  - id: dir
    type: io.kestra.plugin.core.flow.WorkingDirectory
    inputFiles:
      ../escape.txt: no
    tasks:
      - id: log
        type: io.kestra.plugin.core.log.Log
        message: hi
      - id: pause
        type: io.kestra.plugin.core.flow.Pause
)"),
            (std::vector<std::string>{
                "tasks[0].inputFiles.../escape.txt 7:7 '../escape.txt' leaves the working directory (`..`)",
                "tasks[0].tasks[1] 12:9 Only runnable tasks are allowed as children of a WorkingDirectory task"}));
  EXPECT_EQ(load_problems(engine,
                          "id: d\nnamespace: company.team\ntasks:\n  - id: dir\n"
                          "    type: io.kestra.plugin.core.flow.WorkingDirectory\n"),
            (std::vector<std::string>{"tasks[0].tasks 4:5 missing required property 'tasks'"}));
}

TEST_F(EngineTest, AWorkingDirectorysNamespaceFilesAreRefusedAsTheScriptTasksRefuseThem) {
  EXPECT_EQ(load_problems(engine, R"(id: d
namespace: company.team
tasks:
  - id: dir
    type: io.kestra.plugin.core.flow.WorkingDirectory
    namespaceFiles:
      enabled: true
    tasks:
      - id: log
        type: io.kestra.plugin.core.log.Log
        message: hi
)"),
            (std::vector<std::string>{"tasks[0].namespaceFiles 7:7 namespace files are not supported by runwatch"}));
}

}  // namespace
}  // namespace runwatch::testing
