// The durable store: executions of the 2-task flow per second with the SQLite
// repository, every state change committed, against the memory repository in the same
// run. `clients` threads submit at once (as API clients do): a submit returns once its
// execution is recorded, so concurrent submits share a transaction.
//
// Figures only: nothing is asserted. See bench/README.md.
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <unistd.h>
#include <vector>

#include "runwatch/engine.h"
#include "runwatch/store/repository.h"

#include "two_task_flow.h"

namespace {

using Clock = std::chrono::steady_clock;

std::filesystem::path database_path() {
  return std::filesystem::temp_directory_path() / ("runwatch-bench-" + std::to_string(::getpid()) + ".db");
}

void remove_database(const std::filesystem::path& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path.string() + suffix);
}

// range(0): 0 memory, 1 SQLite; range(1): client threads; range(2): executions.
// Timed from the first submit until every execution is terminal and committed
// (Engine::stop() returns once the indexer has written the last change).
void BM_Store_Throughput(benchmark::State& state) {
  const bool sqlite = state.range(0) == 1;
  const int clients = static_cast<int>(state.range(1));
  const int executions = static_cast<int>(state.range(2));
  const auto path = database_path();
  int64_t done = 0;
  for (auto _ : state) {
    remove_database(path);
    runwatch::EngineOptions options;
    options.worker_threads = 4;
    options.repository = runwatch::store::open_repository(sqlite ? "sqlite" : "memory", path);
    auto engine = std::make_unique<runwatch::Engine>(std::move(options));
    engine->add_flow(kTwoTasks);
    std::atomic<int> next{0};
    auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
      threads.emplace_back([&] {
        while (next.fetch_add(1) < executions) benchmark::DoNotOptimize(engine->submit("bench", "two_tasks"));
      });
    for (auto& t : threads) t.join();
    engine->wait_idle();
    engine->stop();
    state.SetIterationTime(std::chrono::duration<double>(Clock::now() - start).count());
    done += executions;
    engine.reset();
  }
  remove_database(path);
  state.SetItemsProcessed(done);
  state.SetLabel(sqlite ? "sqlite" : "memory");
}

BENCHMARK(BM_Store_Throughput)
    ->ArgNames({"sqlite", "clients", "executions"})
    ->ArgsProduct({{0, 1}, {1, 8, 32}, {5000}})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
