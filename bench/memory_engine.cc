// Peak memory with N finished executions of the 2-task flow held in memory (the
// engine's board keeps every execution's latest snapshot). Run in its own process so
// that VmHWM (the peak resident set) belongs to this measurement alone.
//
//   memory_engine [executions=100000] [worker_threads=2] [window=0]
//
// window=0 submits all executions at once, then waits (the engine then holds the whole
// backlog in flight: snapshots, live state, worker jobs); window=W waits until idle
// after every W submissions, so at most W are in flight.
//
// Prints VmRSS and VmHWM before and after, glibc's bytes in use, and bytes per
// execution. Figures only.
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "process_cpu.h"
#include "runwatch/engine.h"
#include "two_task_flow.h"

namespace {


// Default options (system clock, ...) with this many worker threads.
runwatch::EngineOptions options_with(int worker_threads) {
  runwatch::EngineOptions options;
  options.worker_threads = worker_threads;
  return options;
}

struct Memory {
  long rss_kb = 0;
  long hwm_kb = 0;
  size_t heap_in_use = 0;  // glibc: bytes handed out by malloc and not freed, all arenas
};

Memory read_status() {
  Memory m;
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) m.rss_kb = std::strtol(line.c_str() + 6, nullptr, 10);
    if (line.rfind("VmHWM:", 0) == 0) m.hwm_kb = std::strtol(line.c_str() + 6, nullptr, 10);
  }
  m.heap_in_use = mallinfo2().uordblks;
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 100000;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  const long window = argc > 3 ? std::atol(argv[3]) : 0;

  runwatch::Engine engine{options_with(threads)};
  engine.add_flow(kTwoTasks);
  // Warm up: one execution, so thread stacks, the plugin registry and the allocator
  // arenas count in the baseline rather than in the per-execution figure.
  engine.wait(engine.submit("bench", "two_tasks")->id);
  const Memory before = read_status();

  double cpu_start = process_cpu_seconds();
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) {
    engine.submit("bench", "two_tasks");
    if (window > 0 && (i + 1) % window == 0) engine.wait_idle();
  }
  engine.wait_idle();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double cpu = process_cpu_seconds() - cpu_start;
  const Memory after = read_status();

  long success = 0;
  for (const auto& e : engine.executions())
    if (e->state.current() == runwatch::State::SUCCESS) ++success;

  std::printf("memory_engine: %ld executions of a 2-task flow (Log, Return), %d worker threads, %s\n", n, threads,
              window > 0 ? ("at most " + std::to_string(window) + " in flight").c_str() : "all submitted at once");
  std::printf("  finished SUCCESS held in memory: %ld (of %zu on the board)\n", success, engine.executions().size());
  std::printf("  submit..wait_idle: %.3f s = %.0f executions/s\n", seconds, n / seconds);
  std::printf("  CPU (all threads, user+sys): %.3f s = %.1f us per execution\n", cpu, cpu * 1e6 / n);
  std::printf("  VmRSS  before %8ld kB   after %8ld kB\n", before.rss_kb, after.rss_kb);
  std::printf("  VmHWM  before %8ld kB   after %8ld kB (peak)\n", before.hwm_kb, after.hwm_kb);
  std::printf("  malloc in use before %8zu kB   after %8zu kB\n", before.heap_in_use / 1024, after.heap_in_use / 1024);
  std::printf("  bytes per execution: %.0f held (RSS growth / n), %.0f peak (VmHWM growth / n), "
              "%.0f allocated (malloc in use growth / n)\n",
              (after.rss_kb - before.rss_kb) * 1024.0 / n, (after.hwm_kb - before.hwm_kb) * 1024.0 / n,
              (static_cast<double>(after.heap_in_use) - static_cast<double>(before.heap_in_use)) / n);
  return 0;
}
