// The alert history's cost as it grows: writing entries in the indexer's batches (100 per
// transaction) and searching them as GET /api/v1/alerts/history does (one flow's newest
// page of 10, with its total), on a history already holding 10,000, 100,000 or 1,000,000
// entries of 100 flows. The write's peer is the memory repository in the same run.
//
// Figures only: nothing is asserted. See bench/README.md ("Alert history").
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runwatch/store/repository.h"

namespace {

using namespace runwatch;

constexpr int kFlows = 100;
constexpr int kBatch = 100;
const TimePoint kStart = TimePoint(std::chrono::seconds(1'700'000'000));

AlertEvent entry(int i) {
  const std::string flow = "f" + std::to_string(i % kFlows);
  static const char* statuses[] = {"fired", "delivered", "resolved", "delivered"};
  return {.date = kStart + std::chrono::seconds(i),
          .status = statuses[i % 4],
          .alert_ns = "ops",
          .alert_flow_id = "monitor",
          .trigger_id = "storm",
          .ns = "storm",
          .flow_id = flow,
          .execution_id = "e" + std::to_string(i),
          .group_key = "ops.monitor/storm",
          .labels = {{"namespace", "storm"}, {"flowId", flow}},
          .notification_id = "n" + std::to_string(i / 20),
          .reason = "first"};
}

struct History {
  std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("runwatch-bench-history-" + std::to_string(getpid()));
  std::shared_ptr<store::Repository> repository;
  int size = 0;

  History(bool sqlite, int entries) {
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder);
    repository = store::open_repository(sqlite ? "sqlite" : "memory", folder / "runwatch.db");
    append(entries);
  }
  ~History() {
    repository.reset();
    std::filesystem::remove_all(folder);
  }
  void append(int entries) {
    std::vector<AlertEvent> batch;
    for (int i = 0; i < entries; ++i) {
      batch.push_back(entry(size++));
      if (batch.size() == kBatch || i == entries - 1) repository->save_executions({}, {}, std::exchange(batch, {}));
    }
  }
};

// range(0): 0 memory, 1 SQLite; range(1): entries already there. Writes 10,000 more.
void BM_AlertHistory_Write(benchmark::State& state) {
  History history(state.range(0) == 1, static_cast<int>(state.range(1)));
  constexpr int kWritten = 10'000;
  double micros = 0;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    history.append(kWritten);
    micros = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  }
  state.counters["us_per_entry"] = micros / kWritten;
}
BENCHMARK(BM_AlertHistory_Write)
    ->ArgNames({"sqlite", "existing"})
    ->Args({0, 10'000})
    ->Args({1, 10'000})
    ->Args({1, 100'000})
    ->Args({1, 1'000'000})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// range(0): entries in the SQLite history. One flow's newest page and its total, as the
// API answers; p50 and p99 over 200 searches of different flows.
void BM_AlertHistory_Search(benchmark::State& state) {
  History history(true, static_cast<int>(state.range(0)));
  std::vector<double> micros;
  int flow = 0;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    store::AlertEventQuery query{.flow_id = "f" + std::to_string(flow++ % kFlows)};
    benchmark::DoNotOptimize(history.repository->count_alert_events(query));
    query.newest_first = true;
    query.limit = 10;
    benchmark::DoNotOptimize(history.repository->find_alert_events(query));
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[micros.size() * 99 / 100];
}
BENCHMARK(BM_AlertHistory_Search)
    ->ArgName("entries")
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Iterations(200)
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
