// An alert storm: N failing executions of F flows (the flows start failing one after the
// other over the storm, 12 s of the manual clock per 1,000 executions) against one
// monitoring flow watching their namespace, (a) through a plain Flow trigger (a
// monitoring execution per failure, as Kestra), (b) through an Alert trigger
// (Alertmanager's grouping: one notification per group interval) and (c) through a Stuck
// trigger (`after` PT1H: each execution arms an alert as it starts and drops it as it
// ends; nothing fires). Per variant: the
// monitoring executions started, the whole process's CPU per failing execution, and
// `x_flow_trigger`, the alert variant's CPU per execution over the Flow trigger's
// measured in the same process. `alert_state_rows` counts the alerting trigger's
// keyed-state rows left, `history_entries` the alert history's entries (its decisions; the
// monitoring flow's Log task is no notifier, so no deliveries).
//
// Figures only: nothing is asserted. See bench/README.md ("Alert storms").
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "process_cpu.h"
#include "runwatch/engine.h"
#include "runwatch/store/repository.h"

namespace {

using namespace runwatch;

constexpr int kBatch = 1000;

std::string failing_flow(int index) {
  return "id: f" + std::to_string(index) + R"(
namespace: storm
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
)";
}

enum Kind { kFlow, kAlert, kStuck };

std::string monitor(Kind kind) {
  const char* types[] = {"io.kestra.plugin.core.trigger.Flow", "io.runwatch.plugin.trigger.Alert",
                         "io.runwatch.plugin.trigger.Stuck"};
  std::string status = kind == kStuck ? "    after: PT1H\n"
                                      : "      - type: io.kestra.plugin.core.condition.ExecutionStatus\n"
                                        "        in: [FAILED]\n";
  return R"(id: monitor
namespace: ops
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger }}"
triggers:
  - id: storm
    type: )" +
         std::string(types[kind]) + R"(
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: storm
)" + status;
}

struct StormResult {
  double cpu_seconds = 0;
  double wall_seconds = 0;
  size_t notifications = 0;
  size_t alert_rows = 0;
  size_t history_entries = 0;
};

StormResult storm(Kind kind, int executions, int flows, bool sqlite) {
  auto folder = std::filesystem::temp_directory_path() / ("runwatch-bench-alerts-" + std::to_string(getpid()));
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  StormResult result;
  {
    auto clock = std::make_shared<ManualClock>(TimePoint(std::chrono::seconds(1'700'000'000)));
    EngineOptions options;
    options.clock = clock;
    options.storage_path = folder / "storage";
    if (sqlite) options.repository = store::open_repository("sqlite", folder / "runwatch.db");
    Engine engine(std::move(options));
    for (int f = 0; f < flows; ++f) engine.add_flow(failing_flow(f));
    engine.add_flow(monitor(kind));
    const double cpu = process_cpu_seconds();
    const auto wall = std::chrono::steady_clock::now();
    for (int i = 0; i < executions; ++i) {
      int active = 1 + static_cast<int>(static_cast<int64_t>(i) * flows / executions);  // flows failing so far
      engine.submit("storm", "f" + std::to_string(i % active));
      if (i % kBatch == kBatch - 1) {
        engine.wait_idle();
        clock->advance(std::chrono::seconds(12));
      }
    }
    clock->advance(std::chrono::minutes(6));  // the storm's last group interval
    engine.wait_idle();
    engine.wait_recorded();
    result.cpu_seconds = process_cpu_seconds() - cpu;
    result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
    result.notifications = engine.executions({.ns = "ops"}).size();
    result.alert_rows = engine.repository().states(store::kAlertState).size();
    result.history_entries = engine.alert_history({}).total;
  }
  std::filesystem::remove_all(folder);
  return result;
}

// The Flow trigger's CPU per execution, by (executions, flows, sqlite), for the ratio.
std::map<std::tuple<int, int, bool>, double> flow_trigger_cpu;

void BM_AlertStorm(benchmark::State& state) {
  const Kind kind = static_cast<Kind>(state.range(0));
  const int executions = static_cast<int>(state.range(1));
  const int flows = static_cast<int>(state.range(2));
  const bool sqlite = state.range(3) == 1;
  StormResult r;
  for (auto _ : state) {
    r = storm(kind, executions, flows, sqlite);
    state.SetIterationTime(r.wall_seconds);
  }
  const double cpu_per_execution = r.cpu_seconds / executions * 1e6;
  state.counters["cpu_us_per_execution"] = cpu_per_execution;
  state.counters["executions_per_s"] = executions / r.wall_seconds;
  state.counters["notifications"] = static_cast<double>(r.notifications);
  state.counters["alert_state_rows"] = static_cast<double>(r.alert_rows);
  state.counters["history_entries"] = static_cast<double>(r.history_entries);
  auto key = std::make_tuple(executions, flows, sqlite);
  if (kind == kFlow)
    flow_trigger_cpu[key] = cpu_per_execution;
  else if (auto peer = flow_trigger_cpu.find(key); peer != flow_trigger_cpu.end())
    state.counters["x_flow_trigger"] = cpu_per_execution / peer->second;
}
// {kind (0 Flow, 1 Alert, 2 Stuck), executions, flows, sqlite}: each Flow trigger run
// before its twins.
BENCHMARK(BM_AlertStorm)
    ->ArgNames({"kind", "executions", "flows", "sqlite"})
    ->Args({0, 10'000, 100, 0})
    ->Args({1, 10'000, 100, 0})
    ->Args({2, 10'000, 100, 0})
    ->Args({0, 100'000, 1'000, 0})
    ->Args({1, 100'000, 1'000, 0})
    ->Args({2, 100'000, 1'000, 0})
    ->Args({0, 10'000, 100, 1})
    ->Args({1, 10'000, 100, 1})
    ->Args({2, 10'000, 100, 1})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
