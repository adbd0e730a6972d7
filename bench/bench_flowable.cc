// Flowable tasks at scale: one ForEach over 100 / 1,000 / 5,000 values (10 at a time,
// one Return each), a parent whose ForEach starts 100 Subflows (10 at a time) of the
// 2-task flow, and a ForEachItem over a file of 100 / 1,000 / 10,000 lines (an execution
// of the 2-task flow per line, all started at once). Task runs per second and CPU per task run, each against the 2-task
// flow's figure measured in the same process (`x_two_task`: this cost per task run over the 2-task flow's), to show
// what a loop adds per iteration and how it grows with its size.
//
// Figures only: nothing is asserted. See bench/README.md for how to run and read it.
#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "process_cpu.h"
#include "runwatch/engine.h"
#include "two_task_flow.h"

namespace {

using Clock = std::chrono::steady_clock;

std::string loop_flow(int values) {
  return R"(id: loop
namespace: bench
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: "{{ range(1, )" +
         std::to_string(values) + R"() }}"
    concurrencyLimit: 10
    tasks:
      - id: result
        type: io.kestra.plugin.core.debug.Return
        format: "{{ taskrun.value }}"
)";
}

constexpr const char* kSubflows = R"(id: parent
namespace: bench
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: "{{ range(1, 100) }}"
    concurrencyLimit: 10
    tasks:
      - id: call
        type: io.kestra.plugin.core.flow.Subflow
        namespace: bench
        flowId: two_tasks
)";

constexpr const char* kForEachItem = R"(id: items
namespace: bench
inputs:
  - id: file
    type: FILE
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEachItem
    items: "{{ inputs.file }}"
    namespace: bench
    flowId: two_tasks
)";

// A file of `lines` lines in the temporary folder, removed with it.
class LinesFile {
 public:
  explicit LinesFile(int lines)
      : path_(std::filesystem::temp_directory_path() / ("runwatch-bench-items-" + std::to_string(lines) + ".txt")) {
    std::ofstream out(path_);
    for (int i = 0; i < lines; ++i) out << "line " << i << "\n";
  }
  ~LinesFile() { std::filesystem::remove(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct Measure {
  double seconds = 0, cpu = 0;
  size_t task_runs = 0, executions = 0;
};

// Runs `submits` executions of flow `id` on a fresh engine with 4 workers, until idle.
Measure run(const std::vector<std::string>& flows, const std::string& id, int submits,
            const runwatch::FileInputs& files = {}) {
  runwatch::EngineOptions options;
  options.worker_threads = 4;
  runwatch::Engine engine(std::move(options));
  for (const auto& flow : flows) engine.add_flow(flow);
  Measure m;
  double cpu_start = process_cpu_seconds();
  auto start = Clock::now();
  for (int i = 0; i < submits; ++i) engine.submit("bench", id, runwatch::Value::object(), {}, nullptr, files);
  engine.wait_idle();
  m.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  m.cpu = process_cpu_seconds() - cpu_start;
  for (const auto& e : engine.executions()) {
    ++m.executions;
    m.task_runs += e->task_runs.size();
  }
  return m;
}

// CPU per task run of the 2-task flow, once per process: the yardstick.
double two_task_cpu_per_task_run() {
  static const double figure = [] {
    auto m = run({kTwoTasks}, "two_tasks", 2000);
    return m.cpu / static_cast<double>(m.task_runs);
  }();
  return figure;
}

void report(benchmark::State& state, const Measure& total) {
  state.counters["task_runs_per_second"] = static_cast<double>(total.task_runs) / total.seconds;
  state.counters["executions_per_second"] = static_cast<double>(total.executions) / total.seconds;
  double cpu_per_run = total.cpu / static_cast<double>(total.task_runs);
  state.counters["cpu_us_per_task_run"] = cpu_per_run * 1e6;
  state.counters["x_two_task"] = cpu_per_run / two_task_cpu_per_task_run();
}

// Runs `run_once` per iteration, timing each, and reports the totals.
template <typename RunOnce>
void measure(benchmark::State& state, RunOnce run_once) {
  Measure total;
  for (auto _ : state) {
    Measure m = run_once();
    state.SetIterationTime(m.seconds);
    total.seconds += m.seconds;
    total.cpu += m.cpu;
    total.task_runs += m.task_runs;
    total.executions += m.executions;
  }
  report(state, total);
}

void BM_TwoTaskFlow(benchmark::State& state) {
  measure(state, [&] { return run({kTwoTasks}, "two_tasks", static_cast<int>(state.range(0))); });
}
BENCHMARK(BM_TwoTaskFlow)->Arg(1000)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_ForEach(benchmark::State& state) {
  measure(state, [&] { return run({loop_flow(static_cast<int>(state.range(0)))}, "loop", 1); });
}
BENCHMARK(BM_ForEach)->Arg(100)->Arg(1000)->Arg(5000)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_ParentWith100Subflows(benchmark::State& state) {
  measure(state, [&] { return run({kTwoTasks, kSubflows}, "parent", 1); });
}
BENCHMARK(BM_ParentWith100Subflows)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_ForEachItem(benchmark::State& state) {
  LinesFile items(static_cast<int>(state.range(0)));
  measure(state, [&] {
    return run({kTwoTasks, kForEachItem}, "items", 1, {{"file", runwatch::FileInput{"items.txt", items.path()}}});
  });
}
BENCHMARK(BM_ForEachItem)->Arg(100)->Arg(1000)->Arg(10000)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
