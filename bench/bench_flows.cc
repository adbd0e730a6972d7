// Many flows: what the Nth flow costs when it is added one at a time (as POST
// /api/v1/flows adds it) after N flows were loaded from files, for N = 100, 1,000, 10,000
// and 100,000, with the load's time and heap per flow; one in ten of them a monitoring flow (a Flow trigger on a
// namespace prefix, an Alert trigger on failures). The figure that matters is the growth: the cost at N over the cost
// at 100, which a flat design keeps near 1.
//
// Figures only: nothing is asserted. See bench/README.md for how to run and read it.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "runwatch/engine.h"
#include "runwatch/validation.h"

namespace {

using Clock = std::chrono::steady_clock;

// Flows added one by one at each size, timed.
constexpr int kMeasured = 1000;

std::string flow_yaml(int i) {
  const std::string id = "flow_" + std::to_string(i);
  const std::string ns = "company.team" + std::to_string(i % 50);
  if (i % 10 != 9)
    return "id: " + id + "\nnamespace: " + ns +
           "\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hello\n";
  return "id: " + id +
         "\nnamespace: company.monitoring\ntasks:\n  - id: hello\n"
         "    type: io.kestra.plugin.core.log.Log\n    message: \"{{ trigger.executionId }}\"\n"
         "triggers:\n  - id: on_failure\n    type: io.kestra.plugin.core.trigger.Flow\n"
         "    conditions:\n      - type: io.kestra.plugin.core.condition.ExecutionStatus\n        in: [FAILED]\n"
         "      - type: io.kestra.plugin.core.condition.ExecutionNamespace\n        namespace: " +
         ns +
         "\n        prefix: true\n"
         "  - id: streak\n    type: io.runwatch.plugin.trigger.Alert\n    consecutive: 2\n"
         "    conditions:\n      - type: io.kestra.plugin.core.condition.ExecutionNamespace\n        namespace: " +
         ns + "\n        prefix: true\n";
}

// A folder of `count` flow files, written once per size.
std::filesystem::path flows_folder(int count) {
  auto folder = std::filesystem::temp_directory_path() / ("runwatch-bench-flows-" + std::to_string(count));
  if (std::filesystem::exists(folder / "done")) return folder;
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  for (int i = 0; i < count; ++i) std::ofstream(folder / ("flow_" + std::to_string(i) + ".yaml")) << flow_yaml(i);
  std::ofstream(folder / "done") << "";
  return folder;
}

std::map<int, double>& micros_at() {
  static std::map<int, double> by_size;
  return by_size;
}

void BM_AddFlowOneByOne(benchmark::State& state) {
  const int loaded = static_cast<int>(state.range(0));
  const auto folder = flows_folder(loaded);
  double seconds = 0;
  for (auto _ : state) {
    state.PauseTiming();
    runwatch::EngineOptions options;
    options.worker_threads = 2;
    auto engine = std::make_unique<runwatch::Engine>(std::move(options));
    const auto heap_before = mallinfo2().uordblks;
    auto load_start = Clock::now();
    engine->load_flows(folder);
    state.counters["load_ms"] = std::chrono::duration<double, std::milli>(Clock::now() - load_start).count();
    // Heap bytes in use, not RSS: the previous size's engine leaves its freed pages mapped.
    state.counters["heap_kb_per_flow"] =
        static_cast<double>(mallinfo2().uordblks - heap_before) / 1024.0 / static_cast<double>(loaded);
    state.ResumeTiming();
    auto start = Clock::now();
    for (int i = loaded; i < loaded + kMeasured; ++i) engine->add_flow(flow_yaml(i), "api");
    seconds += std::chrono::duration<double>(Clock::now() - start).count();
    state.PauseTiming();
    engine.reset();
    state.ResumeTiming();
  }
  const double micros = seconds * 1e6 / (static_cast<double>(state.iterations()) * kMeasured);
  micros_at()[loaded] = micros;
  state.counters["us_per_flow"] = micros;
  if (auto first = micros_at().find(100); first != micros_at().end() && first->second > 0)
    state.counters["x_cost_at_100"] = micros / first->second;
}
BENCHMARK(BM_AddFlowOneByOne)
    ->ArgName("loaded")
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// `runwatch validate` of N files (the folders above): each file loaded, then all linted
// together. Linear when the lint is.
void BM_Validate(benchmark::State& state) {
  const int files = static_cast<int>(state.range(0));
  const auto folder = flows_folder(files);
  size_t issues = 0;
  for (auto _ : state) issues = runwatch::validate_flows({folder}, {}).issues.size();
  state.counters["issues"] = static_cast<double>(issues);
  state.counters["us_per_file"] = benchmark::Counter(
      static_cast<double>(files), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_Validate)->ArgName("files")->Arg(100)->Arg(1000)->Arg(10000)->Iterations(1)->Unit(benchmark::kMillisecond);

// A monitoring flow of namespace company.monitoring.mI: most watch a team's namespaces;
// in every 50, three watch each other in a ring (a loop the lint reports three times).
std::string monitor_yaml(int i) {
  std::string watched = "company.team" + std::to_string(i % 50);
  bool prefix = true;
  if (const int place = i % 50; place < 3) {  // the counts are multiples of 50: every ring is whole
    watched = "company.monitoring.m" + std::to_string(place == 2 ? i - 2 : i + 1);
    prefix = false;
  }
  return "id: alert\nnamespace: company.monitoring.m" + std::to_string(i) +
         "\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hello\n"
         "triggers:\n  - id: on_failure\n    type: io.kestra.plugin.core.trigger.Flow\n"
         "    conditions:\n      - type: io.kestra.plugin.core.condition.ExecutionStatus\n        in: [FAILED]\n"
         "      - type: io.kestra.plugin.core.condition.ExecutionNamespace\n        namespace: " +
         watched + "\n        prefix: " + (prefix ? "true" : "false") + "\n";
}

// The lint of N monitoring flows against each other (what validate and GET /api/v1/flows
// lint do after loading): its cost per flow, and the loops found (3 per 50 flows).
void BM_LintMonitors(benchmark::State& state) {
  const int count = static_cast<int>(state.range(0));
  std::vector<std::shared_ptr<const runwatch::Flow>> monitors;
  for (int i = 0; i < count; ++i) monitors.push_back(runwatch::flow_from_text(monitor_yaml(i)));
  size_t warnings = 0;
  for (auto _ : state) warnings = runwatch::lint_flows(monitors, monitors).size();
  state.counters["warnings"] = static_cast<double>(warnings);
  state.counters["us_per_flow"] = benchmark::Counter(
      static_cast<double>(count), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_LintMonitors)->ArgName("monitors")->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
