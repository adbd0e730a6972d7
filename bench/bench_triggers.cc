// Flow-trigger matching: which of 10,000 monitoring triggers fire for each of 1,000,000
// execution events, (a) through the TriggerIndex (candidates, then each candidate's
// conditions) and (b) by the naive scan that evaluates every trigger's conditions; then
// the indexed cost per event with 1k, 10k and 100k more triggers that never match.
//
// Figures only: nothing is asserted. See bench/README.md ("Trigger matching").
#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "runwatch/condition/condition.h"
#include "runwatch/condition/trigger_index.h"

namespace {

using namespace runwatch;
using Clock = std::chrono::steady_clock;

constexpr size_t kTriggers = 10'000;
constexpr size_t kEvents = 1'000'000;
// The naive scan costs kTriggers evaluations per event: it runs over the first events.
constexpr size_t kNaiveEvents = 2'000;
constexpr int kTeams = 100, kServices = 100, kFlows = 10;
constexpr std::string_view kPackage = "io.kestra.plugin.core.condition.";

std::string team_namespace(int team) { return "company.team" + std::to_string(team); }
std::string service_namespace(int team, int service) {
  return team_namespace(team) + ".svc" + std::to_string(service);
}
std::string flow_name(int flow) { return "flow" + std::to_string(flow); }

ConditionDef condition(const char* type, Value properties) {
  ConditionDef d;
  d.type = std::string(kPackage) + type;
  d.properties = std::move(properties);
  return d;
}
ConditionDef failed_or_warning() { return condition("ExecutionStatus", {{"in", {"FAILED", "WARNING"}}}); }
ConditionDef namespace_is(const std::string& ns, const char* comparison) {
  return condition("ExecutionNamespace", {{"namespace", ns}, {"comparison", comparison}});
}

// A Flow trigger: its conditions, and its states (Kestra's default, the terminal ones).
struct Trigger {
  ConditionSet conditions;
  bool fires(const ConditionInput& input) const {
    return (terminal_states() & state_bit(input.execution->state.current())) && conditions.matches(input, nullptr);
  }
  Constraint constraint() const { return conditions.constraint().intersect(Constraint::state_in(terminal_states())); }
};

// Mostly flow- and namespace-specific alerts, some on a namespace prefix, a few on
// status only; one in fifty also wants a label.
std::vector<Trigger> monitoring_triggers(size_t count, std::mt19937& random) {
  std::uniform_int_distribution<int> team(0, kTeams - 1), service(0, kServices - 1), flow(0, kFlows - 1), kind(0, 99);
  std::vector<Trigger> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    std::vector<ConditionDef> conditions{failed_or_warning()};
    int k = i < 2 ? -1 : kind(random);  // the first two: status only
    if (k >= 0 && k < 70) {
      conditions.push_back(condition("ExecutionFlow", {{"namespace", service_namespace(team(random), service(random))},
                                                       {"flowId", flow_name(flow(random))}}));
    } else if (k >= 70 && k < 88) {
      conditions.push_back(namespace_is(service_namespace(team(random), service(random)), "EQUALS"));
    } else if (k >= 88) {
      // company.teamT.svcS matches svcS and svcS0..svcS9 (no dot boundary): ~1 in 10 services of a team.
      conditions.push_back(namespace_is(service_namespace(team(random), service(random) % 10), "PREFIX"));
    }
    if (i % 50 == 49) conditions.push_back(condition("ExecutionLabels", {{"labels", {{"env", "prod"}}}}));
    out.push_back(Trigger{ConditionSet(conditions)});
  }
  return out;
}

// Triggers no event meets, filed in every bucket: other namespaces, flows and prefixes.
std::vector<Trigger> unmatched_triggers(size_t count) {
  std::vector<Trigger> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    auto elsewhere = "elsewhere.unit" + std::to_string(i);
    std::vector<ConditionDef> conditions{failed_or_warning()};
    switch (i % 3) {
      case 0: conditions.push_back(condition("ExecutionFlow", {{"namespace", elsewhere}, {"flowId", "flow1"}})); break;
      case 1: conditions.push_back(namespace_is(elsewhere, "EQUALS")); break;
      default: conditions.push_back(namespace_is(elsewhere + ".", "PREFIX"));
    }
    out.push_back(Trigger{ConditionSet(conditions)});
  }
  return out;
}

// Events reuse a pool of executions: building one per event would dominate the figures.
std::vector<Execution> execution_pool(size_t count, std::mt19937& random) {
  std::uniform_int_distribution<int> team(0, kTeams - 1), service(0, kServices - 1), flow(0, kFlows - 1), pct(0, 99);
  std::vector<Execution> out(count);
  for (auto& e : out) {
    e.ns = service_namespace(team(random), service(random));
    e.flow_id = flow_name(flow(random));
    int p = pct(random);
    e.state = StateHistory(p < 75 ? State::SUCCESS : p < 88 ? State::FAILED : p < 93 ? State::WARNING : State::RUNNING);
    if (pct(random) < 30) e.labels = {{"env", "prod"}};
  }
  return out;
}

struct Workload {
  std::vector<Trigger> triggers;
  std::vector<Execution> pool;
  std::vector<std::uint32_t> events;  // indexes into pool
  Value variables = Value::object();

  Workload() {
    std::mt19937 random(42);
    triggers = monitoring_triggers(kTriggers, random);
    pool = execution_pool(50'000, random);
    std::uniform_int_distribution<std::uint32_t> pick(0, static_cast<std::uint32_t>(pool.size() - 1));
    events.resize(kEvents);
    for (auto& e : events) e = pick(random);
  }
  ConditionInput input(std::uint32_t event) const { return {&pool[event], {}, &variables}; }
};

const Workload& workload() {
  static const Workload w;
  return w;
}

TriggerIndex index_of(const std::vector<Trigger>& triggers) {
  TriggerIndex index;
  for (std::uint32_t id = 0; id < triggers.size(); ++id) index.add(id, triggers[id].constraint());
  return index;
}

// Fires the triggers the index proposes whose conditions hold; returns how many fired.
size_t fire_indexed(const TriggerIndex& index, const std::vector<Trigger>& triggers, const ConditionInput& input) {
  const auto& e = *input.execution;
  size_t fired = 0;
  for (auto id : index.candidates(e.ns, e.flow_id, e.state.current())) fired += triggers[id].fires(input);
  return fired;
}

size_t fire_naive(const std::vector<Trigger>& triggers, const ConditionInput& input) {
  size_t fired = 0;
  for (const auto& trigger : triggers) fired += trigger.fires(input);
  return fired;
}

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// Best wall and CPU microseconds per event of a benchmark's iterations: other work on
// the machine only ever slows an iteration down, and CPU time is the steadier figure.
struct PerEvent {
  double wall_us = 0, cpu_us = 0;
};
PerEvent indexed, naive;  // for the ratio printed at the end

// Runs `pass` (over `events` events) as one timed iteration.
template <typename Pass>
void measure(benchmark::State& state, size_t events, PerEvent& best, Pass pass) {
  auto start = Clock::now();
  double cpu_start = thread_cpu_seconds();
  pass();
  double cpu = thread_cpu_seconds() - cpu_start;
  double wall = std::chrono::duration<double>(Clock::now() - start).count();
  state.SetIterationTime(wall);
  auto n = static_cast<double>(events);
  if (best.wall_us == 0 || wall * 1e6 / n < best.wall_us) best.wall_us = wall * 1e6 / n;
  if (best.cpu_us == 0 || cpu * 1e6 / n < best.cpu_us) best.cpu_us = cpu * 1e6 / n;
  state.counters["events_per_s"] = 1e6 / best.wall_us;
  state.counters["us_per_event"] = best.wall_us;
  state.counters["cpu_us_per_event"] = best.cpu_us;
}

void BM_Indexed(benchmark::State& state) {
  const auto& w = workload();
  auto index = index_of(w.triggers);
  size_t fired = 0, most_candidates = 0, most_fired = 0;
  for (auto event : w.events) {  // outside the measure: how many each event meets
    const auto& e = w.pool[event];
    most_candidates = std::max(most_candidates, index.candidates(e.ns, e.flow_id, e.state.current()).size());
    most_fired = std::max(most_fired, fire_indexed(index, w.triggers, w.input(event)));
  }
  for (auto _ : state) {
    measure(state, w.events.size(), indexed, [&] {
      fired = 0;
      for (auto event : w.events) fired += fire_indexed(index, w.triggers, w.input(event));
    });
  }
  state.counters["fired_per_event"] = static_cast<double>(fired) / static_cast<double>(w.events.size());
  state.counters["max_candidates"] = static_cast<double>(most_candidates);
  state.counters["max_fired"] = static_cast<double>(most_fired);
}
BENCHMARK(BM_Indexed)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);

void BM_NaiveScan(benchmark::State& state) {
  const auto& w = workload();
  size_t fired = 0;
  for (auto _ : state) {
    measure(state, kNaiveEvents, naive, [&] {
      fired = 0;
      for (size_t i = 0; i < kNaiveEvents; ++i) fired += fire_naive(w.triggers, w.input(w.events[i]));
    });
  }
  state.counters["fired_per_event"] = static_cast<double>(fired) / static_cast<double>(kNaiveEvents);
}
BENCHMARK(BM_NaiveScan)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);

// The same events and matching triggers, plus state.range(0) triggers that never match.
void BM_IndexedWithUnmatched(benchmark::State& state) {
  const auto& w = workload();
  std::mt19937 random(42);  // the workload's seed: the same matching triggers
  auto triggers = monitoring_triggers(kTriggers, random);
  for (auto& t : unmatched_triggers(static_cast<size_t>(state.range(0)))) triggers.push_back(std::move(t));
  auto index = index_of(triggers);
  auto pass = [&] {
    size_t fired = 0;
    for (auto event : w.events) fired += fire_indexed(index, triggers, w.input(event));
    benchmark::DoNotOptimize(fired);
  };
  pass();  // warm up, as BM_Indexed's count of candidates does
  PerEvent best;
  for (auto _ : state) measure(state, w.events.size(), best, pass);
  state.counters["triggers"] = static_cast<double>(triggers.size());
}
BENCHMARK(BM_IndexedWithUnmatched)
    ->ArgName("unmatched")
    ->Arg(1'000)
    ->Arg(10'000)
    ->Arg(100'000)
    ->UseManualTime()
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (indexed.wall_us > 0 && naive.wall_us > 0)
    std::printf("\nindexed: %.3f us/event (%.0f events/s), %.3f CPU us/event\n"
                "naive scan: %.1f us/event (%.0f events/s), %.1f CPU us/event\n"
                "the index is %.0fx faster (%.0fx in CPU time)\n",
                indexed.wall_us, 1e6 / indexed.wall_us, indexed.cpu_us, naive.wall_us, 1e6 / naive.wall_us,
                naive.cpu_us, naive.wall_us / indexed.wall_us, naive.cpu_us / indexed.cpu_us);
}
