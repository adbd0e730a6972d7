// A trigger's `labels`, as Kestra's AbstractTrigger: added to every execution it starts,
// after the flow's own.
#include "engine_fixture.h"

namespace runwatch {
namespace {

using testing::EngineTest;
using TriggerLabels = EngineTest;

TEST_F(TriggerLabels, AFlowTriggersLabelsGoOnTheExecutionsItStarts) {
  add("id: etl\nnamespace: company.team\ntasks:\n  - id: fail\n    type: io.kestra.plugin.core.execution.Fail\n");
  add(R"(id: alert
namespace: company.team
labels:
  kind: monitor
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.executionId }} failed"
triggers:
  - id: on_failure
    type: io.kestra.plugin.core.trigger.Flow
    labels:
      - key: severity
        value: page
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in: [FAILED]
)");
  start("etl");
  std::vector<std::vector<Label>> alert_labels;
  for (const auto& e : engine.executions())
    if (e->flow_id == "alert") alert_labels.push_back(e->labels);
  EXPECT_EQ(alert_labels, (std::vector<std::vector<Label>>{{{"kind", "monitor"}, {"severity", "page"}}}));
}

TEST_F(TriggerLabels, BadTriggerLabelsAreRefusedWithTheirPath) {
  try {
    add("id: f\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: hi\ntriggers:\n  - id: nightly\n    type: io.kestra.plugin.core.trigger.Schedule\n"
        "    cron: \"0 2 * * *\"\n    labels: just text\n");
    FAIL() << "loaded";
  } catch (const FlowValidationError& e) {
    EXPECT_EQ(std::string(e.what()),
              "invalid flow\n  test.yaml:11:13: error: triggers[0].labels: 'labels' must be a mapping or a list of "
              "{key, value}, not a string");
  }
}

}  // namespace
}  // namespace runwatch
