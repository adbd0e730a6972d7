#pragma once
// An engine on a manual clock, with helpers to load flows and inspect executions.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "runwatch/engine.h"

namespace runwatch::testing {

inline TimePoint test_epoch() { return TimePoint(std::chrono::seconds(1'700'000'000)); }

class EngineTest : public ::testing::Test {
 protected:
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(test_epoch());
  Engine engine{options()};

  EngineOptions options() {
    EngineOptions o;
    o.clock = clock;
    o.worker_threads = 4;
    o.secrets = {{"SLACK_WEBHOOK", "https://hooks.example/T000/B000/XXXX"}};
    return o;
  }

  void add(const std::string& yaml) { engine.add_flow(yaml, "test.yaml"); }

  // Starts an execution and waits until the engine has nothing left to do at this time.
  Engine::Snapshot start(const std::string& flow_id, const Value& inputs = Value::object()) {
    auto created = engine.submit("company.team", flow_id, inputs);
    settle();
    return engine.execution(created->id);
  }
  void settle() { ASSERT_TRUE(engine.wait_idle(std::chrono::seconds(20))); }
  void advance(Duration d) {
    clock->advance(d);
    settle();
  }
  Engine::Snapshot latest(const Engine::Snapshot& e) { return engine.execution(e->id); }

 public:  // also for tests of engines built otherwise
  static const TaskRun& run_of(const Execution& e, const std::string& task_id) {
    for (const auto& tr : e.task_runs)
      if (tr.task_id == task_id) return tr;
    throw std::runtime_error("no task run for " + task_id);
  }
  static bool ran(const Execution& e, const std::string& task_id) {
    for (const auto& tr : e.task_runs)
      if (tr.task_id == task_id) return true;
    return false;
  }
  static std::vector<State> states(const std::vector<StateTransition>& history) {
    std::vector<State> out;
    for (const auto& t : history) out.push_back(t.state);
    return out;
  }
  static std::vector<std::string> task_order(const Execution& e) {
    std::vector<std::string> out;
    for (const auto& tr : e.task_runs) out.push_back(tr.task_id);
    return out;
  }
  static std::vector<std::string> messages(const Execution& e, LogLevel level) {
    std::vector<std::string> out;
    for (const auto& l : e.logs)
      if (l.level == level) out.push_back(l.task_id + ": " + l.message);
    return out;
  }
};

}  // namespace runwatch::testing
