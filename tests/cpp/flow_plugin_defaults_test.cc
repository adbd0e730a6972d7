// pluginDefaults as Kestra applies them (PluginDefaultService): by type or prefix, the
// flow's before the server's, forced ones over the plugin's own values, mappings merged;
// and as runwatch adds: across a type's old and new names. Errors are placed where the
// default is written.
#include <gtest/gtest.h>

#include "runwatch/flow/loader.h"
#include "runwatch/tasks/registry.h"

namespace runwatch {
namespace {

FlowLoadResult load(const std::string& yaml, Value server_defaults = Value::array()) {
  return load_flow(yaml, "flow.yaml", {PluginRegistry::global(), nullptr, std::move(server_defaults)});
}

std::string issues_of(const FlowLoadResult& result) {
  std::string out;
  for (const auto& issue : result.issues) out += issue.to_string() + "\n";
  return out;
}

const Value& properties_of(const FlowLoadResult& result, size_t task) { return result.flow->tasks.at(task).properties; }

TEST(FlowPluginDefaults, AnUnforcedDefaultFillsOnlyWhatATaskLeavesUnset) {
  auto result = load(R"(id: f
namespace: company.team
tasks:
  - id: quiet
    type: io.kestra.plugin.core.log.Log
    message: hello
  - id: loud
    type: io.kestra.plugin.core.log.Log
    message: hello
    level: WARN
pluginDefaults:
  - type: io.kestra.plugin.core.log.Log
    values:
      level: ERROR
      message: never used
)");
  ASSERT_TRUE(result.ok()) << issues_of(result);
  EXPECT_EQ(properties_of(result, 0), Value({{"message", "hello"}, {"level", "ERROR"}}));
  EXPECT_EQ(properties_of(result, 1), Value({{"message", "hello"}, {"level", "WARN"}}));
}

TEST(FlowPluginDefaults, AForcedDefaultOverridesAndAPrefixMatchesEveryTypeUnderIt) {
  auto result = load(R"(id: f
namespace: company.team
tasks:
  - id: loud
    type: io.kestra.plugin.core.log.Log
    message: hello
    level: WARN
pluginDefaults:
  - type: io.kestra.plugin.core.log
    forced: true
    values:
      level: DEBUG
)");
  ASSERT_TRUE(result.ok()) << issues_of(result);
  EXPECT_EQ(properties_of(result, 0)["level"], "DEBUG");
}

TEST(FlowPluginDefaults, MappingsMergeKeyByKeyAndListsAreReplaced) {
  auto result = load(R"(id: f
namespace: company.team
tasks:
  - id: call
    type: io.kestra.plugin.core.http.Request
    uri: http://127.0.0.1:1/hook
    headers:
      X-Team: data
      X-Source: flow
  - id: page
    type: io.kestra.plugin.zenduty.ZendutyExecution
    url: http://127.0.0.1:1/zenduty
    urls: [http://runbook/b]
pluginDefaults:
  - type: io.kestra.plugin.core.http.Request
    values:
      headers:
        X-Source: default
        X-Env: prod
  - type: io.kestra.plugin.zenduty
    values:
      urls: [http://runbook/a]
)");
  ASSERT_TRUE(result.ok()) << issues_of(result);
  EXPECT_EQ(properties_of(result, 0)["headers"], Value({{"X-Team", "data"}, {"X-Source", "flow"}, {"X-Env", "prod"}}));
  EXPECT_EQ(properties_of(result, 1)["urls"], Value({"http://runbook/b"}));
}

TEST(FlowPluginDefaults, ADefaultOnATypesOlderNameAppliesToItsCurrentNameAndBack) {
  auto result = load(R"(id: f
namespace: company.team
tasks:
  - id: new_name
    type: io.kestra.plugin.slack.SlackIncomingWebhook
    payload: '{"text": "a"}'
  - id: old_name
    type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook
    payload: '{"text": "b"}'
  - id: other
    type: io.kestra.plugin.core.log.Log
    message: hello
pluginDefaults:
  - type: io.kestra.plugin.notifications.slack
    values:
      url: http://127.0.0.1:1/old
  - type: io.kestra.plugin.slack.SlackIncomingWebhook
    forced: true
    values:
      url: http://127.0.0.1:1/new
)");
  ASSERT_TRUE(result.ok()) << issues_of(result);
  EXPECT_EQ(properties_of(result, 0)["url"], "http://127.0.0.1:1/new");
  EXPECT_EQ(properties_of(result, 1)["url"], "http://127.0.0.1:1/new");
  EXPECT_FALSE(properties_of(result, 2).contains("url"));
}

TEST(FlowPluginDefaults, TasksInsideFlowableTasksErrorsTriggersAndConditionsGetThemToo) {
  auto result = load(R"(id: f
namespace: company.team
tasks:
  - id: group
    type: io.kestra.plugin.core.flow.Sequential
    tasks:
      - id: inner
        type: io.kestra.plugin.core.log.Log
        message: hello
errors:
  - id: on_error
    type: io.kestra.plugin.core.log.Log
    message: failed
triggers:
  - id: watch
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
pluginDefaults:
  - type: io.kestra.plugin.core.log.Log
    values:
      level: ERROR
  - type: io.kestra.plugin.core.condition.ExecutionStatus
    values:
      in: [FAILED, WARNING]
)");
  ASSERT_TRUE(result.ok()) << issues_of(result);
  EXPECT_EQ(result.flow->tasks[0].branches[0].tasks[0].properties["level"], "ERROR");
  EXPECT_EQ(result.flow->errors[0].properties["level"], "ERROR");
  EXPECT_EQ(result.flow->triggers[0].conditions[0].properties["in"], Value({"FAILED", "WARNING"}));
}

TEST(FlowPluginDefaults, TheFlowsDefaultsWinOverTheServersAndTheServersForcedOnesOverTheTask) {
  Value server = {{{"type", "io.kestra.plugin.core.log.Log"}, {"values", {{"level", "TRACE"}}}},
                  {{"type", "io.kestra.plugin.core.debug.Return"},
                   {"forced", true},
                   {"values", {{"format", "forced by the server"}}}}};
  auto result = load(R"(id: f
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hello
  - id: plain
    type: io.kestra.plugin.core.log.Log
    message: hello
  - id: value
    type: io.kestra.plugin.core.debug.Return
    format: mine
pluginDefaults:
  - type: io.kestra.plugin.core.log.Log
    values:
      level: INFO
)",
                     server);
  ASSERT_TRUE(result.ok()) << issues_of(result);
  EXPECT_EQ(properties_of(result, 0)["level"], "INFO");
  EXPECT_EQ(properties_of(result, 2)["format"], "forced by the server");
  auto without_flow_defaults = load(
      "id: f\nnamespace: n\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
      "    message: hello\n",
      server);
  ASSERT_TRUE(without_flow_defaults.ok()) << issues_of(without_flow_defaults);
  EXPECT_EQ(properties_of(without_flow_defaults, 0)["level"], "TRACE");
}

TEST(FlowPluginDefaults, ABadDefaultValueIsReportedWhereTheDefaultIsWritten) {
  auto result = load(R"(id: f
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hello
pluginDefaults:
  - type: io.kestra.plugin.core.log.Log
    values:
      level: LOUD
      colour: red
)");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(issues_of(result),
            "flow.yaml:10:14: error: tasks[0].level: 'level' must be one of TRACE, DEBUG, INFO, WARN, ERROR, not "
            "'LOUD'\n"
            "flow.yaml:11:7: error: tasks[0].colour: unknown property 'colour' of task type "
            "io.kestra.plugin.core.log.Log\n");
}

TEST(FlowPluginDefaults, AMalformedPluginDefaultsListSaysWhatIsWrongAndWhere) {
  auto result = load(R"(id: f
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hello
pluginDefaults:
  - type: io.kestra.plugin.core.log.Log
    force: true
    values:
      level: ERROR
  - values: [level]
  - just a string
)");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(
      issues_of(result),
      "flow.yaml:9:5: error: pluginDefaults[0].force: unknown property 'force' of a plugin default (type, values, "
      "forced)\n"
      "flow.yaml:12:5: error: pluginDefaults[1].type: missing required property 'type'\n"
      "flow.yaml:12:13: error: pluginDefaults[1].values: 'values' must be a mapping of property values, not a "
      "list\n"
      "flow.yaml:13:5: error: pluginDefaults[2]: a plugin default must be a mapping with a type and values, not a "
      "string\n");
  EXPECT_EQ(issues_of(load("id: f\nnamespace: n\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
                           "    message: hello\npluginDefaults:\n  type: io.kestra.plugin.core.log.Log\n")),
            "flow.yaml:8:3: error: pluginDefaults: 'pluginDefaults' must be a list of {type, values, forced}, not a "
            "mapping\n");
}

TEST(FlowPluginDefaults, DeeplyNestedDefaultValuesMergeOrAreRefusedWithTheirDepth) {
  auto nested = [](int depth) {
    std::string value;
    for (int i = 0; i < depth; ++i) value += "{a: ";
    value += "1";
    for (int i = 0; i < depth; ++i) value += "}";
    return "id: f\nnamespace: n\ntasks:\n  - id: call\n    type: io.kestra.plugin.core.http.Request\n"
           "    uri: http://127.0.0.1:1/\n    headers: {b: 2}\npluginDefaults:\n"
           "  - type: io.kestra.plugin.core.http.Request\n    values:\n      headers: " +
           value + "\n";
  };
  auto merged = load(nested(400));
  ASSERT_TRUE(merged.ok()) << issues_of(merged);
  EXPECT_EQ(properties_of(merged, 0)["headers"]["b"], 2);
  EXPECT_TRUE(properties_of(merged, 0)["headers"]["a"].is_object());
  EXPECT_EQ(issues_of(load(nested(100'000))),
            "flow.yaml:11:1995: error: YAML syntax error: lists and mappings nested more than 499 levels deep\n");
}

}  // namespace
}  // namespace runwatch
