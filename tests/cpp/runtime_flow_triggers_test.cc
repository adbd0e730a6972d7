// The Flow triggers' index as flows come, change and go one at a time: only the changed
// flow's triggers move, freed places are reused, and the monitoring flows still fire in
// the order of their keys.
#include <gtest/gtest.h>

#include "condition_test_support.h"
#include "runwatch/runtime/flow_triggers.h"

namespace runwatch::testing {
namespace {

const std::string kFailed = "- type: io.kestra.plugin.core.condition.ExecutionStatus\n  in: [FAILED]\n";

std::shared_ptr<const Flow> monitor(const std::string& id, const std::string& conditions = kFailed) {
  return load_or_fail(monitoring_flow(id, "company.monitoring", conditions));
}

std::vector<std::string> fired(FlowTriggers& triggers, State state) {
  std::vector<std::string> ids;
  for (const auto& match : triggers.fire(execution_of("company.team", "etl", state), nullptr))
    ids.push_back(match.flow->id);
  return ids;
}

TEST(FlowTriggersChanges, FlowsComeChangeAndGoOneAtATime) {
  FlowTriggers triggers;
  auto c = monitor("c"), a = monitor("a"), b = monitor("b");
  triggers.change_flows({{nullptr, c}});
  triggers.change_flows({{nullptr, a}});
  triggers.change_flows({{nullptr, b}});
  EXPECT_EQ(triggers.size(), 3u);
  EXPECT_EQ(fired(triggers, State::FAILED), (std::vector<std::string>{"a", "b", "c"}));

  triggers.change_flows({{a, nullptr}});  // removed
  EXPECT_EQ(triggers.size(), 2u);
  EXPECT_EQ(fired(triggers, State::FAILED), (std::vector<std::string>{"b", "c"}));

  auto b_on_success = monitor("b", "- type: io.kestra.plugin.core.condition.ExecutionStatus\n  in: [SUCCESS]\n");
  triggers.change_flows({{b, b_on_success}});  // replaced: its old trigger leaves the index
  EXPECT_EQ(fired(triggers, State::FAILED), (std::vector<std::string>{"c"}));
  EXPECT_EQ(fired(triggers, State::SUCCESS), (std::vector<std::string>{"b"}));

  triggers.change_flows({{nullptr, a}});  // back, in the place b's old trigger left
  EXPECT_EQ(triggers.size(), 3u);
  EXPECT_EQ(fired(triggers, State::FAILED), (std::vector<std::string>{"a", "c"}));
}

TEST(FlowTriggersChanges, ADisabledFlowHasNoTriggerInTheIndex) {
  FlowTriggers triggers;
  auto a = monitor("a");
  triggers.change_flows({{nullptr, a}});
  auto disabled = std::make_shared<Flow>(*a);
  disabled->disabled = true;
  triggers.change_flows({{a, disabled}});
  EXPECT_EQ(triggers.size(), 0u);
  EXPECT_TRUE(fired(triggers, State::FAILED).empty());
}

}  // namespace
}  // namespace runwatch::testing
