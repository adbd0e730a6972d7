// Resident memory under a constant load: executions of the 2-task flow submitted at a
// steady rate to an engine on SQLite (what `runwatch server` runs), RSS and glibc's heap
// sampled as they accumulate. Flat means ended executions leave RAM once recorded.
// Run in its own process, so the figures belong to this measurement alone.
//
//   rss_steady_load [executions=500000] [per_second=2000] [repository=sqlite|memory]
//                   [history_capacity=360]
//
// The metrics history (kestra's default: 360 samplings, one every 10 s) fills for its
// first hour whatever the load; history_capacity=1 takes it out of the figures.
//
// Prints a sample every 10% of the run, then the growth per execution from the end of
// the warm-up (10,000 executions) to 20,000 and from 20,000 to the end: the second is
// the one that must stay near zero. Figures only.
#include <malloc.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "runwatch/engine.h"
#include "runwatch/store/repository.h"

#include "two_task_flow.h"

namespace {

using SteadyClock = std::chrono::steady_clock;

struct Sample {
  long executions = 0;
  long rss_kb = 0;
  size_t heap_in_use = 0;
  long long sqlite_in_use = 0;  // of the heap: SQLite's page cache and statements
};

long rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return 0;
}

Sample sample(long executions) { return {executions, rss_kb(), mallinfo2().uordblks, sqlite3_memory_used()}; }

void print(const Sample& s) {
  std::printf("%10ld executions   RSS %8.1f MB   heap in use %8.1f MB (SQLite %5.1f MB)\n", s.executions,
              s.rss_kb / 1024.0, static_cast<double>(s.heap_in_use) / (1024.0 * 1024.0),
              static_cast<double>(s.sqlite_in_use) / (1024.0 * 1024.0));
  std::fflush(stdout);
}

void growth(const char* what, const Sample& from, const Sample& to) {
  double n = static_cast<double>(to.executions - from.executions);
  std::printf("%-28s RSS %+8.1f B/execution   heap %+8.1f B/execution (SQLite %+6.1f)\n", what,
              static_cast<double>(to.rss_kb - from.rss_kb) * 1024.0 / n,
              (static_cast<double>(to.heap_in_use) - static_cast<double>(from.heap_in_use)) / n,
              static_cast<double>(to.sqlite_in_use - from.sqlite_in_use) / n);
}

}  // namespace

int main(int argc, char** argv) {
  const long executions = argc > 1 ? std::atol(argv[1]) : 500'000;
  const double per_second = argc > 2 ? std::atof(argv[2]) : 2000.0;
  const std::string repository = argc > 3 ? argv[3] : "sqlite";
  const size_t history_capacity = argc > 4 ? static_cast<size_t>(std::atol(argv[4])) : 360;
  constexpr long kWarmUp = 10'000, kEarly = 20'000;
  if (executions < kEarly || per_second <= 0 || history_capacity == 0) {
    std::fprintf(stderr, "usage: rss_steady_load [executions >= 20000] [per_second > 0] [sqlite|memory] "
                         "[history_capacity > 0]\n");
    return 2;
  }
  const auto path = std::filesystem::temp_directory_path() /
                    std::string("runwatch-rss-").append(std::to_string(::getpid())).append(".db");
  std::printf("%ld executions of the 2-task flow at %.0f/s, %s repository, metrics history of %zu samplings\n",
              executions, per_second, repository.c_str(), history_capacity);
  std::vector<Sample> samples;
  {
    runwatch::EngineOptions options;
    options.worker_threads = 4;
    options.metrics.history_capacity = history_capacity;
    options.repository = runwatch::store::open_repository(repository, path);
    runwatch::Engine engine(std::move(options));
    engine.add_flow(kTwoTasks);
    print(sample(0));

    // Four clients (as API clients: each submit returns once recorded), paced together.
    constexpr int kClients = 4;
    std::atomic<long> next{0};
    const auto start = SteadyClock::now();
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c)
      clients.emplace_back([&] {
        for (long i; (i = next.fetch_add(1)) < executions;) {
          std::this_thread::sleep_until(start + std::chrono::duration_cast<SteadyClock::duration>(
                                                    std::chrono::duration<double>(static_cast<double>(i) / per_second)));
          engine.submit("bench", "two_tasks");
        }
      });
    const long step = executions / 10;
    for (long checkpoint : {kWarmUp, kEarly}) {
      while (next.load() < checkpoint) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      engine.wait_idle();
      samples.push_back(sample(checkpoint));
      print(samples.back());
    }
    for (long checkpoint = step; checkpoint <= executions; checkpoint += step) {
      if (checkpoint <= kEarly) continue;
      while (next.load() < checkpoint) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      if (checkpoint + step > executions)
        for (auto& t : clients) t.join();
      engine.wait_idle();
      samples.push_back(sample(checkpoint));
      print(samples.back());
    }
    double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
    std::printf("%.1f s, %.0f executions/s\n", seconds, static_cast<double>(executions) / seconds);
    growth("warm-up (10,000) to 20,000:", samples[0], samples[1]);
    growth("20,000 to the end:", samples[1], samples.back());
    engine.stop();
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return 0;
}
