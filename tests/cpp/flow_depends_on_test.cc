// Kestra 2.0's Flow trigger keys at load: Kestra's own examples load; bad `dependsOn`,
// `window`, `mode` and `minSatisfied` values, duplicate entries and a trigger mixing them
// with `conditions` or `preconditions` are load errors at their line and column.
#include <gtest/gtest.h>

#include "condition_test_support.h"
#include "runwatch/condition/trigger_index.h"
#include "runwatch/condition/windowed_conditions.h"

namespace runwatch::testing {
namespace {

using Texts = std::vector<std::string>;

// A flow whose Flow trigger has these keys (YAML from column 0), from line 10, column 5.
std::string with_trigger(const std::string& keys) {
  return "id: watch\nnamespace: company.monitoring\n"
         "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
         "triggers:\n  - id: upstream\n    type: io.kestra.plugin.core.trigger.Flow\n" +
         indented(keys, "    ");
}

Texts issues_of(const std::string& keys) {
  auto result = load_flow(with_trigger(keys), "watch.yaml", {PluginRegistry::global()});
  EXPECT_FALSE(result.ok());
  Texts out;
  for (const auto& issue : result.issues) out.push_back(issue.to_string());
  return out;
}

TEST(FlowDependsOn, KestrasExamplesLoad) {
  for (const auto* keys : {
           // Alerting on failure, with and without dependsOn.
           "states: [FAILED, WARNING]\nwhen: \"{{ flow.namespace | startsWith('company') }}\"\n",
           "dependsOn:\n  - states: [FAILED, WARNING]\n    when: \"{{ flow.namespace | startsWith('company') }}\"\n",
           // silver_layer once bronze_layer succeeded by 9 AM.
           "window:\n  deadline: \"09:00:00\"\n"
           "dependsOn:\n  - namespace: company.team\n    flowId: bronze_layer\n    states: [SUCCESS]\n",
           "mode: ANY\ndependsOn:\n"
           "  - flowId: ingest_salesforce\n    namespace: company.sources\n    states: [SUCCESS]\n"
           "  - flowId: ingest_hubspot\n    namespace: company.sources\n    states: [SUCCESS]\n",
           "mode: AT_LEAST\nminSatisfied: 2\ndependsOn:\n"
           "  - flowId: ingest_salesforce\n    namespace: company.sources\n    states: [SUCCESS]\n"
           "  - flowId: ingest_hubspot\n    namespace: company.sources\n    states: [SUCCESS]\n"
           "  - flowId: ingest_zendesk\n    namespace: company.sources\n    states: [SUCCESS]\n"
           "window:\n  deadline: \"09:00:00\"\n",
           "dependsOn:\n  - namespace: company.team\n    flowId: flow_a\n    states: [SUCCESS]\n"
           "    labels:\n      type: orchestration\n",
           "when: \"{{ labels.env == 'production' }}\"\ndependsOn:\n  - flowId: extract\n    namespace: company.team\n",
           "dependsOn:\n  - flowId: extract\n    namespace: company.team\n"
           "    when: \"{{ execution.outputs.row_count > 0 }}\"\n",
           "window:\n  from: \"06:00:00\"\n  to: \"12:00:00\"\ndependsOn:\n  - flowId: extract\n",
           "window:\n  every: PT1H\n  offset: PT30M\ndependsOn:\n  - flowId: extract\n",
           "window:\n  lookback: PT1H\ndependsOn:\n  - flowId: extract\n",
           "window:\n  deadline: \"09:00:00\"\n  timezone: Europe/Paris\ndependsOn:\n  - flowId: extract\n",
       })
    load_or_fail(with_trigger(keys));
}

TEST(FlowDependsOn, AtLeastNeedsMinSatisfied) {
  EXPECT_EQ(issues_of("mode: AT_LEAST\ndependsOn:\n  - flowId: a\n"),
            Texts{"watch.yaml:10:11: error: triggers[0].mode: `minSatisfied` must be set when mode is AT_LEAST"});
}

TEST(FlowDependsOn, MinSatisfiedIsPositiveAndAtMostTheEntriesInAnyMode) {
  EXPECT_EQ(issues_of("minSatisfied: 3\ndependsOn:\n  - flowId: a\n  - flowId: b\n"),
            Texts{"watch.yaml:10:19: error: triggers[0].minSatisfied: `minSatisfied` must be lower than or equal to "
                  "the number of `dependsOn`"});
  EXPECT_EQ(issues_of("mode: AT_LEAST\nminSatisfied: 0\ndependsOn:\n  - flowId: a\n"),
            Texts{"watch.yaml:11:19: error: triggers[0].minSatisfied: `minSatisfied` must be greater than 0"});
  EXPECT_EQ(issues_of("mode: ANY\nminSatisfied: 1\n"),
            Texts{"watch.yaml:11:19: error: triggers[0].minSatisfied: `minSatisfied` must be lower than or equal to "
                  "the number of `dependsOn`"});
}

TEST(FlowDependsOn, EachEntryIsChecked) {
  EXPECT_EQ(issues_of("dependsOn:\n"
                      "  - namespace: company.team\n"
                      "    flowid: a\n"
                      "    states: [FAILED, BROKEN]\n"
                      "    labels: team\n"
                      "    when: [1]\n"
                      "  - just a flow\n"),
            (Texts{"watch.yaml:12:17: error: triggers[0].dependsOn[0].flowid: unknown property 'flowid'",
                   "watch.yaml:13:17: error: triggers[0].dependsOn[0].states: unknown state \"BROKEN\"",
                   "watch.yaml:14:17: error: triggers[0].dependsOn[0].labels: 'labels' must be a mapping of labels, "
                   "not \"team\"",
                   "watch.yaml:15:15: error: triggers[0].dependsOn[0].when: 'when' must be a string, not [1]",
                   "watch.yaml:16:9: error: triggers[0].dependsOn[1]: expected a mapping, not \"just a flow\""}));
}

TEST(FlowDependsOn, TheWindowIsChecked) {
  EXPECT_EQ(issues_of("window:\n  deadline: \"09:00\"\n  every: PT1H\n  to: \"10:00\"\n  type: DAILY\n"
                      "dependsOn:\n  - flowId: a\n"),
            (Texts{"watch.yaml:12:14: error: triggers[0].window.every: Window of type `DAILY_TIME_DEADLINE` cannot "
                   "have an every duration.",
                   "watch.yaml:13:11: error: triggers[0].window.to: Window of type `DAILY_TIME_DEADLINE` cannot have a "
                   "to time.",
                   "watch.yaml:14:13: error: triggers[0].window.type: unknown property 'type'"}));
  EXPECT_EQ(issues_of("window:\n  from: \"06:00\"\n  lookback: PT1H\ndependsOn:\n  - flowId: a\n"),
            (Texts{"watch.yaml:11:7: error: triggers[0].window.to: Window of type `DAILY_TIME_WINDOW` must have a to "
                   "time.",
                   "watch.yaml:12:17: error: triggers[0].window.lookback: Window of type `DAILY_TIME_WINDOW` cannot "
                   "have a lookback duration."}));
}

// Two entries alike but for their order of states and keys: Kestra would key both the
// same in the window and fail at run time.
TEST(FlowDependsOn, DuplicateEntriesAreALoadError) {
  EXPECT_EQ(issues_of("dependsOn:\n"
                      "  - namespace: company.team\n    flowId: a\n    states: [FAILED, SUCCESS]\n"
                      "  - flowId: b\n"
                      "  - flowId: a\n    namespace: company.team\n    states: [SUCCESS, FAILED]\n"),
            Texts{"watch.yaml:15:9: error: triggers[0].dependsOn[2]: the same dependency as dependsOn[0]: each entry "
                  "of `dependsOn` must differ"});
  EXPECT_EQ(issues_of("dependsOn:\n  - labels:\n      tier: 1\n  - labels:\n      tier: \"1\"\n"),
            Texts{"watch.yaml:13:9: error: triggers[0].dependsOn[1]: the same dependency as dependsOn[0]: each entry "
                  "of `dependsOn` must differ"});
}

TEST(FlowDependsOn, MixingWithConditionsOrPreconditionsIsRefused) {
  EXPECT_EQ(issues_of("conditions:\n"
                      "  - type: io.kestra.plugin.core.condition.ExecutionStatus\n    in: [FAILED]\n"
                      "dependsOn:\n  - flowId: a\n"),
            Texts{"watch.yaml:13:5: error: triggers[0].dependsOn: `dependsOn` (line 13, column 5) is a Kestra 2.0 key "
                  "and `conditions` (line 10, column 5) a 1.x one: a trigger takes one or the other (2.0 replaces "
                  "`conditions` with `when` and `preconditions` with `dependsOn`, `window` and `mode`)"});
  EXPECT_EQ(issues_of("when: \"{{ true }}\"\npreconditions:\n  id: p\n  flows:\n    - namespace: company.team\n"),
            Texts{"watch.yaml:10:5: error: triggers[0].when: `when` (line 10, column 5) is a Kestra 2.0 key and "
                  "`preconditions` (line 11, column 5) a 1.x one: a trigger takes one or the other (2.0 replaces "
                  "`conditions` with `when` and `preconditions` with `dependsOn`, `window` and `mode`)"});
}

TEST(FlowDependsOn, EntriesAreNamedByTheirContentWhateverTheirOrder) {
  auto names = [](const std::string& keys) {
    auto flow = load_or_fail(with_trigger(keys));
    auto depends_on = preconditions_of(flow->triggers.at(0));
    Texts out;
    for (const auto& named : depends_on->conditions()) out.push_back(named.name);
    return out;
  };
  auto forward = names("dependsOn:\n  - flowId: a\n    states: [FAILED, SUCCESS]\n  - flowId: b\n");
  auto backward = names("dependsOn:\n  - flowId: b\n  - states: [SUCCESS, FAILED]\n    flowId: a\n");
  ASSERT_EQ(forward.size(), 2u);
  EXPECT_EQ(forward, (Texts{backward[1], backward[0]}));
  EXPECT_NE(forward[0], forward[1]);
  EXPECT_EQ(forward[0].size(), 16u);
  EXPECT_EQ(preconditions_of(load_or_fail(with_trigger("dependsOn:\n  - flowId: a\n"))->triggers.at(0))->id(),
            "depends_on_upstream");
}

// An entry's `when` is unknown to the index, which still files it by its namespace and
// flow; an entry with a flow id alone is found in any namespace.
TEST(FlowDependsOn, TheIndexFindsEntriesByNamespaceAndFlow) {
  auto flow =
      load_or_fail(with_trigger("mode: ANY\ndependsOn:\n"
                                "  - namespace: company.team\n    flowId: a\n    when: \"{{ labels.x }}\"\n"
                                "  - flowId: b\n    states: [FAILED]\n"));
  auto constraint = preconditions_of(flow->triggers.at(0))->constraint();
  EXPECT_FALSE(constraint.is_exact());
  TriggerIndex index;
  index.add(7, constraint);
  using Ids = std::vector<std::uint32_t>;
  EXPECT_EQ(index.candidates("company.team", "a", State::SUCCESS), Ids{7});
  EXPECT_EQ(index.candidates("company.team", "c", State::SUCCESS), Ids{});
  EXPECT_EQ(index.candidates("other.ns", "b", State::FAILED), Ids{7});
  EXPECT_EQ(index.candidates("other.ns", "b", State::SUCCESS), Ids{});
}

}  // namespace
}  // namespace runwatch::testing
