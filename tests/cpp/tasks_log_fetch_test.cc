// Kestra's log Fetch: the stored file (one JSON object per line) and its outputs, level
// and tasksId, the lines of its own execution written before it started (deterministic,
// where Kestra's test sleeps for them), another execution's lines, every hostile
// property, the limit.
#include <fstream>
#include <sstream>

#include "engine_fixture.h"
#include "runwatch/model/json_text.h"
#include "runwatch/model/log_json.h"
#include "runwatch/storage/local_storage.h"
#include "tasks_test_support.h"

namespace runwatch {
namespace {

using S = State;
constexpr std::string_view kFetch = "io.kestra.plugin.core.log.Fetch";

class LogFetchTest : public testing::EngineTest {
 protected:
  std::vector<std::string> file_lines(const Value& outputs) {
    auto in = engine.open_file(outputs.at("uri").get<std::string>());
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  // The messages of the stored lines, in order.
  std::vector<std::string> fetched(const Engine::Snapshot& e, const std::string& task_id) {
    std::vector<std::string> out;
    for (const auto& line : file_lines(run_of(*e, task_id).outputs)) out.push_back(parse_json(line).at("message"));
    return out;
  }
  // Why the task failed: its ERROR line.
  std::string error_of(const Engine::Snapshot& e, const std::string& task_id) {
    for (const auto& line : e->logs)
      if (line.task_id == task_id && line.level == LogLevel::ERROR) return line.message;
    return {};
  }
  // The first problem the loader finds in a flow with these properties of a Fetch.
  std::string load_problem(const std::string& properties) {
    try {
      add("id: f\nnamespace: company.team\ntasks:\n  - id: fetch\n    type: " + std::string(kFetch) + "\n" +
          properties);
      return {};
    } catch (const FlowValidationError& error) {
      return error.issues().at(0).path + ": " + error.issues().at(0).message;
    }
  }
};

TEST_F(LogFetchTest, StoresTheLinesOneJsonObjectALineAndOutputsTheirUriAndCount) {
  add(R"(id: fetcher
namespace: company.team
tasks:
  - id: first
    type: io.kestra.plugin.core.log.Log
    message: one
  - id: second
    type: io.kestra.plugin.core.log.Log
    level: WARN
    message: "two \"quoted\""
  - id: fetch
    type: io.kestra.plugin.core.log.Fetch
)");
  auto e = start("fetcher");
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  const auto& fetch = run_of(*e, "fetch");
  EXPECT_EQ(fetch.outputs.at("size"), 2);
  EXPECT_EQ(fetch.outputs.at("uri"),
            "kestra:///company/team/fetcher/executions/" + e->id + "/tasks/fetch/" + fetch.id + "/logs.ion");
  auto line = [&](const std::string& task, const std::string& level, const std::string& message) {
    return R"({"namespace":"company.team","flowId":"fetcher","executionId":")" + e->id + R"(","taskId":")" + task +
           R"(","taskRunId":")" + run_of(*e, task).id + R"(","attemptNumber":1,"timestamp":"2023-11-14T22:13:20Z",)" +
           R"("level":")" + level + R"(","message":)" + message + "}";
  };
  EXPECT_EQ(file_lines(fetch.outputs), (std::vector<std::string>{line("first", "INFO", R"("one")"),
                                                                 line("second", "WARN", R"("two \"quoted\"")")}));
}

TEST_F(LogFetchTest, LevelAndTasksIdSelectTaskByTaskInTheListsOrder) {
  add(R"(id: levels
namespace: company.team
tasks:
  - id: a
    type: io.kestra.plugin.core.log.Log
    level: DEBUG
    message: a debug
  - id: b
    type: io.kestra.plugin.core.log.Log
    level: WARN
    message: [b warn 1, b warn 2]
  - id: c
    type: io.kestra.plugin.core.log.Log
    level: ERROR
    message: c error
  - id: d
    type: io.kestra.plugin.core.log.Log
    message: d info
  - id: some
    type: io.kestra.plugin.core.log.Fetch
    level: WARN
    tasksId: [c, b, c, a, nope]
  - id: all
    type: io.kestra.plugin.core.log.Fetch
    level: TRACE
  - id: default-level
    type: io.kestra.plugin.core.log.Fetch
  - id: none
    type: io.kestra.plugin.core.log.Fetch
    tasksId: []
)");
  auto e = start("levels");
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(fetched(e, "some"), (std::vector<std::string>{"c error", "b warn 1", "b warn 2"}));
  EXPECT_EQ(run_of(*e, "some").outputs.at("size"), 3);
  EXPECT_EQ(fetched(e, "all"), (std::vector<std::string>{"a debug", "b warn 1", "b warn 2", "c error", "d info"}));
  EXPECT_EQ(run_of(*e, "default-level").outputs.at("size"), 4);
  EXPECT_EQ(run_of(*e, "none").outputs.at("size"), 0);
  EXPECT_TRUE(fetched(e, "none").empty());
}

// Kestra's test sleeps so that the lines before are flushed; here a Fetch of its own
// execution always sees the lines written before it started, and never those of a task
// running beside it, whether or not that task ends first.
TEST_F(LogFetchTest, OwnExecutionLinesAreThoseWrittenBeforeItStarted) {
  add(R"(id: beside
namespace: company.team
tasks:
  - id: before
    type: io.kestra.plugin.core.log.Log
    message: before
  - id: both
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - id: next-to-it
        type: io.kestra.plugin.core.log.Log
        message: beside
      - id: fetch
        type: io.kestra.plugin.core.log.Fetch
  - id: after
    type: io.kestra.plugin.core.log.Fetch
)");
  for (int i = 0; i < 20; ++i) {
    auto e = start("beside");
    ASSERT_EQ(e->state.current(), S::SUCCESS);
    EXPECT_EQ(fetched(e, "fetch"), (std::vector<std::string>{"before"}));
    EXPECT_EQ(fetched(e, "after"), (std::vector<std::string>{"before", "beside"}));
  }
}

TEST_F(LogFetchTest, AnotherExecutionsLinesWithItsNamespaceAndFlowId) {
  add(R"(id: source
namespace: other.team
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: elsewhere
)");
  add(R"(id: reader
namespace: company.team
inputs:
  - id: target
    type: STRING
tasks:
  - id: fetch
    type: io.kestra.core.tasks.log.Fetch
    executionId: "{{ inputs.target }}"
    namespace: other.team
    flowId: source
)");
  auto source = engine.submit("other.team", "source", Value::object());
  settle();
  auto e = start("reader", {{"target", source->id}});
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  auto lines = file_lines(run_of(*e, "fetch").outputs);
  ASSERT_EQ(lines.size(), 1u);
  auto line = parse_json(lines[0]);
  EXPECT_EQ(line.at("namespace"), "other.team");
  EXPECT_EQ(line.at("flowId"), "source");
  EXPECT_EQ(line.at("executionId"), source->id);
  EXPECT_EQ(line.at("message"), "elsewhere");
}

TEST_F(LogFetchTest, AnEarlierExecutionOfTheSameFlowByItsIdAlone) {
  add(R"(id: again
namespace: company.team
inputs:
  - id: previous
    type: STRING
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: "after {{ inputs.previous }}"
  - id: fetch
    type: io.kestra.plugin.core.log.Fetch
    executionId: "{{ inputs.previous }}"
)");
  auto unknown = start("again", {{"previous", "nope"}});
  EXPECT_EQ(unknown->state.current(), S::FAILED);
  EXPECT_EQ(error_of(unknown, "fetch"), "Property 'executionId': no execution 'nope' was found");
  auto e = start("again", {{"previous", unknown->id}});
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(fetched(e, "fetch"), (std::vector<std::string>{"after nope", error_of(unknown, "fetch")}));
}

TEST_F(LogFetchTest, AnExecutionOfAnotherFlowIsRefusedNamingTheProperty) {
  add(R"(id: source
namespace: other.team
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: elsewhere
)");
  add(R"(id: prying
namespace: company.team
inputs:
  - id: target
    type: STRING
tasks:
  - id: alone
    type: io.kestra.plugin.core.log.Fetch
    executionId: "{{ inputs.target }}"
    allowFailure: true
  - id: wrong-flow
    type: io.kestra.plugin.core.log.Fetch
    executionId: "{{ inputs.target }}"
    namespace: other.team
    flowId: elsewhere
    allowFailure: true
  - id: empty
    type: io.kestra.plugin.core.log.Fetch
    executionId: "{{ '' }}"
    allowFailure: true
)");
  auto source = engine.submit("other.team", "source", Value::object());
  settle();
  auto e = start("prying", {{"target", source->id}});
  EXPECT_EQ(e->state.current(), S::WARNING);
  EXPECT_EQ(error_of(e, "alone"), "Property 'executionId': execution '" + source->id +
                                      "' is not an execution of flow 'company.team.prying'; set `namespace` and "
                                      "`flowId` to fetch another flow's logs");
  EXPECT_EQ(error_of(e, "wrong-flow"), "Property 'executionId': execution '" + source->id +
                                           "' is not an execution of flow 'other.team.elsewhere' (`namespace` and "
                                           "`flowId`)");
  EXPECT_EQ(error_of(e, "empty"), "Property 'executionId' is empty");
}

TEST_F(LogFetchTest, ABadLevelAtRunTimeFailsNamingTheProperty) {
  add(R"(id: loud
namespace: company.team
tasks:
  - id: fetch
    type: io.kestra.plugin.core.log.Fetch
    level: "{{ 'LOUD' }}"
)");
  auto e = start("loud");
  EXPECT_EQ(e->state.current(), S::FAILED);
  EXPECT_EQ(error_of(e, "fetch"), "Property 'level' must be one of TRACE, DEBUG, INFO, WARN, ERROR, got 'LOUD'");
}

TEST_F(LogFetchTest, TargetLevelAndTasksIdAreCheckedWhenTheFlowLoads) {
  EXPECT_EQ(load_problem("    namespace: company.team\n"),
            "tasks[0]: `namespace` and `flowId` should only be set when `executionId` is set.");
  EXPECT_EQ(load_problem("    executionId: abc\n    flowId: f\n"),
            "tasks[0]: Both `namespace` and `flowId` must be set when `executionId` is set.");
  EXPECT_EQ(load_problem("    level: LOUD\n"),
            "tasks[0].level: 'level' must be one of TRACE, DEBUG, INFO, WARN, ERROR, not 'LOUD'");
  EXPECT_EQ(load_problem("    tasksId: [{a: 1}]\n"),
            "tasks[0].tasksId: 'tasksId' must be a string or a list of strings, not a list holding a mapping");
  EXPECT_EQ(load_problem("    tasksId: {a: 1}\n"),
            "tasks[0].tasksId: 'tasksId' must be a string or a list of strings, not a mapping");
  EXPECT_EQ(load_problem("    executionId: abc\n    namespace: company.team\n    flowId: f\n    tasksId: a\n"), "");
}

// --- The task alone, on a reader of its own: what no flow can give it ---

class FakeLogs final : public LogReader {
 public:
  std::optional<LogSelection> read(const LogQuery& query) const override {
    last_query = query;
    if (query.execution_id != execution->id) return std::nullopt;
    LogSelection selection{execution, {}, execution->logs.size() + extra_matches};
    for (const auto& line : execution->logs) selection.lines.push_back(&line);
    return selection;
  }
  std::shared_ptr<Execution> execution = std::make_shared<Execution>();
  size_t extra_matches = 0;
  mutable LogQuery last_query;
};

class LogFetchTaskTest : public TaskCoreTest {
 protected:
  LogFetchTaskTest() {
    logs_reader_.execution->id = "exec1";
    logs_reader_.execution->ns = "company.team";
    logs_reader_.execution->flow_id = "flow1";
    const TimePoint t = testing::test_epoch();
    logs_reader_.execution->logs = {{t, LogLevel::INFO, "a", "run-a", 1, "one"},
                                    {t, LogLevel::ERROR, "", "", 0, "two"}};
  }
  TaskResult fetch(const Value& properties, size_t own_lines = 2) {
    auto ctx = context();
    ctx.set_storage(storage_.get());
    ctx.set_log_reader(&logs_reader_, own_lines);
    TaskResult result = type(kFetch)->run(ctx, properties);
    logs_ = lines(ctx);
    return result;
  }
  FakeLogs logs_reader_;
  std::unique_ptr<storage::LocalStorage> storage_ = storage::LocalStorage::temporary();
};

TEST_F(LogFetchTaskTest, PastTheLimitItStoresTheFirstLinesAndEndsWarning) {
  logs_reader_.extra_matches = 99'999;
  auto result = fetch({{"level", "TRACE"}});
  EXPECT_EQ(result.state, S::WARNING);
  EXPECT_EQ(result.outputs.at("size"), 2);
  EXPECT_EQ(messages(LogLevel::WARN), (std::vector<std::string>{"Stored the first 2 of the 100001 matching log lines; "
                                                                "narrow them with `tasksId` or `level`"}));
  EXPECT_EQ(logs_reader_.last_query.limit, 100'000u);
  EXPECT_EQ(logs_reader_.last_query.min_level, LogLevel::TRACE);
}

TEST_F(LogFetchTaskTest, OwnExecutionIsReadUpToTheLinesItHadWhenDispatched) {
  fetch(Value::object(), 1);
  EXPECT_EQ(logs_reader_.last_query.execution_id, "exec1");
  EXPECT_EQ(logs_reader_.last_query.first_lines, 1u);
  EXPECT_EQ(logs_reader_.last_query.min_level, LogLevel::INFO);
  EXPECT_FALSE(logs_reader_.last_query.task_ids);  // every line
}

TEST_F(LogFetchTaskTest, HostileTasksIdAndLevelFailNamingTheProperty) {
  auto tasks_id = [&](const char* json) { return failure(kFetch, {{"tasksId", parse_json(json)}}); };
  EXPECT_EQ(tasks_id("[null]"), "Property 'tasksId' must be a list of task ids: item 0 is null");
  EXPECT_EQ(tasks_id(R"(["a", {"b": 1}])"), "Property 'tasksId' must be a list of task ids: item 1 is object");
  EXPECT_EQ(tasks_id(R"(["a", ["b"]])"), "Property 'tasksId' must be a list of task ids: item 1 is array");
  EXPECT_EQ(tasks_id("[1.5]"), "Property 'tasksId' must be a list of task ids: item 0 is number");
  EXPECT_EQ(tasks_id(R"({"a": "b"})"), "Property 'tasksId' must be a list of task ids: it is object");
  EXPECT_EQ(tasks_id("true"), "Property 'tasksId' must be a list of task ids: it is boolean");
  EXPECT_EQ(tasks_id(R"(["a", ""])"), "Property 'tasksId' must be a list of task ids: one is empty");
  EXPECT_EQ(failure(kFetch, {{"level", 3}}),
            "Property 'level' must be one of TRACE, DEBUG, INFO, WARN, ERROR, got '3'");
  EXPECT_EQ(failure(kFetch, {{"executionId", "x"}, {"namespace", "n"}}),
            "Both `namespace` and `flowId` must be set when `executionId` is set.");
  EXPECT_EQ(failure(kFetch, Value::object()), "Execution logs can only be read by flows that run in an engine");
}

TEST_F(LogFetchTaskTest, ATaskIdYamlLeftANumberIsATaskId) {
  logs_reader_.execution->logs[0].task_id = "7";
  fetch({{"tasksId", parse_json("[7]")}});
  EXPECT_EQ(logs_reader_.last_query.task_ids, std::optional(std::vector<std::string>{"7"}));
}

}  // namespace
}  // namespace runwatch
