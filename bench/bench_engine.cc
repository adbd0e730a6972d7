// Engine throughput: executions of a 2-task flow (Log, then Return) per second, from
// submit to terminal, for 2, 4 and 8 worker threads and several batch sizes; the
// synchronous submit+wait latency; and a naive peer that calls the same two task types
// directly, one after the other, with no executor, worker pool or snapshots.
//
// Figures only: nothing is asserted. See bench/README.md for how to run and read it.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "process_cpu.h"
#include "runwatch/engine.h"
#include "runwatch/model/clock.h"
#include "runwatch/runtime/ids.h"
#include "runwatch/tasks/registry.h"
#include "runwatch/tasks/run_context.h"
#include "two_task_flow.h"

namespace {


// Kestra's published open-source benchmark saturates near 2,000 executions per minute
// on 4 vCPUs.
constexpr double kKestraExecutionsPerSecond = 2000.0 / 60.0;

using Clock = std::chrono::steady_clock;

// Default options (system clock, ...) with this many worker threads.
runwatch::EngineOptions options_with(int worker_threads) {
  runwatch::EngineOptions options;
  options.worker_threads = worker_threads;
  return options;
}

// Our executions per second over Kestra's: a plain ratio (x_kestra=600 means 600 times
// Kestra's published figure). `seconds` is the time the executions took.
void add_kestra_ratio(benchmark::State& state, double executions, double seconds) {
  if (seconds > 0) state.counters["x_kestra"] = executions / seconds / kKestraExecutionsPerSecond;
}

// Submit `batch` executions, then wait_idle: the clock runs from the first submit to
// the moment nothing is left to do. The engine is built and torn down outside the
// measured time (a fresh one per iteration, so the board does not grow across them).
void BM_Throughput_WaitIdle(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const int batch = static_cast<int>(state.range(1));
  int64_t executions = 0;
  double seconds = 0, cpu = 0;
  for (auto _ : state) {
    auto engine = std::make_unique<runwatch::Engine>(options_with(threads));
    engine->add_flow(kTwoTasks);
    double cpu_start = process_cpu_seconds();
    auto start = Clock::now();
    for (int i = 0; i < batch; ++i) benchmark::DoNotOptimize(engine->submit("bench", "two_tasks"));
    engine->wait_idle();
    auto stop = Clock::now();
    cpu += process_cpu_seconds() - cpu_start;
    double elapsed = std::chrono::duration<double>(stop - start).count();
    state.SetIterationTime(elapsed);
    seconds += elapsed;
    executions += batch;
    engine.reset();  // not timed: stop() joins the threads, then the board is freed
  }
  state.SetItemsProcessed(executions);
  add_kestra_ratio(state, static_cast<double>(executions), seconds);
  state.counters["cpu_us_per_exec"] = cpu * 1e6 / static_cast<double>(executions);
}
BENCHMARK(BM_Throughput_WaitIdle)
    ->ArgNames({"threads", "batch"})
    ->ArgsProduct({{2, 4, 8}, {100, 1000, 10000}})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// Same, but the caller waits on every execution id (Engine::wait) instead of
// wait_idle, as a client that wants each result would; checks that all succeeded.
void BM_Throughput_WaitEach(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const int batch = static_cast<int>(state.range(1));
  int64_t executions = 0, failed = 0;
  double seconds = 0, cpu = 0;
  std::vector<std::string> ids;
  ids.reserve(batch);
  for (auto _ : state) {
    auto engine = std::make_unique<runwatch::Engine>(options_with(threads));
    engine->add_flow(kTwoTasks);
    ids.clear();
    double cpu_start = process_cpu_seconds();
    auto start = Clock::now();
    for (int i = 0; i < batch; ++i) ids.push_back(engine->submit("bench", "two_tasks")->id);
    for (const auto& id : ids)
      if (engine->wait(id)->state.current() != runwatch::State::SUCCESS) ++failed;
    auto stop = Clock::now();
    cpu += process_cpu_seconds() - cpu_start;
    double elapsed = std::chrono::duration<double>(stop - start).count();
    state.SetIterationTime(elapsed);
    seconds += elapsed;
    executions += batch;
    engine.reset();
  }
  state.SetItemsProcessed(executions);
  add_kestra_ratio(state, static_cast<double>(executions), seconds);
  state.counters["cpu_us_per_exec"] = cpu * 1e6 / static_cast<double>(executions);
  state.counters["failed"] = static_cast<double>(failed);
}
BENCHMARK(BM_Throughput_WaitEach)
    ->ArgNames({"threads", "batch"})
    ->ArgsProduct({{2, 8}, {10000}})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// One execution at a time: submit, then wait until it is terminal. The time per
// iteration is the end-to-end latency of one execution on an otherwise idle engine.
// One engine for the whole run: its board keeps every finished execution.
void BM_SyncLatency(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  runwatch::Engine engine{options_with(threads)};
  engine.add_flow(kTwoTasks);
  auto start = Clock::now();
  for (auto _ : state) {
    auto created = engine.submit("bench", "two_tasks");
    benchmark::DoNotOptimize(engine.wait(created->id));
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  state.SetItemsProcessed(state.iterations());
  add_kestra_ratio(state, static_cast<double>(state.iterations()), seconds);
}
BENCHMARK(BM_SyncLatency)->ArgName("threads")->Arg(2)->Arg(8)->UseRealTime()->Unit(benchmark::kMicrosecond);

// The naive peer: the same two task types called directly on this thread, one after
// the other, each with its own RunContext (fresh ids, as the engine makes; only the
// variables the templates use) and its properties rendered, logs collected into the
// execution. No executor thread, no worker pool, no snapshots, no board.
// The difference with BM_SyncLatency / BM_Throughput is the engine's overhead.
void BM_NaivePeer_DirectTaskCalls(benchmark::State& state) {
  auto& plugins = runwatch::PluginRegistry::global();
  auto log_type = plugins.task("io.kestra.plugin.core.log.Log");
  auto return_type = plugins.task("io.kestra.plugin.core.debug.Return");
  const runwatch::Value log_props = {{"message", "Hello from {{ flow.id }}"}};
  const runwatch::Value return_props = {{"format", "{{ execution.id }}"}};
  const auto& clock = *runwatch::system_clock();
  auto start = Clock::now();
  for (auto _ : state) {
    runwatch::Execution execution;
    execution.id = runwatch::new_id();
    // Only the variables the two templates use.
    runwatch::Value variables = runwatch::Value::object();
    variables["flow"]["id"] = "two_tasks";
    variables["execution"]["id"] = execution.id;
    {
      runwatch::RunContext ctx(runwatch::TaskIdentity{execution.id, "bench", "two_tasks", 1, "hello",
                                                      "io.kestra.plugin.core.log.Log", runwatch::new_id(), 1},
                               variables, clock, nullptr);
      log_type->run(ctx, ctx.render(log_props));
      for (auto& entry : ctx.take_logs()) execution.logs.push_back(std::move(entry));
    }
    {
      runwatch::RunContext ctx(runwatch::TaskIdentity{execution.id, "bench", "two_tasks", 1, "result",
                                                      "io.kestra.plugin.core.debug.Return", runwatch::new_id(), 1},
                               std::move(variables), clock, nullptr);
      auto result = return_type->run(ctx, ctx.render(return_props));
      for (auto& entry : ctx.take_logs()) execution.logs.push_back(std::move(entry));
      benchmark::DoNotOptimize(result);
    }
    benchmark::DoNotOptimize(execution);
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  state.SetItemsProcessed(state.iterations());
  add_kestra_ratio(state, static_cast<double>(state.iterations()), seconds);
}
BENCHMARK(BM_NaivePeer_DirectTaskCalls)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
