// Split and ForEachItem's batches: by rows, bytes and partitions, Java's line ends, the
// separator; bad options, files that are not the execution's, internal types in a flow.
#include <fstream>
#include <sstream>

#include "engine_fixture.h"
#include "runwatch/model/error.h"
#include "runwatch/tasks/core/storage_split.h"
#include "store_test_support.h"

namespace runwatch::testing {
namespace {

using S = State;

class SplitTest : public EngineTest {
 protected:
  // Splits `content` with the Split properties `options` (YAML lines of the task).
  Engine::Snapshot split(const std::string& content, const std::string& options, const std::string& name = "data.csv") {
    add(R"(id: split
namespace: company.team
inputs:
  - id: data
    type: FILE
tasks:
  - id: split
    type: io.kestra.plugin.core.storage.Split
    from: "{{ inputs.data }}"
)" + options);
    std::ofstream(folder / name, std::ios::binary) << content;
    auto created = engine.submit("company.team", "split", {}, {}, nullptr, {{"data", FileInput{name, folder / name}}});
    settle();
    return engine.execution(created->id);
  }
  std::vector<std::string> texts(const Engine::Snapshot& e) {
    std::vector<std::string> out;
    EXPECT_EQ(e->state.current(), S::SUCCESS) << ::testing::PrintToString(messages(*e, LogLevel::ERROR));
    for (const auto& uri : run_of(*e, "split").outputs.value("uris", Value::array())) {
      std::stringstream text;
      text << engine.open_file(uri.get<std::string>()).rdbuf();
      out.push_back(text.str());
    }
    return out;
  }
  TempFolder folder;
};

TEST_F(SplitTest, ByRowsEachLineEndedAsJavaReadsLines) {
  auto e = split("a\r\nb\rc\nd\ne", "    rows: 2\n");
  EXPECT_EQ(texts(e), (std::vector<std::string>{"a\nb\n", "c\nd\n", "e\n"}));
  const std::string dir = "kestra:///company/team/split/executions/" + e->id + "/tasks/split/" + run_of(*e, "split").id;
  EXPECT_EQ(run_of(*e, "split").outputs["uris"], (Value{dir + "/1.csv", dir + "/2.csv", dir + "/3.csv"}));
}

TEST_F(SplitTest, ByBytesAStartedLineStaysInItsFile) {
  EXPECT_EQ(texts(split("aaa\nbb\nc\ndddd\n", "    bytes: \"5\"\n    separator: \";\"\n")),
            (std::vector<std::string>{"aaa;bb;", "c;dddd;"}));
  EXPECT_EQ(texts(split("x\ny\n", "    bytes: 1KB\n")), (std::vector<std::string>{"x\ny\n"}));
}

TEST_F(SplitTest, ByPartitionsRoundRobinWithoutEmptyFiles) {
  EXPECT_EQ(texts(split("1\n2\n3\n4\n5\n", "    partitions: 3\n")),
            (std::vector<std::string>{"1\n4\n", "2\n5\n", "3\n"}));
  EXPECT_EQ(texts(split("1\n", "    partitions: 4\n")), (std::vector<std::string>{"1\n"}));
}

TEST_F(SplitTest, AnEmptyFileMakesNoBatch) {
  auto e = split("", "    rows: 1\n");
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(run_of(*e, "split").outputs["uris"], Value::array());
}

TEST_F(SplitTest, BadOptionsFailTheTaskNamingTheProperty) {
  auto errors = [&](const std::string& options) {
    auto e = split("a\n", options);
    EXPECT_EQ(e->state.current(), S::FAILED);
    auto errors = messages(*e, LogLevel::ERROR);
    return errors.empty() ? std::string() : errors.front();
  };
  EXPECT_EQ(errors("    bytes: lots\n"),
            "split: Property 'bytes': invalid size 'lots': a number of bytes, or with KB, MB or GB");
  EXPECT_EQ(errors("    bytes: \"0\"\n"),
            "split: Property 'bytes': invalid size '0': a number of bytes, or with KB, MB or GB");
  EXPECT_EQ(errors("    partitions: \"{{ 5000 }}\"\n"),
            "split: Property 'partitions' must be a whole number from 1 to 1000, got 5000");
  EXPECT_EQ(errors("    rows: \"{{ 0 }}\"\n"),
            "split: Property 'rows' must be a whole number from 1 to 2147483647, got 0");
}

// Split copies bytes: what is not UTF-8 goes through as it is, NUL included.
TEST_F(SplitTest, BytesThatAreNotTextGoThroughUnchanged) {
  const std::string bytes = std::string("\xff\xfe\0a\n\xc3\x28\n", 7);
  EXPECT_EQ(texts(split(bytes, "    rows: 1\n")),
            (std::vector<std::string>{std::string("\xff\xfe\0a\n", 5), "\xc3\x28\n"}));
}

TEST_F(SplitTest, ALineOverSixtyFourMebibytesFailsTheTaskAndTheEngineGoesOn) {
  auto e = split(std::string((size_t{64} << 20) + 1, 'x'), "    rows: 1\n");
  EXPECT_EQ(e->state.current(), S::FAILED);
  EXPECT_EQ(messages(*e, LogLevel::ERROR), (std::vector<std::string>{"split: Line 1 is longer than 64 MiB"}));
  EXPECT_EQ(texts(split("after\n", "    rows: 1\n")), (std::vector<std::string>{"after\n"}));
}

TEST_F(SplitTest, OnlyTheExecutionsOwnFilesAreSplit) {
  auto first = split("a\n", "    rows: 1\n");
  add(R"(id: other
namespace: company.team
inputs:
  - id: uri
    type: STRING
tasks:
  - id: split
    type: io.kestra.plugin.core.storage.Split
    from: "{{ inputs.uri }}"
)");
  auto stolen = start("other", {{"uri", first->inputs["data"]}});
  EXPECT_EQ(stolen->state.current(), S::FAILED);
  EXPECT_EQ(messages(*stolen, LogLevel::ERROR),
            (std::vector<std::string>{"split: Unable to read the file '" + first->inputs["data"].get<std::string>() +
                                      "' as it didn't belong to the current execution"}));
  auto not_storage = start("other", {{"uri", "/etc/passwd"}});
  EXPECT_EQ(messages(*not_storage, LogLevel::ERROR),
            (std::vector<std::string>{
                "split: Unable to split the items from /etc/passwd, this is not an internal storage URI!"}));
  auto traversal = start("other", {{"uri", "kestra:///company/team/../../etc/passwd"}});
  EXPECT_EQ(traversal->state.current(), S::FAILED);
}

// The limit (100,000 in a flow) counted as files are opened, lowered here to 3.
TEST(SplitFile, PastItsBatchLimitASplitFailsSayingSo) {
  auto storage = storage::LocalStorage::temporary();
  auto items = storage::input_uri(storage::execution_prefix("company.team", "flow1", "exec1"), "data", "in.txt");
  std::istringstream lines("a\nb\nc\nd\n");
  storage->put(items, lines);
  RunContext ctx(TaskIdentity{"exec1", "company.team", "flow1", 1, "split", "", "run1", 1},
                 {{"flow", {{"namespace", "company.team"}, {"id", "flow1"}}}, {"execution", {{"id", "exec1"}}}},
                 *system_clock(), std::make_shared<Cancellation>());
  ctx.set_storage(storage.get());
  SplitOptions options;
  options.max_batches = 3;
  try {
    split_file(ctx, items.text(), options);
    FAIL() << "no limit";
  } catch (const TaskFailure& failure) {
    EXPECT_STREQ(failure.what(), "The items make more than 3 batches: make them larger");
  }
  options.max_batches = 4;
  EXPECT_EQ(split_file(ctx, items.text(), options).size(), 4u);
}

std::vector<std::string> load_problems(Engine& engine, const std::string& yaml) {
  try {
    engine.add_flow(yaml, "f.yaml");
    return {};
  } catch (const FlowValidationError& error) {
    std::vector<std::string> out;
    for (const auto& issue : error.issues()) out.push_back(issue.path + " " + issue.message);
    return out;
  }
}

TEST_F(SplitTest, ForEachItemsStepsAreItsOwnAndCannotBeWritten) {
  EXPECT_EQ(load_problems(engine, R"(id: f
namespace: company.team
tasks:
  - id: split
    type: io.kestra.plugin.core.flow.ForEachItem$ForEachItemSplit
    items: kestra:///x
)"),
            (std::vector<std::string>{"tasks[0].type 'io.kestra.plugin.core.flow.ForEachItem$ForEachItemSplit' is "
                                      "internal: it runs only as a step of the task it belongs to"}));
  EXPECT_EQ(load_problems(engine, R"(id: f
namespace: company.team
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEachItem
    items: "{{ inputs.file }}"
    namespace: company.team
    flowId: child
  - id: each_split
    type: io.kestra.plugin.core.log.Log
    message: taken
)"),
            (std::vector<std::string>{"tasks[1].id duplicate task id 'each_split' (first used at tasks[0], line 4)"}));
  EXPECT_EQ(
      load_problems(engine, R"(id: f
namespace: company.team
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEachItem
    items: "{{ inputs.file }}"
    namespace: company.team
    flowId: f
)"),
      (std::vector<std::string>{
          "tasks[0].flowId recursive call to flow 'company.team.f': a Subflow cannot start the flow it belongs to"}));
}

// The child of revision 1 sleeps as many minutes as its line says; revision 2 fails.
TEST_F(SplitTest, ForEachItemRunsTheRevisionItNamesAndCountsExecutionsAsTheyEnd) {
  add(R"(id: slow
namespace: company.team
inputs:
  - id: items
    type: STRING
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: "PT{{ read(inputs.items) | trim }}M"
)");
  add(R"(id: slow
namespace: company.team
inputs:
  - id: items
    type: STRING
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
)");
  add(R"(id: batches
namespace: company.team
inputs:
  - id: data
    type: FILE
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEachItem
    items: "{{ inputs.data }}"
    namespace: company.team
    flowId: slow
    revision: 1
    inputs:
      items: "{{ taskrun.items }}"
)");
  std::ofstream(folder / "minutes.txt") << "2\n1\n3\n";
  auto created = engine.submit("company.team", "batches", {}, {}, nullptr,
                               {{"data", FileInput{"minutes.txt", folder / "minutes.txt"}}});
  settle();
  auto iterations = [&] { return run_of(*engine.execution(created->id), "each_items").outputs["iterations"]; };
  EXPECT_EQ(iterations(), Value::parse(R"({"CREATED": 3, "RUNNING": 0})"));
  advance(std::chrono::minutes(1));
  EXPECT_EQ(iterations(), Value::parse(R"({"CREATED": 2, "RUNNING": 0, "SUCCESS": 1})"));
  advance(std::chrono::minutes(1));
  EXPECT_EQ(iterations(), Value::parse(R"({"CREATED": 1, "RUNNING": 0, "SUCCESS": 2})"));
  EXPECT_EQ(engine.execution(created->id)->state.current(), S::RUNNING);
  advance(std::chrono::minutes(1));
  auto e = engine.execution(created->id);
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(iterations(), Value::parse(R"({"CREATED": 0, "RUNNING": 0, "SUCCESS": 3})"));
  for (const auto& child : engine.executions({.ns = "company.team", .flow_id = "slow", .state = std::nullopt}))
    EXPECT_EQ(child->flow_revision, 1);
}

// Each value's ForEachItem reads its own split step's batches.
TEST_F(SplitTest, ForEachItemInsideAForEach) {
  add(R"(id: child
namespace: company.team
inputs:
  - id: items
    type: STRING
tasks:
  - id: echo
    type: io.kestra.plugin.core.debug.Return
    format: "{{ read(inputs.items) | trim }}"
outputs:
  - id: line
    type: STRING
    value: "{{ outputs.echo.value }}"
)");
  add(R"(id: loop
namespace: company.team
inputs:
  - id: data
    type: FILE
tasks:
  - id: each_value
    type: io.kestra.plugin.core.flow.ForEach
    values: ["1", "2"]
    tasks:
      - id: batches
        type: io.kestra.plugin.core.flow.ForEachItem
        items: "{{ inputs.data }}"
        batch:
          rows: "{{ taskrun.value }}"
        namespace: company.team
        flowId: child
        inputs:
          items: "{{ taskrun.items }}"
)");
  std::ofstream(folder / "lines.txt") << "x\ny\n";
  auto created =
      engine.submit("company.team", "loop", {}, {}, nullptr, {{"data", FileInput{"lines.txt", folder / "lines.txt"}}});
  settle();
  auto e = engine.execution(created->id);
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  std::map<std::string, Value> batches;
  for (const auto& tr : e->task_runs)
    if (tr.task_id == "batches_items") batches[*tr.value] = tr.outputs["numberOfBatches"];
  EXPECT_EQ(batches, (std::map<std::string, Value>{{"1", 2}, {"2", 1}}));
  std::multiset<std::string> lines;
  for (const auto& child : engine.executions({.ns = "company.team", .flow_id = "child", .state = std::nullopt}))
    lines.insert(child->flow_outputs["line"].get<std::string>());
  EXPECT_EQ(lines, (std::multiset<std::string>{"x", "y", "x\ny"}));
}

}  // namespace
}  // namespace runwatch::testing
