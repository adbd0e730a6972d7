#pragma once
// What the executor thread records: executor.* metrics per (namespace, flow, state),
// worker.timeout.count (the executor decides timeouts), and the Flow trigger
// evaluations and matches (the executor's transition listener). Owned by the executor
// thread and used only there (see SeriesCache).
#include <array>
#include <string>

#include "runwatch/metrics/catalog.h"
#include "runwatch/metrics/series_cache.h"
#include "runwatch/metrics/worker_metrics.h"
#include "runwatch/model/state.h"
#include "runwatch/model/time.h"

namespace runwatch::metrics {

class ExecutorMetrics {
 public:
  // Null catalog: metrics off, every call does nothing.
  explicit ExecutorMetrics(const Catalog* catalog) : catalog_(catalog) {}

  void execution_started(const std::string& ns, const std::string& flow);
  void execution_ended(const std::string& ns, const std::string& flow, State state, Duration took);
  void task_run_created(const std::string& ns, const std::string& flow);
  void task_run_ended(const std::string& ns, const std::string& flow, State state, Duration took);
  void worker_result(const std::string& ns, const std::string& flow, State state);
  void task_timed_out(const std::string& type, const std::string& ns, const std::string& flow);
  // An execution state change matched against the Flow triggers, and those that fired.
  void flow_triggers_evaluated(const std::string& ns, const std::string& flow, State state);
  void flow_trigger_fired(const std::string& trigger_ns, const std::string& trigger_flow);

 private:
  // The handles of one (namespace, flow), per state, resolved on first use.
  struct PerState {
    prometheus::Counter* count = nullptr;
    prometheus::Histogram* duration = nullptr;
  };
  struct FlowSeries {
    prometheus::Counter* next;
    prometheus::Counter* trigger_match;  // only for monitoring flows: resolved when one fires
    std::array<PerState, 16> execution_started{}, execution_end{}, task_run_ended{}, worker_results{},
        trigger_evaluations{};
  };
  FlowSeries& flow(const std::string& ns, const std::string& flow);
  PerState& per_state(std::array<PerState, 16>& slots, const CounterVec& counter, const HistogramVec* duration,
                      const std::string& ns, const std::string& flow, State state);

  const Catalog* catalog_;
  SeriesCache<FlowSeries> flows_;
  SeriesCache<TaskSeries> tasks_;
};

}  // namespace runwatch::metrics
