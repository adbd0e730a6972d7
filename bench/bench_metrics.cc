// Metrics: a counter increment on a cached handle, the exposition of 100,000 series
// (ours, in place, against prometheus-cpp's Collect() and TextSerializer), parsing those
// 100,000 series, and engine throughput with metrics on and
// off (the 2-task flow of bench_engine, 4 workers, batches of 10,000).
//
// Figures only: nothing is asserted. See bench/README.md.
#include <benchmark/benchmark.h>
#include <prometheus/counter.h>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <chrono>
#include <memory>
#include <string>

#include "process_cpu.h"
#include "runwatch/engine.h"
#include "runwatch/metrics/catalog.h"
#include "runwatch/metrics/registry.h"
#include "runwatch/metrics/text_parser.h"
#include "two_task_flow.h"

namespace {

constexpr int kSeries = 100'000;

// 100,000 counter series of the catalog's execution metric: 1,000 flows x 100 states'
// worth of namespaces (namespace_id, flow_id, state), each incremented once.
runwatch::metrics::MetricRegistry& big_registry() {
  static auto* registry = [] {
    auto* r = new runwatch::metrics::MetricRegistry("kestra", {{"env", "prod"}});
    auto& family = r->counter("kestra_executor_execution_end_count_total", "Executions ended",
                              {"namespace_id", "flow_id", "state"});
    for (int i = 0; i < kSeries; ++i)
      family.with({"company.team" + std::to_string(i % 100), "flow_" + std::to_string(i / 100), "SUCCESS"})
          .Increment(i);
    return r;
  }();
  return *registry;
}

void per_series(benchmark::State& state) {
  state.counters["ns_per_series"] = benchmark::Counter(static_cast<double>(kSeries) * 1e-9,
                                                       benchmark::Counter::kIsIterationInvariantRate |
                                                           benchmark::Counter::kInvert);
}

void BM_CounterIncrement_CachedHandle(benchmark::State& state) {
  runwatch::metrics::MetricRegistry registry("kestra", {});
  runwatch::metrics::Catalog catalog(registry);
  auto& counter = catalog.worker_started.with({"io.kestra.plugin.core.log.Log", "company.team", "etl"});
  for (auto _ : state) counter.Increment();
  benchmark::DoNotOptimize(counter.Value());
}
BENCHMARK(BM_CounterIncrement_CachedHandle);

// runwatch's exposition: every series read in place, its label set rendered when it was made.
void BM_Exposition_InPlace_100k(benchmark::State& state) {
  auto& registry = big_registry();
  for (auto _ : state) benchmark::DoNotOptimize(registry.text());
  per_series(state);
}
BENCHMARK(BM_Exposition_InPlace_100k)->Unit(benchmark::kMillisecond);

// The peer: prometheus-cpp's Collect() copies every series with its labels, then its
// TextSerializer writes them; both steps are what a prometheus-cpp exposer does.
void BM_Exposition_PrometheusCpp_100k(benchmark::State& state) {
  auto& registry = big_registry();
  prometheus::TextSerializer serializer;
  for (auto _ : state) benchmark::DoNotOptimize(serializer.Serialize(registry.collect()));
  per_series(state);
}
BENCHMARK(BM_Exposition_PrometheusCpp_100k)->Unit(benchmark::kMillisecond);

void BM_Collect_100k(benchmark::State& state) {
  auto& registry = big_registry();
  for (auto _ : state) benchmark::DoNotOptimize(registry.collect());
  per_series(state);
}
BENCHMARK(BM_Collect_100k)->Unit(benchmark::kMillisecond);

void BM_Parse_100k(benchmark::State& state) {
  auto text = big_registry().text();
  for (auto _ : state) benchmark::DoNotOptimize(runwatch::metrics::parse_text(text));
  per_series(state);
}
BENCHMARK(BM_Parse_100k)->Unit(benchmark::kMillisecond);

// Executions per second of the 2-task flow, 4 workers, 10,000 per batch; range(0) = metrics
// on. cpu_us_per_execution is the CPU time of every thread of the process per execution:
// unlike wall time, other programs on the machine barely move it.
void BM_EngineThroughput(benchmark::State& state) {
  const bool metrics_on = state.range(0) != 0;
  constexpr int kBatch = 10'000;
  int64_t executions = 0;
  double cpu_seconds = 0;
  for (auto _ : state) {
    runwatch::EngineOptions options;
    options.worker_threads = 4;
    options.metrics.enabled = metrics_on;
    auto engine = std::make_unique<runwatch::Engine>(options);
    engine->add_flow(kTwoTasks);
    auto start = std::chrono::steady_clock::now();
    const double cpu_start = process_cpu_seconds();
    for (int i = 0; i < kBatch; ++i) benchmark::DoNotOptimize(engine->submit("bench", "two_tasks"));
    engine->wait_idle();
    cpu_seconds += process_cpu_seconds() - cpu_start;
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    executions += kBatch;
    engine.reset();
  }
  state.SetItemsProcessed(executions);
  state.counters["cpu_us_per_execution"] = cpu_seconds / static_cast<double>(executions) * 1e6;
}
BENCHMARK(BM_EngineThroughput)->ArgName("metrics")->Arg(0)->Arg(1)->Arg(0)->Arg(1)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
