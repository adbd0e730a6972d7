// Templates in flows: rendered properties, errorLogs(), secrets and their masking, and
// template syntax errors reported when the flow loads, at their place in the file.
#include <cstdlib>

#include "engine_fixture.h"
#include "runwatch/expr/template_cache.h"

namespace runwatch::testing {
namespace {

TEST_F(EngineTest, PropertiesRenderWithFlowExecutionInputsAndOutputs) {
  add(R"(
id: templated
namespace: company.team
labels:
  team: data
inputs:
  - {id: name, type: STRING, defaults: world}
variables:
  greeting: Hello
tasks:
  - id: first
    type: io.kestra.plugin.core.debug.Return
    format: "{{ vars.greeting }} {{ inputs.name | upper }}"
  - id: second
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.first.value }} from {{ flow.namespace }}.{{ flow.id }} ({{ labels.team }}) task {{ task.id }} attempt {{ taskrun.attemptsCount }}"
)");
  auto e = start("templated");
  EXPECT_EQ(e->state.current(), State::SUCCESS);
  EXPECT_EQ(run_of(*e, "first").outputs, Value::parse(R"({"value": "Hello WORLD"})"));
  EXPECT_EQ(messages(*e, LogLevel::INFO),
            (std::vector<std::string>{"second: Hello WORLD from company.team.templated (data) task second attempt 0"}));
}

TEST_F(EngineTest, IfAndSwitchAndRunIfRenderTheirExpressions) {
  add(R"(
id: decisions
namespace: company.team
inputs:
  - {id: size, type: INT}
tasks:
  - id: big
    type: io.kestra.plugin.core.flow.If
    condition: "{{ inputs.size > 10 }}"
    then:
      - {id: large, type: io.kestra.plugin.core.log.Log, message: large}
    else:
      - {id: small, type: io.kestra.plugin.core.log.Log, message: small}
  - id: pick
    type: io.kestra.plugin.core.flow.Switch
    value: "{{ inputs.size % 2 == 0 ? 'even' : 'odd' }}"
    cases:
      even:
        - {id: even, type: io.kestra.plugin.core.log.Log, message: even}
      odd:
        - {id: odd, type: io.kestra.plugin.core.log.Log, message: odd}
  - id: maybe
    type: io.kestra.plugin.core.log.Log
    runIf: "{{ inputs.size == 3 }}"
    message: three
)");
  auto e = start("decisions", {{"size", 12}});
  EXPECT_EQ(task_order(*e), (std::vector<std::string>{"big", "large", "pick", "even", "maybe"}));
  EXPECT_EQ(run_of(*e, "maybe").state.current(), State::SKIPPED);
  auto f = start("decisions", {{"size", 3}});
  EXPECT_EQ(task_order(*f), (std::vector<std::string>{"big", "small", "pick", "odd", "maybe"}));
  EXPECT_EQ(run_of(*f, "maybe").state.current(), State::SUCCESS);
}

TEST_F(EngineTest, AnUndefinedVariableFailsTheTaskAndNamesIt) {
  add(R"(
id: undefined
namespace: company.team
tasks:
  - id: oops
    type: io.kestra.plugin.core.log.Log
    message: "{{ inputs.missing }}"
)");
  auto e = start("undefined");
  EXPECT_EQ(e->state.current(), State::FAILED);
  auto errors = messages(*e, LogLevel::ERROR);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("Unable to find `missing`"), std::string::npos) << errors[0];
}

TEST_F(EngineTest, AFailingIfConditionFailsItsTaskRunWithoutStoppingTheEngine) {
  add(R"(
id: bad_condition
namespace: company.team
tasks:
  - id: check
    type: io.kestra.plugin.core.flow.If
    condition: "{{ nope.value }}"
    then:
      - {id: t, type: io.kestra.plugin.core.log.Log, message: x}
)");
  auto e = start("bad_condition");
  EXPECT_EQ(e->state.current(), State::FAILED);
  EXPECT_EQ(run_of(*e, "check").state.current(), State::FAILED);
  EXPECT_FALSE(ran(*e, "t"));
}

TEST_F(EngineTest, ErrorLogsListsTheErrorLinesOfTheExecution) {
  add(R"(
id: error_logs
namespace: company.team
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: disk full on /data
errors:
  - id: report
    type: io.kestra.plugin.core.debug.Return
    format: "{% for log in errorLogs() %}{{ log.taskId }}: {{ log.message }}{% endfor %}"
)");
  auto e = start("error_logs");
  EXPECT_EQ(run_of(*e, "report").outputs["value"], "fail: disk full on /data");
}

TEST_F(EngineTest, SecretsComeFromTheEngineOrTheEnvironmentAndAreMasked) {
  ::setenv("SECRET_DB_PASSWORD", "czNjcjN0LXB3", 1);  // base64 of "s3cr3t-pw"
  add(R"(
id: secrets
namespace: company.team
tasks:
  - id: url
    type: io.kestra.plugin.core.debug.Return
    format: "{{ secret('SLACK_WEBHOOK') }}"
  - id: echo
    type: io.kestra.plugin.scripts.shell.Commands
    commands:
      - echo "connecting with {{ secret('DB_PASSWORD') }}"
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: "cannot reach {{ secret('SLACK_WEBHOOK') }}"
)");
  auto e = start("secrets");
  ::unsetenv("SECRET_DB_PASSWORD");
  EXPECT_EQ(run_of(*e, "url").outputs, Value::parse(R"({"value": "******"})"));
  EXPECT_EQ(messages(*e, LogLevel::INFO), (std::vector<std::string>{"echo: connecting with ******"}));
  EXPECT_EQ(messages(*e, LogLevel::ERROR), (std::vector<std::string>{"fail: cannot reach ******"}));
}

// Values computed from a secret are masked whole wherever the secret itself would be:
// logs, outputs, labels and the failure's message.
TEST_F(EngineTest, WhatIsComputedFromASecretIsMaskedToo) {
  add(R"(
id: derived
namespace: company.team
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message:
      - "upper {{ secret('SLACK_WEBHOOK') | upper }}"
      - "base64 {{ secret('SLACK_WEBHOOK') | base64encode }}"
      - "reversed {{ secret('SLACK_WEBHOOK') | reverse }}"
      - "host {{ secret('SLACK_WEBHOOK') | slice(8, 21) }}"
      - "round trip {{ fromJson(secret('SLACK_WEBHOOK') | json) | lower }}"
      - "short {{ secret('SLACK_WEBHOOK') | slice(0, 3) }}"
  - id: token
    type: io.kestra.plugin.core.debug.Return
    format: "{% set t = secret('SLACK_WEBHOOK') | replace({'https://': ''}) %}{{ t }}"
  - id: label
    type: io.kestra.plugin.core.execution.Labels
    labels:
      hook: "{{ secret('SLACK_WEBHOOK') | title }}"
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: "cannot reach {{ secret('SLACK_WEBHOOK') | urlencode }}"
)");
  auto e = start("derived");
  EXPECT_EQ(messages(*e, LogLevel::INFO),
            (std::vector<std::string>{"say: upper ******", "say: base64 ******", "say: reversed ******",
                                      "say: host ******", "say: round trip ******", "say: short htt"}));
  EXPECT_EQ(run_of(*e, "token").outputs["value"], "******");
  EXPECT_EQ(e->labels.back(), (Label{"hook", "******"}));
  EXPECT_EQ(messages(*e, LogLevel::ERROR), (std::vector<std::string>{"fail: cannot reach ******"}));
}

TEST_F(EngineTest, AMissingSecretFailsTheTaskWithKestrasMessage) {
  add(R"(
id: no_secret
namespace: company.team
tasks:
  - id: url
    type: io.kestra.plugin.core.debug.Return
    format: "{{ secret('NOT_THERE') }}"
)");
  auto e = start("no_secret");
  EXPECT_EQ(e->state.current(), State::FAILED);
  auto errors = messages(*e, LogLevel::ERROR);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("Cannot find secret for key 'NOT_THERE'."), std::string::npos) << errors[0];
}

TEST_F(EngineTest, EnvsAreTheEnvironmentVariablesWithThePrefix) {
  ::setenv("KESTRA_DEPLOY_ENV", "staging", 1);
  Engine with_env{options()};
  ::unsetenv("KESTRA_DEPLOY_ENV");
  with_env.add_flow(R"(
id: envs
namespace: company.team
tasks:
  - {id: where, type: io.kestra.plugin.core.debug.Return, format: "{{ envs.deploy_env }}"}
)");
  auto e = with_env.wait(with_env.submit("company.team", "envs")->id, std::chrono::seconds(20));
  EXPECT_EQ(run_of(*e, "where").outputs["value"], "staging");
}

std::vector<ValidationIssue> load_issues(const std::string& yaml) {
  auto result = load_flow(yaml, "flows/alert.yaml", {PluginRegistry::global(), &expr::TemplateCache::global()});
  return result.issues;
}

TEST(FlowTemplates, ASyntaxErrorInAPlainValueIsPlacedInTheFile) {
  auto issues = load_issues(
      "id: alert\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
      "    message: hello {{ inputs.name | }}\n");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].path, "tasks[0].message");
  EXPECT_EQ(issues[0].line, 6);
  EXPECT_EQ(issues[0].column, 37);  // the `}}` where a filter name should be
  EXPECT_EQ(issues[0].message.rfind("template error: ", 0), 0u) << issues[0].message;
}

TEST(FlowTemplates, ASyntaxErrorInABlockScalarIsPlacedOnItsLine) {
  auto issues = load_issues(
      "id: alert\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
      "    message: |\n      first line\n      {% if x %}never closed\n");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].path, "tasks[0].message");
  EXPECT_EQ(issues[0].line, 8);
}

TEST(FlowTemplates, ASyntaxErrorInAQuotedValueCountsTheQuote) {
  auto issues = load_issues(
      "id: alert\nnamespace: company.team\ntasks:\n  - id: r\n    type: io.kestra.plugin.core.debug.Return\n"
      "    format: \"{{ 1 + }}\"\n");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].line, 6);
  EXPECT_EQ(issues[0].column, 21);  // the `}}` after the dangling +
}

TEST(FlowTemplates, AnUnknownFilterIsALoadError) {
  auto issues = load_issues(
      "id: alert\nnamespace: company.team\ntasks:\n  - id: r\n    type: io.kestra.plugin.core.debug.Return\n"
      "    format: \"{{ 'a' | shout }}\"\n");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_NE(issues[0].message.find("shout"), std::string::npos) << issues[0].message;
}

}  // namespace
}  // namespace runwatch::testing
