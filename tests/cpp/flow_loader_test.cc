// The flow loader against a small catalog built here: every field of a valid flow, and
// each kind of error with its exact path, line and column.
#include <gtest/gtest.h>

#include <fstream>

#include "runwatch/condition/flow_trigger.h"
#include "runwatch/condition/schemas.h"
#include "runwatch/flow/loader.h"
#include "runwatch/flow/suggest.h"
#include "runwatch/tasks/builtin.h"
#include "runwatch/tasks/registry.h"
#include "runwatch/trigger/schemas.h"

namespace runwatch {
namespace {

class NoopTask final : public TaskType {
 public:
  using TaskType::TaskType;
  TaskResult run(RunContext&, const Value&) const override { return {}; }
};

TypeSchema task_schema(std::string name, std::vector<std::string> aliases, std::vector<PropertySpec> properties) {
  TypeSchema schema;
  schema.name = std::move(name);
  schema.aliases = std::move(aliases);
  schema.properties = std::move(properties);
  return schema;
}

class FlowLoaderTest : public ::testing::Test {
 protected:
  FlowLoaderTest() {
    using T = PropertyType;
    auto add = [&](TypeSchema schema) { registry_.add_task(std::make_shared<NoopTask>(std::move(schema))); };
    add(task_schema("io.kestra.plugin.core.log.Log", {"io.kestra.core.tasks.log.Log"},
                    {{"message", T::StringList, true, "", nullptr, {}},
                     {"level", T::String, false, "", "INFO", {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"}}}));
    add(task_schema("io.kestra.plugin.core.debug.Return", {}, {{"format", T::String, false, "", nullptr, {}}}));
    add(task_schema("io.kestra.plugin.test.Typed", {},
                    {{"count", T::Integer, false, "", nullptr, {}},
                     {"ratio", T::Number, false, "", nullptr, {}},
                     {"flag", T::Boolean, false, "", nullptr, {}},
                     {"wait", T::Duration, false, "", nullptr, {}},
                     {"state", T::State, false, "", nullptr, {}},
                     {"states", T::StateList, false, "", nullptr, {}},
                     {"names", T::StringList, false, "", nullptr, {}},
                     {"options", T::Map, false, "", nullptr, {}},
                     {"items", T::List, false, "", nullptr, {}},
                     {"anything", T::Any, false, "", nullptr, {}},
                     {"mode", T::String, false, "", "FAST", {"FAST", "SLOW"}}}));
    register_flowable_tasks(registry_);
    for (auto& schema : condition_schemas()) registry_.add_schema(std::move(schema));
    registry_.add_schema(flow_trigger_schema());
    for (auto& schema : trigger_schemas()) registry_.add_schema(std::move(schema));
  }

  FlowLoadResult load(const std::string& yaml) { return load_flow(yaml, "flow.yaml", {registry_}); }

  // The single issue of a flow that must fail with exactly one.
  ValidationIssue only_issue(const std::string& yaml) {
    auto result = load(yaml);
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(result.issues.size(), 1u) << dump(result);
    return result.issues.empty() ? ValidationIssue{} : result.issues.front();
  }

  static std::string dump(const FlowLoadResult& result) {
    std::string out;
    for (const auto& issue : result.issues) out += "\n  " + issue.to_string();
    return out;
  }

  PluginRegistry registry_;
};

// A flow whose only task is `task` (indented as a list item under `tasks:`, from line 4).
std::string with_task(const std::string& task) { return "id: f\nnamespace: n\ntasks:\n" + task; }

void expect_issue(const ValidationIssue& issue, const std::string& path, int line, int column,
                  const std::string& message) {
  EXPECT_EQ(issue.path, path);
  EXPECT_EQ(issue.line, line);
  EXPECT_EQ(issue.column, column);
  EXPECT_EQ(issue.message, message);
  EXPECT_EQ(issue.file, "flow.yaml");
  EXPECT_EQ(issue.severity, ValidationIssue::Severity::Error);
}

const char* kFullFlow = R"(id: full-flow_1
namespace: company.team
revision: 3
description: Every field
disabled: false
labels:
  team: ops
  tier: 1
inputs:
  - id: who
    type: STRING
    description: Who to greet
    defaults: world
    validator: "^[a-z]+$"
  - name: count
    type: INT
    required: false
    min: 1
variables:
  greeting: hello
tasks:
  - id: log
    type: io.kestra.core.tasks.log.Log
    description: Logs
    message: "{{ vars.greeting }}"
    timeout: PT5M
    allowFailure: true
    allowWarning: true
    disabled: true
    runIf: "{{ inputs.count > 1 }}"
    logLevel: WARN
    retry:
      type: exponential
      interval: PT1S
      maxInterval: PT1M
      maxAttempt: 4
      delayFactor: 3
      warningOnRetry: true
      behavior: CREATE_NEW_EXECUTION
  - id: branches
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - id: check
        type: io.kestra.plugin.core.flow.If
        condition: "{{ true }}"
        then:
          - id: yes_branch
            type: io.kestra.plugin.core.debug.Return
            format: yes
        else:
          - id: no_branch
            type: io.kestra.plugin.core.debug.Return
      - id: route
        type: io.kestra.plugin.core.flow.Switch
        value: "{{ inputs.who }}"
        cases:
          world:
            - id: case_world
              type: io.kestra.plugin.core.debug.Return
        defaults:
          - id: fallback
            type: io.kestra.plugin.core.debug.Return
errors:
  - id: on_error
    type: io.kestra.plugin.core.log.Log
    message: failed
triggers:
  - id: nightly
    type: io.kestra.core.models.triggers.types.Schedule
    cron: "0 2 * * *"
    disabled: true
  - id: on_failure
    type: io.kestra.plugin.core.trigger.Flow
    description: After a failure
    states: [FAILED]
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatusCondition
        in: [FAILED, WARNING]
      - type: io.kestra.plugin.core.condition.Or
        conditions:
          - type: io.kestra.plugin.core.condition.ExecutionNamespace
            namespace: company
            prefix: true
          - type: io.kestra.core.models.conditions.types.ExecutionFlowCondition
            namespace: company.system
            flowId: cleanup
      - id: both
        type: io.kestra.plugin.core.condition.MultipleCondition
        window: P1D
        conditions:
          first:
            type: io.kestra.plugin.core.condition.ExecutionFlow
            namespace: a
            flowId: b
)";

TEST_F(FlowLoaderTest, LoadsAValidFlowWithEveryField) {
  auto result = load(kFullFlow);
  ASSERT_TRUE(result.ok()) << dump(result);
  EXPECT_TRUE(result.issues.empty());
  const Flow& flow = *result.flow;
  EXPECT_EQ(flow.id, "full-flow_1");
  EXPECT_EQ(flow.ns, "company.team");
  EXPECT_EQ(flow.key(), "company.team.full-flow_1");
  EXPECT_EQ(flow.revision, 3);
  EXPECT_EQ(flow.description, "Every field");
  EXPECT_FALSE(flow.disabled);
  EXPECT_EQ(flow.labels, (std::vector<Label>{{"team", "ops"}, {"tier", "1"}}));
  EXPECT_EQ(flow.variables, Value({{"greeting", "hello"}}));
  EXPECT_EQ(flow.source_file, "flow.yaml");
  EXPECT_EQ(flow.source, kFullFlow);

  ASSERT_EQ(flow.inputs.size(), 2u);
  const auto& who = flow.inputs[0];
  EXPECT_EQ(who.id, "who");
  EXPECT_EQ(who.type, "STRING");
  EXPECT_TRUE(who.required);
  EXPECT_EQ(who.defaults, Value("world"));
  EXPECT_EQ(who.description, "Who to greet");
  EXPECT_EQ(who.properties, Value({{"validator", "^[a-z]+$"}}));
  EXPECT_EQ(who.path, "inputs[0]");
  EXPECT_EQ(who.pos.line, 10);
  EXPECT_EQ(who.pos.column, 5);
  const auto& count = flow.inputs[1];
  EXPECT_EQ(count.id, "count");  // from Kestra's deprecated `name`
  EXPECT_FALSE(count.required);
  EXPECT_FALSE(count.defaults.has_value());
  EXPECT_EQ(count.properties, Value({{"min", 1}}));

  ASSERT_EQ(flow.tasks.size(), 2u);
  const auto& log = flow.tasks[0];
  EXPECT_EQ(log.id, "log");
  EXPECT_EQ(log.type, "io.kestra.plugin.core.log.Log");  // the alias resolved to the canonical name
  EXPECT_EQ(log.description, "Logs");
  EXPECT_EQ(log.properties, Value({{"message", "{{ vars.greeting }}"}, {"level", "INFO"}}));  // level: default
  EXPECT_EQ(log.timeout, std::chrono::minutes(5));
  EXPECT_TRUE(log.allow_failure);
  EXPECT_TRUE(log.allow_warning);
  EXPECT_TRUE(log.disabled);
  EXPECT_EQ(log.run_if, "{{ inputs.count > 1 }}");
  EXPECT_EQ(log.log_level, "WARN");
  EXPECT_EQ(log.path, "tasks[0]");
  EXPECT_EQ(log.pos.line, 22);
  EXPECT_EQ(log.pos.column, 5);
  ASSERT_TRUE(log.retry.has_value());
  EXPECT_EQ(log.retry->kind, RetryPolicy::Kind::Exponential);
  EXPECT_EQ(log.retry->behavior, RetryPolicy::Behavior::CreateNewExecution);
  EXPECT_EQ(log.retry->interval, std::chrono::seconds(1));
  EXPECT_EQ(log.retry->max_interval, std::chrono::minutes(1));
  EXPECT_EQ(log.retry->max_attempt, 4);
  EXPECT_EQ(log.retry->delay_factor, 3.0);
  EXPECT_TRUE(log.retry->warning_on_retry);

  const auto& parallel = flow.tasks[1];
  EXPECT_EQ(parallel.properties, Value({{"concurrent", 0}}));
  const auto* children = parallel.branch("tasks");
  ASSERT_NE(children, nullptr);
  ASSERT_EQ(children->tasks.size(), 2u);
  const auto& check = children->tasks[0];
  EXPECT_EQ(check.path, "tasks[1].tasks[0]");
  EXPECT_EQ(check.properties, Value({{"condition", "{{ true }}"}}));
  ASSERT_NE(check.branch("then"), nullptr);
  EXPECT_EQ(check.branch("then")->tasks.at(0).id, "yes_branch");
  EXPECT_EQ(check.branch("then")->tasks.at(0).properties, Value({{"format", "yes"}}));  // yes stays text
  EXPECT_EQ(check.branch("else")->tasks.at(0).path, "tasks[1].tasks[0].else[0]");
  const auto& route = children->tasks[1];
  ASSERT_NE(route.branch("cases", "world"), nullptr);
  EXPECT_EQ(route.branch("cases", "world")->tasks.at(0).path, "tasks[1].tasks[1].cases.world[0]");
  EXPECT_EQ(route.branch("defaults")->tasks.at(0).id, "fallback");

  ASSERT_EQ(flow.errors.size(), 1u);
  EXPECT_EQ(flow.errors[0].path, "errors[0]");

  ASSERT_EQ(flow.triggers.size(), 2u);
  const auto& schedule = flow.triggers[0];
  EXPECT_EQ(schedule.type, "io.kestra.plugin.core.trigger.Schedule");
  EXPECT_TRUE(schedule.disabled);
  EXPECT_EQ(schedule.properties, Value({{"cron", "0 2 * * *"}, {"withSeconds", false}}));
  const auto& listen = flow.triggers[1];
  EXPECT_EQ(listen.description, "After a failure");
  EXPECT_EQ(listen.properties, Value({{"states", {"FAILED"}}}));
  ASSERT_EQ(listen.conditions.size(), 3u);
  EXPECT_EQ(listen.conditions[0].type, "io.kestra.plugin.core.condition.ExecutionStatus");
  EXPECT_EQ(listen.conditions[0].properties, Value({{"in", {"FAILED", "WARNING"}}}));
  EXPECT_EQ(listen.conditions[0].path, "triggers[1].conditions[0]");
  EXPECT_EQ(listen.conditions[0].pos.line, 77);
  EXPECT_EQ(listen.conditions[0].pos.column, 9);
  const auto& either = listen.conditions[1];
  ASSERT_EQ(either.conditions.size(), 2u);
  EXPECT_EQ(either.conditions[0].properties, Value({{"namespace", "company"}, {"prefix", true}}));
  EXPECT_EQ(either.conditions[1].type, "io.kestra.plugin.core.condition.ExecutionFlow");
  EXPECT_EQ(either.conditions[1].path, "triggers[1].conditions[1].conditions[1]");
  const auto& both = listen.conditions[2];
  EXPECT_EQ(both.properties, Value({{"id", "both"}, {"window", "P1D"}, {"resetOnSuccess", true}}));
  ASSERT_EQ(both.conditions.size(), 1u);
  EXPECT_EQ(both.conditions[0].key, "first");
  EXPECT_EQ(both.conditions[0].path, "triggers[1].conditions[2].conditions.first");
}

TEST_F(FlowLoaderTest, LabelsMayBeAListOfKeyValuePairs) {
  auto result = load(R"(id: f
namespace: n
labels:
  - key: team
    value: ops
  - key: system.readOnly
    value: "true"
tasks:
  - id: t
    type: io.kestra.plugin.core.debug.Return
)");
  ASSERT_TRUE(result.ok()) << dump(result);
  EXPECT_EQ(result.flow->labels, (std::vector<Label>{{"team", "ops"}, {"system.readOnly", "true"}}));
}

TEST_F(FlowLoaderTest, PlainScalarsAreTypedAsKestraTypesThemQuotedOnesStayText) {
  auto result = load(R"(id: f
namespace: n
variables:
  t: true
  quoted_t: "true"
  capital: TRUE
  yes_word: yes
  off_word: off
  int: 10
  quoted_int: '10'
  negative: -7
  hex: 0x1F
  octal: 017
  grouped: 1_000
  float: 1.5
  exponent: 1e3
  version: 1.10
  nothing: null
  tilde: ~
  empty:
  date: 2024-01-02
  block: |
    two
    lines
tasks:
  - id: t
    type: io.kestra.plugin.core.debug.Return
)");
  ASSERT_TRUE(result.ok()) << dump(result);
  EXPECT_EQ(result.flow->variables,
            Value({{"t", true},        {"quoted_t", "true"}, {"capital", true},  {"yes_word", "yes"},
                   {"off_word", "off"}, {"int", 10},         {"quoted_int", "10"}, {"negative", -7},
                   {"hex", 31},        {"octal", 15},        {"grouped", 1000},  {"float", 1.5},
                   {"exponent", 1000.0}, {"version", 1.1},   {"nothing", nullptr}, {"tilde", nullptr},
                   {"empty", nullptr}, {"date", "2024-01-02"}, {"block", "two\nlines\n"}}));
}

TEST_F(FlowLoaderTest, YamlSyntaxErrorHasItsPosition) {
  auto issue = only_issue("id: f\nnamespace: n\ntasks: [\n  {id: a\n");
  EXPECT_EQ(issue.path, "");
  EXPECT_EQ(issue.line, 5);
  EXPECT_EQ(issue.column, 1);
  EXPECT_TRUE(issue.message.starts_with("YAML syntax error: ")) << issue.message;
}

// A "billion laughs": ten levels of ten aliases. Refused from its events, once the
// values it would expand to pass the budget, before any tree is walked.
TEST_F(FlowLoaderTest, AnAliasBombIsRefusedBeforeItExpands) {
  std::string yaml = "id: f\nnamespace: n\nvariables:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 9; ++level) {
    std::string prev = "*l" + std::to_string(level - 1);
    yaml += "  l" + std::to_string(level) + ": &l" + std::to_string(level) + " [" + prev;
    for (int i = 1; i < 10; ++i) yaml += ", " + prev;
    yaml += "]\n";
  }
  yaml += "tasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n";
  auto issue = only_issue(yaml);
  EXPECT_EQ(issue.line, 8);
  EXPECT_EQ(issue.message,
            "the document expands to more than 100000 values once its aliases are followed: it is refused (an alias bomb?)");
}

TEST_F(FlowLoaderTest, MoreThanFiftyAliasesOfCollectionsAreRefused) {
  std::string aliases = "*a";
  for (int i = 1; i < 51; ++i) aliases += ", *a";
  auto issue = only_issue("id: f\nnamespace: n\nvariables:\n  a: &a [x]\n  b: [" + aliases + "]\n"
                          "tasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n");
  expect_issue(issue, "", 5, 207, "more than 50 aliases of lists or mappings: the document is refused (an alias bomb?)");
}

// yaml-cpp resolves an alias inside the node its anchor names to that node: the tree
// loaded would hold itself, and every walk of it would never end.
TEST_F(FlowLoaderTest, AnAliasInsideWhatItNamesIsRefused) {
  expect_issue(only_issue("id: f\nnamespace: n\nvariables:\n  a: &a [x, *a]\n"
                          "tasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"),
               "", 4, 13, "this alias names a list or mapping that holds it: the document would never end");
  expect_issue(only_issue("id: f\nnamespace: n\nvariables:\n  a: &a {b: [{c: *a}]}\n"
                          "tasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"),
               "", 4, 18, "this alias names a list or mapping that holds it: the document would never end");
}

TEST_F(FlowLoaderTest, AFewAliasesStillLoad) {
  auto result = load("id: f\nnamespace: n\nvariables:\n  base: &base {team: data}\n  copy: *base\n"
                     "tasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n");
  ASSERT_TRUE(result.ok()) << result.issues.at(0).to_string();
  EXPECT_EQ(result.flow->variables["copy"], Value({{"team", "data"}}));
}

TEST_F(FlowLoaderTest, TextThatIsNotUtf8IsRefusedAtItsFirstBadByte) {
  expect_issue(only_issue("id: f\nnamespace: n\ndescription: caf\xC3(\ntasks: []\n"), "", 3, 17,
               "the flow is not valid UTF-8: byte 0xC3 here");
}

TEST_F(FlowLoaderTest, ANulCharacterIsRefusedWhereItIs) {
  expect_issue(only_issue(std::string("id: f\nnamespace: n\ntasks:\n  - id: a\0_b\n", 39)), "", 4, 10,
               "the flow holds a NUL character here, which YAML does not allow");
}

TEST_F(FlowLoaderTest, NumbersOutOfRangeArePositionedErrors) {
  expect_issue(only_issue("id: f\nnamespace: n\nvariables:\n  big: 123456789012345678901234567890\n"
                          "tasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"),
               "", 4, 8, "the number 123456789012345678901234567890 is out of range (a 64-bit integer at most)");
  expect_issue(only_issue("id: f\nnamespace: n\nvariables:\n  huge: 1e400\n"
                          "tasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"),
               "", 4, 9, "the number 1e400 is out of range");
}

// Ids of any length are checked in one pass (a recursive matcher would overflow the stack).
TEST_F(FlowLoaderTest, AnIdOfThirtyThousandCharactersIsAnErrorNotACrash) {
  std::string id(30'000, 'a');
  auto issue = only_issue("id: f\nnamespace: n\ntasks:\n  - id: " + id + "!\n    type: io.kestra.plugin.core.log.Log\n"
                          "    message: hi\n");
  expect_issue(issue, "tasks[0].id", 4, 9,
               "invalid task id '" + std::string(100, 'a') + "...': it must match ^[a-zA-Z0-9][a-zA-Z0-9_-]*$");
  std::string scalar(100'000, '1');
  auto long_scalar = load("id: f\nnamespace: n\nvariables:\n  x: " + scalar + "x\ntasks:\n  - id: a\n"
                          "    type: io.kestra.plugin.core.log.Log\n    message: hi\n");
  ASSERT_TRUE(long_scalar.ok());
  EXPECT_EQ(long_scalar.flow->variables["x"], scalar + "x");
}

TEST_F(FlowLoaderTest, EmptyFileAndNonMappingAreRefused) {
  expect_issue(only_issue(""), "", 1, 1, "the file is empty: a flow needs an id, a namespace and tasks");
  expect_issue(only_issue("# nothing but a comment\n"), "", 1, 1,
               "the file is empty: a flow needs an id, a namespace and tasks");
  expect_issue(only_issue("- id: f\n"), "", 1, 1, "a flow must be a YAML mapping, not a list");
}

TEST_F(FlowLoaderTest, IdNamespaceAndTasksAreRequired) {
  auto result = load("description: nothing else\n");
  ASSERT_EQ(result.issues.size(), 3u) << dump(result);
  expect_issue(result.issues[0], "id", 1, 1, "missing required property 'id'");
  expect_issue(result.issues[1], "namespace", 1, 1, "missing required property 'namespace'");
  expect_issue(result.issues[2], "tasks", 1, 1, "missing required property 'tasks': a flow needs at least one task");

  expect_issue(only_issue("id: f\nnamespace: n\ntasks: []\n"), "tasks", 3, 8, "'tasks' must not be empty");
  expect_issue(only_issue("id: f\nnamespace: n\ntasks:\n"), "tasks", 3, 1,
               "missing required property 'tasks': a flow needs at least one task");
}

TEST_F(FlowLoaderTest, IdAndNamespaceFollowKestraPatterns) {
  auto result = load("id: my#flow\nnamespace: My.Team\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.debug.Return\n");
  ASSERT_EQ(result.issues.size(), 2u) << dump(result);
  expect_issue(result.issues[0], "id", 1, 5,
               "invalid flow id 'my#flow': it must match ^[a-zA-Z0-9][a-zA-Z0-9._-]*$ and have at most 100 characters");
  expect_issue(result.issues[1], "namespace", 2, 12,
               "invalid namespace 'My.Team': it must match ^[a-z0-9][a-z0-9._-]*$ and have at most 150 characters");

  auto long_id = "id: " + std::string(101, 'a') + "\nnamespace: n\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.debug.Return\n";
  EXPECT_EQ(only_issue(long_id).path, "id");
  auto at_limit = "id: " + std::string(100, 'a') + "\nnamespace: n\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.debug.Return\n";
  EXPECT_TRUE(load(at_limit).ok());
}

TEST_F(FlowLoaderTest, UnknownTopLevelKeyIsAnErrorWithASuggestion) {
  expect_issue(only_issue(with_task("  - id: t\n    type: io.kestra.plugin.core.debug.Return\ntrigger: []\n")),
               "trigger", 6, 1, "unknown property 'trigger' of a flow; did you mean triggers?");
}

TEST_F(FlowLoaderTest, KeysWhoseBehaviourRunwatchLacksAreRefused) {
  auto result =
      load(with_task("  - id: t\n    type: io.kestra.plugin.core.debug.Return\n"
                     "listeners:\n  - tasks: []\nworkerGroup:\n  key: gpu\n"
                     "deleted: false\ntenantId: main\n"));
  ASSERT_EQ(result.issues.size(), 2u) << dump(result);
  expect_issue(result.issues[0], "listeners", 6, 1,
               "'listeners' is not supported by runwatch (deprecated in Kestra; use a flow with a Flow trigger)");
  expect_issue(
      result.issues[1], "workerGroup", 8, 1,
      "'workerGroup' is not supported by runwatch (worker groups are an Enterprise Edition feature of Kestra)");
}

TEST_F(FlowLoaderTest, DuplicateKeysAreReportedAtTheirSecondOccurrence) {
  auto result = load(R"(id: f
namespace: n
tasks:
  - id: t
    type: io.kestra.plugin.core.debug.Return
    format: a
    format: b
id: g
)");
  ASSERT_EQ(result.issues.size(), 2u) << dump(result);
  expect_issue(result.issues[0], "tasks[0].format", 7, 5, "duplicate key 'format'");
  expect_issue(result.issues[1], "id", 8, 1, "duplicate key 'id'");
}

TEST_F(FlowLoaderTest, SystemLabelsAreKestrasOwn) {
  auto result = load(R"(id: f
namespace: n
labels:
  system.correlationId: x
  - bad
tasks:
  - id: t
    type: io.kestra.plugin.core.debug.Return
)");
  // Not a mapping nor a list: a syntax error, found before anything else.
  EXPECT_TRUE(result.issues.at(0).message.starts_with("YAML syntax error"));

  expect_issue(only_issue(with_task("  - id: t\n    type: io.kestra.plugin.core.debug.Return\n"
                                    "labels:\n  system.correlationId: x\n")),
               "labels.system.correlationId", 7, 3,
               "system labels can only be set by Kestra itself, offending label: system.correlationId=x");
  expect_issue(only_issue(with_task("  - id: t\n    type: io.kestra.plugin.core.debug.Return\n"
                                    "labels:\n  - key: k\n")),
               "labels[0]", 7, 5, "a label in a list must be a mapping with a key and a value");
  expect_issue(only_issue(with_task("  - id: t\n    type: io.kestra.plugin.core.debug.Return\n"
                                    "labels:\n  k: [1]\n")),
               "labels.k", 7, 6, "the value of label 'k' must be a string, not a list");
}

TEST_F(FlowLoaderTest, InputErrors) {
  auto result = load(R"(id: f
namespace: n
inputs:
  - id: first
    type: STRNG
  - id: first
    type: STRING
    validator: "[a-"
  - id: "bad id"
  - id: list
    type: ARRAY
    itemType: SELECT
    colour: red
  - id: file
    type: FILE
    defaults: something
  - id: choice
    type: ENUM
tasks:
  - id: t
    type: io.kestra.plugin.core.debug.Return
)");
  ASSERT_EQ(result.issues.size(), 9u) << dump(result);
  expect_issue(result.issues[0], "inputs[0].type", 5, 11, "unknown input type 'STRNG'; did you mean STRING?");
  expect_issue(result.issues[1], "inputs[1].id", 6, 5, "duplicate input id 'first' (first declared at inputs[0])");
  EXPECT_EQ(result.issues[2].path, "inputs[1].validator");
  EXPECT_EQ(result.issues[2].line, 8);
  EXPECT_TRUE(result.issues[2].message.starts_with("invalid regular expression '[a-': ")) << result.issues[2].message;
  expect_issue(
      result.issues[3], "inputs[2].type", 9, 5,
      "missing required property 'type' (ARRAY, BOOL, BOOLEAN, DATE, DATETIME, DURATION, EMAIL, ENUM, FILE, FLOAT, "
      "INT, JSON, MULTISELECT, SECRET, SELECT, STRING, TIME, URI, YAML)");
  expect_issue(result.issues[4], "inputs[2].id", 9, 9,
               "invalid input id 'bad id': it must match ^[a-zA-Z0-9][.a-zA-Z0-9_-]*$");
  expect_issue(result.issues[5], "inputs[3].itemType", 12, 15, "`itemType` cannot be SELECT");
  expect_issue(result.issues[6], "inputs[3].colour", 13, 5, "unknown property 'colour' of an input of type ARRAY");
  expect_issue(result.issues[7], "inputs[4].defaults", 16, 15,
               "inputs of type 'FILE' only support `defaults` as local files using a file URI or as namespace files "
               "using a nsfile URI");
  expect_issue(result.issues[8], "inputs[5].values", 17, 5, "missing required property 'values' of an input of type ENUM");
}

TEST_F(FlowLoaderTest, TaskIdAndTypeErrors) {
  auto result = load(R"(id: f
namespace: n
tasks:
  - type: io.kestra.plugin.core.debug.Return
  - id: -bad
    type: io.kestra.plugin.core.debug.Return
  - id: no_type
  - id: misspelt
    type: io.kestra.plugin.core.log.Logg
    message: hi
  - id: dbt
    type: io.kestra.plugin.dbt.cli.DbtCLI
  - id: download
    type: io.kestra.plugin.core.http.Download
)");
  ASSERT_EQ(result.issues.size(), 6u) << dump(result);
  expect_issue(result.issues[0], "tasks[0].id", 4, 5, "missing required property 'id'");
  expect_issue(result.issues[1], "tasks[1].id", 5, 9, "invalid task id '-bad': it must match ^[a-zA-Z0-9][a-zA-Z0-9_-]*$");
  expect_issue(result.issues[2], "tasks[2].type", 7, 5, "missing required property 'type'");
  expect_issue(result.issues[3], "tasks[3].type", 9, 11,
               "unknown task type 'io.kestra.plugin.core.log.Logg'; did you mean io.kestra.plugin.core.log.Log?");
  expect_issue(result.issues[4], "tasks[4].type", 12, 11,
               "unsupported task type 'io.kestra.plugin.dbt.cli.DbtCLI' (not implemented by runwatch)");
  expect_issue(result.issues[5], "tasks[5].type", 14, 11,
               "unsupported task type 'io.kestra.plugin.core.http.Download' (not implemented by runwatch)");
}

// A misspelt name is told apart from a real Kestra type runwatch lacks: a swap of two
// letters and a misspelt package get a suggestion, in the generation of names used.
TEST_F(FlowLoaderTest, MisspeltTypesGetASuggestionAndRealKestraTypesSayTheyAreMissing) {
  const std::pair<std::string, std::string> rows[] = {
      {"io.kestra.plugin.core.log.Lgo",
       "unknown task type 'io.kestra.plugin.core.log.Lgo'; did you mean "
       "io.kestra.plugin.core.log.Log?"},
      {"io.kestra.plugin.core.flows.Switch",
       "unknown task type 'io.kestra.plugin.core.flows.Switch'; did you mean "
       "io.kestra.plugin.core.flow.Switch?"},
      {"io.kestra.core.tasks.log.Lgo",
       "unknown task type 'io.kestra.core.tasks.log.Lgo'; did you mean io.kestra.core.tasks.log.Log?"},
      {"io.kestra.plugin.core.flows.ForEach",
       "unknown task type 'io.kestra.plugin.core.flows.ForEach'; did you mean "
       "io.kestra.plugin.core.flow.ForEach?"},
      {"io.kestra.plugin.core.flows.ForEachItem",
       "unknown task type 'io.kestra.plugin.core.flows.ForEachItem'; did you mean "
       "io.kestra.plugin.core.flow.ForEachItem?"},
      {"io.kestra.plugin.core.http.Download",
       "unsupported task type 'io.kestra.plugin.core.http.Download' (not implemented by runwatch)"},
      {"io.kestra.plugin.jdbc.postgresql.Query",
       "unsupported task type 'io.kestra.plugin.jdbc.postgresql.Query' (not implemented by runwatch)"},
  };
  for (const auto& [type, message] : rows) {
    auto result = load(with_task("  - id: t\n    type: " + type + "\n"));
    ASSERT_EQ(result.issues.size(), 1u) << dump(result);
    expect_issue(result.issues[0], "tasks[0].type", 5, 11, message);
  }
}

TEST(FlowSuggest, EditDistanceCountsASwapOfNeighboursAsOneEditAndIgnoresCase) {
  EXPECT_EQ(edit_distance("Lgo", "Log"), 1u);
  EXPECT_EQ(edit_distance("abcd", "badc"), 2u);
  EXPECT_EQ(edit_distance("flows", "flow"), 1u);
  EXPECT_EQ(edit_distance("SLACK", "slack"), 0u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("ca", "abc"), 3u);  // optimal string alignment: no edit of a swapped pair
}

TEST_F(FlowLoaderTest, TaskPropertiesAreCheckedAgainstTheSchema) {
  auto result = load(with_task(R"(  - id: log
    type: io.kestra.plugin.core.log.Log
    mesage: hi
    level: LOUD
  - id: ret
    type: io.kestra.plugin.core.debug.Return
    workerGroup:
      key: gpu
    timeout: soon
    description: [x]
)"));
  ASSERT_EQ(result.issues.size(), 6u) << dump(result);
  expect_issue(result.issues[0], "tasks[0].message", 4, 5, "missing required property 'message'");
  expect_issue(result.issues[1], "tasks[0].mesage", 6, 5,
               "unknown property 'mesage' of task type io.kestra.plugin.core.log.Log; did you mean message?");
  expect_issue(result.issues[2], "tasks[0].level", 7, 12,
               "'level' must be one of TRACE, DEBUG, INFO, WARN, ERROR, not 'LOUD'");
  expect_issue(result.issues[3], "tasks[1].workerGroup", 10, 5,
               "'workerGroup' is not supported by runwatch (worker groups are an Enterprise Edition feature of Kestra)");
  expect_issue(result.issues[4], "tasks[1].timeout", 12, 14,
               "'timeout' must be an ISO-8601 duration such as PT5M, not 'soon'");
  expect_issue(result.issues[5], "tasks[1].description", 13, 18, "'description' must be a string, not a list");
}

TEST_F(FlowLoaderTest, PropertyTypesAcceptWhatKestraCoerces) {
  auto result = load(with_task(R"(  - id: ok
    type: io.kestra.plugin.test.Typed
    count: "42"
    ratio: "{{ inputs.ratio }}"
    flag: "false"
    wait: PT1H
    state: FAILED
    states: [SUCCESS, KILLED]
    names: one
    options: {a: 1}
    items: [1, two]
    anything: {deep: [1]}
    mode: SLOW
)"));
  ASSERT_TRUE(result.ok()) << dump(result);
  EXPECT_EQ(result.flow->tasks[0].properties["count"], "42");
  EXPECT_EQ(result.flow->tasks[0].properties["names"], "one");
}

TEST_F(FlowLoaderTest, PropertyTypeMismatchesAreErrors) {
  auto result = load(with_task(R"(  - id: bad
    type: io.kestra.plugin.test.Typed
    count: 1.5
    ratio: many
    flag: yes
    wait: 5 minutes
    state: DONE
    states: [SUCCESS, FINISHED]
    names: [{a: 1}]
    options: [1]
    items: {a: 1}
)"));
  ASSERT_EQ(result.issues.size(), 9u) << dump(result);
  expect_issue(result.issues[0], "tasks[0].count", 6, 12, "'count' must be an integer, not '1.5'");
  expect_issue(result.issues[1], "tasks[0].ratio", 7, 12, "'ratio' must be a number, not 'many'");
  expect_issue(result.issues[2], "tasks[0].flag", 8, 11, "'flag' must be a boolean, not 'yes'");
  expect_issue(result.issues[3], "tasks[0].wait", 9, 11,
               "'wait' must be an ISO-8601 duration such as PT5M, not '5 minutes'");
  expect_issue(result.issues[4], "tasks[0].state", 10, 12, "'state' must be a state name such as FAILED, not 'DONE'");
  expect_issue(result.issues[5], "tasks[0].states", 11, 13,
               "'states' must be a list of state names such as [FAILED, WARNING], not 'FINISHED'");
  expect_issue(result.issues[6], "tasks[0].names", 12, 12,
               "'names' must be a string or a list of strings, not a list holding a mapping");
  expect_issue(result.issues[7], "tasks[0].options", 13, 14, "'options' must be a mapping, not a list");
  expect_issue(result.issues[8], "tasks[0].items", 14, 12, "'items' must be a list, not a mapping");
}

TEST_F(FlowLoaderTest, RetryIsChecked) {
  auto result = load(with_task(R"(  - id: a
    type: io.kestra.plugin.core.debug.Return
    retry:
      type: constant
      maxAttempt: 3
  - id: b
    type: io.kestra.plugin.core.debug.Return
    retry:
      type: linear
      intervall: PT1S
  - id: c
    type: io.kestra.plugin.core.debug.Return
    retry:
      maxAttempt: 2
)"));
  ASSERT_EQ(result.issues.size(), 4u) << dump(result);
  expect_issue(result.issues[0], "tasks[0].retry.interval", 7, 7, "missing required property 'interval' of a constant retry");
  expect_issue(result.issues[1], "tasks[1].retry.type", 12, 13,
               "'type' must be one of constant, exponential, random, not 'linear'");
  expect_issue(result.issues[2], "tasks[1].retry.intervall", 13, 7,
               "unknown property 'intervall' of retry; did you mean interval?");
  expect_issue(result.issues[3], "tasks[2].retry.type", 17, 7,
               "missing required property 'type' (constant, exponential or random)");
}

TEST_F(FlowLoaderTest, AFlowRetryIsCheckedAsATasksIs) {
  auto ok = load(with_task("  - id: t\n    type: io.kestra.plugin.core.debug.Return\n") +
                 "retry:\n  type: exponential\n  interval: PT1S\n  maxInterval: PT1M\n  maxAttempt: 5\n"
                 "  behavior: CREATE_NEW_EXECUTION\n");
  ASSERT_TRUE(ok.ok()) << dump(ok);
  ASSERT_TRUE(ok.flow->retry);
  EXPECT_EQ(ok.flow->retry->kind, RetryPolicy::Kind::Exponential);
  EXPECT_EQ(ok.flow->retry->behavior, RetryPolicy::Behavior::CreateNewExecution);
  EXPECT_EQ(ok.flow->retry->max_attempt, 5);

  auto result = load(with_task("  - id: t\n    type: io.kestra.plugin.core.debug.Return\n") +
                     "retry:\n  type: constant\n  interval: PT1S\n  behavior: LATER\n");
  ASSERT_EQ(result.issues.size(), 1u) << dump(result);
  expect_issue(result.issues[0], "retry.behavior", 9, 13,
               "'behavior' must be one of RETRY_FAILED_TASK, CREATE_NEW_EXECUTION, not 'LATER'");
}

TEST_F(FlowLoaderTest, TaskIdsAreUniqueAcrossTheWholeFlow) {
  auto result = load(R"(id: f
namespace: n
tasks:
  - id: a
    type: io.kestra.plugin.core.flow.Sequential
    tasks:
      - id: b
        type: io.kestra.plugin.core.debug.Return
    errors:
      - id: a
        type: io.kestra.plugin.core.debug.Return
errors:
  - id: b
    type: io.kestra.plugin.core.debug.Return
)");
  ASSERT_EQ(result.issues.size(), 2u) << dump(result);
  expect_issue(result.issues[0], "tasks[0].errors[0].id", 10, 13, "duplicate task id 'a' (first used at tasks[0], line 4)");
  expect_issue(result.issues[1], "errors[0].id", 13, 9, "duplicate task id 'b' (first used at tasks[0].tasks[0], line 7)");
}

TEST_F(FlowLoaderTest, FlowableTasksNeedTheirChildren) {
  auto result = load(with_task(R"(  - id: p
    type: io.kestra.plugin.core.flow.Parallel
    tasks: []
  - id: s
    type: io.kestra.plugin.core.flow.Switch
    value: x
    cases: {}
    defaults: null
  - id: i
    type: io.kestra.plugin.core.flow.If
    condition: true
)"));
  ASSERT_EQ(result.issues.size(), 3u) << dump(result);
  expect_issue(result.issues[0], "tasks[0].tasks", 6, 12, "'tasks' must not be empty");
  expect_issue(result.issues[1], "tasks[1]", 7, 5, "at least one of 'cases', 'defaults' must be given and not empty");
  expect_issue(result.issues[2], "tasks[2].then", 12, 5, "missing required property 'then'");
}

TEST_F(FlowLoaderTest, TriggerAndConditionErrors) {
  auto result = load(with_task(R"(  - id: t
    type: io.kestra.plugin.core.debug.Return
triggers:
  - id: listen
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in: [FAILD]
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: [a]
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        flowId: x
      - type: io.kestra.plugin.core.condition.ExecutionStatu
  - id: listen
    type: io.kestra.plugin.core.trigger.Schedule
    stopAfter: [FAILED]
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: k
    workerGroup: {key: w}
)"));
  ASSERT_EQ(result.issues.size(), 7u) << dump(result);
  expect_issue(result.issues[0], "triggers[0].conditions[0].in", 11, 13,
               "'in' must be a list of state names such as [FAILED, WARNING], not 'FAILD'");
  expect_issue(result.issues[1], "triggers[0].conditions[1].namespace", 13, 20, "'namespace' must be a string, not a list");
  expect_issue(result.issues[2], "triggers[0].conditions[2].namespace", 14, 9, "missing required property 'namespace'");
  expect_issue(result.issues[3], "triggers[0].conditions[3].type", 16, 15,
               "unknown condition type 'io.kestra.plugin.core.condition.ExecutionStatu'; did you mean "
               "io.kestra.plugin.core.condition.ExecutionStatus?");
  expect_issue(result.issues[4], "triggers[1].cron", 17, 5, "missing required property 'cron'");
  expect_issue(result.issues[5], "triggers[1].id", 17, 5, "duplicate trigger id 'listen' (first used at triggers[0])");
  expect_issue(result.issues[6], "triggers[2].workerGroup", 23, 5,
               "'workerGroup' is not supported by runwatch (worker groups are an Enterprise Edition feature of Kestra)");
}

TEST_F(FlowLoaderTest, ParseFlowThrowsWithEveryError) {
  try {
    parse_flow("id: f\nnamespace: N\n", "bad.yaml", {registry_});
    FAIL() << "expected FlowValidationError";
  } catch (const FlowValidationError& e) {
    ASSERT_EQ(e.issues().size(), 2u);
    EXPECT_EQ(e.issues()[0].to_string(),
              "bad.yaml:1:1: error: tasks: missing required property 'tasks': a flow needs at least one task");
    EXPECT_EQ(e.issues()[1].path, "namespace");
  }
  EXPECT_NE(parse_flow(with_task("  - id: t\n    type: io.kestra.plugin.core.debug.Return\n"), "ok.yaml", {registry_}),
            nullptr);
}

TEST_F(FlowLoaderTest, FilesAreFoundSortedAndUnreadableOnesAreIssues) {
  auto dir = std::filesystem::temp_directory_path() / ("runwatch_flow_files_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "sub");
  for (const char* name : {"b.yml", "a.yaml", "sub/c.yaml", "notes.txt"}) std::ofstream(dir / name) << "x: 1\n";
  EXPECT_EQ(flow_files(dir), (std::vector<std::filesystem::path>{dir / "a.yaml", dir / "b.yml", dir / "sub/c.yaml"}));
  EXPECT_EQ(flow_files(dir / "a.yaml"), (std::vector<std::filesystem::path>{dir / "a.yaml"}));
  auto missing = load_flow_file(dir / "missing.yaml", {registry_});
  EXPECT_FALSE(missing.ok());
  ASSERT_EQ(missing.issues.size(), 1u);
  EXPECT_EQ(missing.issues[0].message, "cannot read the file");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace runwatch
