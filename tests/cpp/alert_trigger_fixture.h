#pragma once
// An engine on a manual clock and a SQLite file that restarts, a job that fails or
// succeeds on demand, and an alert flow whose executions are the notifications.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine_fixture.h"
#include "runwatch/engine.h"
#include "runwatch/store/repository.h"
#include "store_test_support.h"

namespace runwatch::testing {

using namespace std::chrono_literals;

inline std::string job(const std::string& id) {
  return R"(
id: )" + id +
         R"(
namespace: company.team
inputs:
  - id: fail
    type: BOOLEAN
    defaults: false
  - id: warn
    type: BOOLEAN
    defaults: false
tasks:
  - id: shaky
    type: io.kestra.plugin.core.execution.Fail
    runIf: "{{ inputs.warn }}"
    allowFailure: true
  - id: check
    type: io.kestra.plugin.core.execution.Fail
    runIf: "{{ inputs.fail }}"
    errorMessage: it failed
)";
}

inline std::string alert_flow(const std::string& properties) {
  return R"(
id: alerts
namespace: company.monitoring
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.status }} {{ trigger.reason }} {{ trigger.alerts | length }}"
triggers:
  - id: failures
    type: io.runwatch.plugin.trigger.Alert
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: company.team
)" + properties;
}

class AlertTriggerTest : public ::testing::Test {
 protected:
  TempFolder folder;
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(test_epoch());
  std::unique_ptr<Engine> engine;

  void open() {
    EngineOptions o;
    o.clock = clock;
    o.worker_threads = 4;
    o.repository = store::open_repository("sqlite", folder / "runwatch.db");
    engine = std::make_unique<Engine>(std::move(o));
  }
  void restart() {
    engine->stop();
    engine.reset();
    open();
    settle();
  }
  void settle() { ASSERT_TRUE(engine->wait_idle(20s)); }
  void advance(Duration d) {
    clock->advance(d);
    settle();
  }
  std::string run(const std::string& flow, bool fail) {
    auto created = engine->submit("company.team", flow, {{"fail", fail}});
    settle();
    return created->id;
  }
  // The alert flow's executions, oldest first: what each notification saw as `trigger`.
  std::vector<Value> notifications() {
    std::vector<Value> out;
    for (const auto& e : engine->executions({.ns = "company.monitoring"})) out.push_back(e->trigger);
    return out;
  }
};

}  // namespace runwatch::testing
