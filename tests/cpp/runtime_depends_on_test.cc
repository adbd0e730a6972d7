// Kestra 2.0's Flow trigger end to end on the engine's manual clock: the trigger-level
// `when`, `dependsOn` entries (states, labels, when), each `mode`, each `window` type,
// the window starting afresh after each firing, and entries keeping what the window
// counted when they are reordered. Kestra's own examples behave as Kestra documents.
#include "condition_test_support.h"
#include "engine_fixture.h"
#include "runwatch/condition/compiled_condition.h"
#include "runwatch/runtime/flow_triggers.h"

namespace runwatch::testing {
namespace {

using Texts = std::vector<std::string>;

TimePoint at(const std::string& iso) { return *parse_instant(iso); }

// A flow of `ns` that fails, or succeeds, with these flow labels (YAML lines).
std::string upstream(const std::string& ns, const std::string& id, bool fails, const std::string& labels = "") {
  return "id: " + id + "\nnamespace: " + ns + "\n" + (labels.empty() ? "" : "labels:\n" + indented(labels, "  ")) +
         "tasks:\n" +
         (fails ? "  - id: fail\n    type: io.kestra.plugin.core.execution.Fail\n"
                : "  - id: ok\n    type: io.kestra.plugin.core.log.Log\n    message: done\n");
}

// The monitoring flow: its Flow trigger has these keys (YAML from column 0).
std::string watch(const std::string& keys) {
  return "id: watch\nnamespace: company.monitoring\n"
         "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: \"{{ trigger.flowId }}\"\n"
         "triggers:\n  - id: on_upstream\n    type: io.kestra.plugin.core.trigger.Flow\n" +
         indented(keys, "    ");
}

const std::string kAandBFailed =
    "dependsOn:\n"
    "  - namespace: company.team\n    flowId: a\n    states: [FAILED]\n"
    "  - namespace: company.team\n    flowId: b\n    states: [FAILED]\n";

class RuntimeDependsOn : public EngineTest {
 protected:
  void SetUp() override {
    clock->set(at("2024-02-29T00:00:00Z"));  // the manual clock never goes back
    add(upstream("company.team", "a", true));
    add(upstream("company.team", "b", true));
    add(upstream("company.team", "ok", false));
  }

  void run_at(const std::string& iso, const std::string& flow_id, const std::string& ns = "company.team",
              const std::vector<Label>& labels = {}) {
    clock->set(at(iso));
    settle();
    engine.submit(ns, flow_id, Value::object(), labels);
    settle();
  }

  // The upstream flow of each execution of `watch`, in order.
  Texts fired() {
    Texts out;
    for (const auto& e : engine.executions({std::nullopt, "watch", std::nullopt})) out.push_back(e->trigger["flowId"]);
    return out;
  }
};

TEST_F(RuntimeDependsOn, KestrasAlertFiresOnEachFailureInCompanyNamespaces) {
  add(watch("states: [FAILED, WARNING]\nwhen: \"{{ flow.namespace | startsWith('company') }}\"\n"));
  add(upstream("ops.infra", "x", true));
  run_at("2024-02-29T10:05:00Z", "a");
  run_at("2024-02-29T10:06:00Z", "ok");  // SUCCESS: not in `states`
  run_at("2024-02-29T10:07:00Z", "x", "ops.infra");
  run_at("2024-02-29T10:08:00Z", "a");
  EXPECT_EQ(fired(), (Texts{"a", "a"}));
  auto alert = engine.executions({std::nullopt, "watch", std::nullopt}).at(0);
  EXPECT_EQ(alert->trigger["namespace"], "company.team");
  EXPECT_EQ(alert->trigger["state"], "FAILED");
}

TEST_F(RuntimeDependsOn, KestrasDependsOnAlertFiresOnEachFailure) {
  add(watch("dependsOn:\n  - states: [FAILED, WARNING]\n    when: \"{{ flow.namespace | startsWith('company') }}\"\n"));
  add(upstream("ops.infra", "x", true));
  run_at("2024-02-29T10:05:00Z", "a");
  run_at("2024-02-29T10:06:00Z", "ok");
  run_at("2024-02-29T10:07:00Z", "x", "ops.infra");
  run_at("2024-02-29T10:08:00Z", "b");
  EXPECT_EQ(fired(), (Texts{"a", "b"}));
}

TEST_F(RuntimeDependsOn, KestrasSilverLayerRunsOnceBronzeSucceededByNine) {
  add(upstream("company.team", "bronze_layer", false));
  add(
      watch("window:\n  deadline: \"09:00:00\"\n"
            "dependsOn:\n  - namespace: company.team\n    flowId: bronze_layer\n    states: [SUCCESS]\n"));
  run_at("2024-02-29T08:30:00Z", "bronze_layer");
  EXPECT_EQ(fired(), Texts{"bronze_layer"});
  run_at("2024-02-29T09:30:00Z", "bronze_layer");  // past the deadline
  EXPECT_EQ(fired(), Texts{"bronze_layer"});
  run_at("2024-03-01T00:30:00Z", "bronze_layer");
  EXPECT_EQ(fired(), (Texts{"bronze_layer", "bronze_layer"}));
}

TEST_F(RuntimeDependsOn, AllWaitsForEveryEntryThenStartsAfresh) {
  add(watch(kAandBFailed));
  run_at("2024-02-29T10:05:00Z", "a");
  run_at("2024-02-29T10:10:00Z", "a");  // the same entry again: still one of two
  EXPECT_EQ(fired(), Texts{});
  run_at("2024-02-29T10:15:00Z", "b");
  EXPECT_EQ(fired(), Texts{"b"});
  run_at("2024-02-29T10:20:00Z", "b");  // the window started afresh: b alone
  EXPECT_EQ(fired(), Texts{"b"});
  run_at("2024-02-29T10:25:00Z", "a");
  EXPECT_EQ(fired(), (Texts{"b", "a"}));
}

TEST_F(RuntimeDependsOn, TheDefaultWindowIsTheDayFromMidnight) {
  add(watch(kAandBFailed));
  run_at("2024-02-29T23:50:00Z", "a");
  run_at("2024-03-01T00:10:00Z", "b");
  EXPECT_EQ(fired(), Texts{});
  run_at("2024-03-01T23:59:00Z", "a");
  EXPECT_EQ(fired(), Texts{"a"});
}

class RuntimeDependsOnSources : public RuntimeDependsOn {
 protected:
  void SetUp() override {
    RuntimeDependsOn::SetUp();
    for (const auto* id : {"ingest_salesforce", "ingest_hubspot", "ingest_zendesk"})
      add(upstream("company.sources", id, false));
  }
  static std::string sources(const std::string& mode) {
    std::string out = mode + "dependsOn:\n";
    for (const auto* id : {"ingest_salesforce", "ingest_hubspot", "ingest_zendesk"})
      out += "  - flowId: " + std::string(id) + "\n    namespace: company.sources\n    states: [SUCCESS]\n";
    return out;
  }
  void ingest(const std::string& iso, const std::string& source) { run_at(iso, "ingest_" + source, "company.sources"); }
};

TEST_F(RuntimeDependsOnSources, KestrasAnyFiresOnEachMatchingExecution) {
  add(watch(sources("mode: ANY\n")));
  ingest("2024-02-29T10:05:00Z", "salesforce");
  ingest("2024-02-29T10:06:00Z", "hubspot");
  ingest("2024-02-29T10:07:00Z", "salesforce");
  run_at("2024-02-29T10:08:00Z", "ok");
  EXPECT_EQ(fired(), (Texts{"ingest_salesforce", "ingest_hubspot", "ingest_salesforce"}));
}

TEST_F(RuntimeDependsOnSources, KestrasAtLeastTwoOfThreeByNine) {
  add(watch(sources("mode: AT_LEAST\nminSatisfied: 2\nwindow:\n  deadline: \"09:00:00\"\n")));
  ingest("2024-02-29T07:00:00Z", "salesforce");
  ingest("2024-02-29T07:10:00Z", "salesforce");  // one entry, twice: one satisfied
  EXPECT_EQ(fired(), Texts{});
  ingest("2024-02-29T07:20:00Z", "hubspot");
  EXPECT_EQ(fired(), Texts{"ingest_hubspot"});
  ingest("2024-02-29T07:30:00Z", "zendesk");  // afresh: one of two
  EXPECT_EQ(fired(), Texts{"ingest_hubspot"});
  ingest("2024-02-29T09:10:00Z", "salesforce");  // past the deadline: not counted
  EXPECT_EQ(fired(), Texts{"ingest_hubspot"});
  ingest("2024-03-01T08:00:00Z", "salesforce");  // a new day: zendesk's 07:30 is gone
  EXPECT_EQ(fired(), Texts{"ingest_hubspot"});
  ingest("2024-03-01T08:10:00Z", "zendesk");
  EXPECT_EQ(fired(), (Texts{"ingest_hubspot", "ingest_zendesk"}));
}

TEST_F(RuntimeDependsOn, KestrasLabelsMustAllBePresentComparedAsText) {
  add(upstream("company.team", "flow_a", false, "type: orchestration\ntier: \"1\"\nowner: data\n"));
  add(upstream("company.team", "flow_b", false, "type: orchestration\n"));
  add(
      watch("dependsOn:\n  - namespace: company.team\n    states: [SUCCESS]\n"
            "    labels:\n      type: orchestration\n      tier: 1\n"));
  run_at("2024-02-29T10:05:00Z", "flow_b");  // no tier
  run_at("2024-02-29T10:06:00Z", "ok");
  run_at("2024-02-29T10:07:00Z", "flow_a");
  EXPECT_EQ(fired(), Texts{"flow_a"});
}

TEST_F(RuntimeDependsOn, AnEntryWhenDecidesWhetherTheEntryIsMet) {
  add(
      watch("dependsOn:\n"
            "  - namespace: company.team\n    flowId: a\n    when: \"{{ labels.env == 'production' }}\"\n"
            "  - namespace: company.team\n    flowId: b\n"));
  run_at("2024-02-29T10:05:00Z", "a", "company.team", {{"env", "dev"}});
  run_at("2024-02-29T10:06:00Z", "b", "company.team", {{"env", "dev"}});
  EXPECT_EQ(fired(), Texts{});
  run_at("2024-02-29T10:07:00Z", "a", "company.team", {{"env", "production"}});
  EXPECT_EQ(fired(), Texts{"a"});
}

TEST_F(RuntimeDependsOn, AFalseTriggerWhenKeepsTheEventOutOfTheWindow) {
  add(watch("when: \"{{ labels.env == 'production' }}\"\n" + kAandBFailed));
  run_at("2024-02-29T10:05:00Z", "a", "company.team", {{"env", "dev"}});
  run_at("2024-02-29T10:06:00Z", "b", "company.team", {{"env", "production"}});
  EXPECT_EQ(fired(), Texts{});
  run_at("2024-02-29T10:07:00Z", "a", "company.team", {{"env", "production"}});
  EXPECT_EQ(fired(), Texts{"a"});
}

TEST_F(RuntimeDependsOn, ADailyWindowCountsOnlyItsHours) {
  add(watch("window:\n  from: \"06:00\"\n  to: \"12:00\"\n" + kAandBFailed));
  run_at("2024-02-29T05:50:00Z", "a");  // before the window
  run_at("2024-02-29T06:10:00Z", "b");
  EXPECT_EQ(fired(), Texts{});
  run_at("2024-02-29T11:50:00Z", "a");
  EXPECT_EQ(fired(), Texts{"a"});
  run_at("2024-02-29T12:10:00Z", "b");  // after it
  run_at("2024-03-01T06:30:00Z", "a");
  EXPECT_EQ(fired(), Texts{"a"});
}

TEST_F(RuntimeDependsOn, EveryAndOffsetTileTheDay) {
  add(watch("window:\n  every: PT1H\n  offset: PT30M\n" + kAandBFailed));
  run_at("2024-02-29T10:20:00Z", "a");  // [09:30, 10:30)
  run_at("2024-02-29T10:40:00Z", "b");  // [10:30, 11:30)
  EXPECT_EQ(fired(), Texts{});
  run_at("2024-02-29T11:20:00Z", "a");
  EXPECT_EQ(fired(), Texts{"a"});
}

TEST_F(RuntimeDependsOn, ALookbackSlidesWithTheEvents) {
  add(watch("window:\n  lookback: PT2H\n" + kAandBFailed));
  run_at("2024-02-29T23:30:00Z", "a");  // across midnight: within the two hours
  run_at("2024-03-01T01:00:00Z", "b");
  EXPECT_EQ(fired(), Texts{"b"});
  run_at("2024-03-01T02:00:00Z", "a");
  run_at("2024-03-01T04:30:00Z", "b");  // a is two and a half hours old
  run_at("2024-03-01T05:00:00Z", "a");
  EXPECT_EQ(fired(), (Texts{"b", "a"}));
}

TEST_F(RuntimeDependsOn, ADeadlineFollowsItsTimeZone) {
  add(watch("window:\n  deadline: \"09:00:00\"\n  timezone: Europe/Paris\n" + kAandBFailed));
  run_at("2024-02-29T07:30:00Z", "a");  // 08:30 in Paris
  run_at("2024-02-29T08:10:00Z", "b");  // 09:10: past the deadline
  EXPECT_EQ(fired(), Texts{});
  run_at("2024-02-29T23:10:00Z", "b");  // 00:10 on March 1st in Paris: a new day
  run_at("2024-03-01T07:50:00Z", "a");
  EXPECT_EQ(fired(), Texts{"a"});
}

TEST_F(RuntimeDependsOn, ReorderingTheEntriesKeepsWhatTheWindowCounted) {
  add(watch(kAandBFailed));
  run_at("2024-02-29T10:05:00Z", "a");
  add(
      watch("dependsOn:\n"
            "  - flowId: b\n    states: [FAILED]\n    namespace: company.team\n"
            "  - namespace: company.team\n    flowId: a\n    states: [FAILED]\n"));
  run_at("2024-02-29T10:10:00Z", "b");
  EXPECT_EQ(fired(), Texts{"b"});
}

TEST_F(RuntimeDependsOn, AnEditedEntryStartsItsCountAfresh) {
  add(watch(kAandBFailed));
  run_at("2024-02-29T10:05:00Z", "a");
  add(
      watch("dependsOn:\n"
            "  - namespace: company.team\n    flowId: a\n    states: [FAILED, KILLED]\n"
            "  - namespace: company.team\n    flowId: b\n    states: [FAILED]\n"));
  run_at("2024-02-29T10:10:00Z", "b");
  EXPECT_EQ(fired(), Texts{});
}

// A `when` that cannot be rendered does not fire, and the warning names the trigger.
TEST(RuntimeFlowTriggerWhen, AWhenThatCannotBeRenderedIsAWarning) {
  auto flow = load_or_fail(watch("when: \"{{ labels.env == 'production' }}\"\n"));
  FlowTriggers triggers;
  triggers.change_flows({{nullptr, flow}});
  std::vector<std::string> warnings;
  EXPECT_TRUE(triggers.fire(execution_of("company.team", "a", State::FAILED), &warnings).empty());
  EXPECT_EQ(warnings,
            Texts{"trigger company.monitoring.watch.on_upstream: `when` cannot be rendered: "
                  "Unable to find `env` used in the expression `{{ labels.env == 'production' }}` at line 1"});
  warnings.clear();
  auto fired = triggers.fire(execution_of("company.team", "a", State::FAILED, {{"env", "production"}}), &warnings);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].trigger->id, "on_upstream");
  EXPECT_TRUE(warnings.empty());
}

TEST(RuntimeFlowTriggerWhen, FalsyTextsAreThoseOfKestrasTruthUtils) {
  for (const auto* text : {"false", " 0 ", "-0", "", "  "}) EXPECT_FALSE(is_truthy(text)) << text;
  for (const auto* text : {"true", "no", "1", "False", "company.team"}) EXPECT_TRUE(is_truthy(text)) << text;
  for (const auto* when : {"\"false\"", "\"{{ '0' }}\"", "\"\""}) {
    auto flow = load_or_fail(watch(std::string("when: ") + when + "\n"));
    FlowTriggers triggers;
    triggers.change_flows({{nullptr, flow}});
    EXPECT_TRUE(triggers.fire(execution_of("company.team", "a", State::FAILED), nullptr).empty()) << when;
  }
}

}  // namespace
}  // namespace runwatch::testing
