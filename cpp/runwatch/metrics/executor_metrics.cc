#include "runwatch/metrics/executor_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>

namespace runwatch::metrics {

ExecutorMetrics::FlowSeries& ExecutorMetrics::flow(const std::string& ns, const std::string& flow) {
  return flows_.get(
      [this](const std::string& n, const std::string& f) {
        return FlowSeries{&catalog_->taskrun_next.with({n, f}), nullptr, {}, {}, {}, {}, {}};
      },
      ns, flow);
}

ExecutorMetrics::PerState& ExecutorMetrics::per_state(std::array<PerState, 16>& slots, const CounterVec& counter,
                                                      const HistogramVec* duration, const std::string& ns,
                                                      const std::string& flow, State state) {
  auto& slot = slots.at(static_cast<size_t>(state));
  if (!slot.count) {
    std::vector<std::string> tags{ns, flow, std::string(to_string(state))};
    slot.count = &counter.with(tags);
    if (duration) slot.duration = &duration->with(tags);
  }
  return slot;
}

void ExecutorMetrics::execution_started(const std::string& ns, const std::string& f) {
  if (!catalog_) return;
  per_state(flow(ns, f).execution_started, catalog_->execution_started, nullptr, ns, f, State::RUNNING)
      .count->Increment();
}

void ExecutorMetrics::execution_ended(const std::string& ns, const std::string& f, State state, Duration took) {
  if (!catalog_) return;
  auto& s = per_state(flow(ns, f).execution_end, catalog_->execution_end, &catalog_->execution_duration, ns, f, state);
  s.count->Increment();
  s.duration->Observe(seconds(took));
}

void ExecutorMetrics::task_run_created(const std::string& ns, const std::string& f) {
  if (catalog_) flow(ns, f).next->Increment();
}

void ExecutorMetrics::task_run_ended(const std::string& ns, const std::string& f, State state, Duration took) {
  if (!catalog_) return;
  auto& s = per_state(flow(ns, f).task_run_ended, catalog_->taskrun_ended, &catalog_->taskrun_ended_duration, ns, f,
                      state);
  s.count->Increment();
  s.duration->Observe(seconds(took));
}

void ExecutorMetrics::worker_result(const std::string& ns, const std::string& f, State state) {
  if (!catalog_) return;
  per_state(flow(ns, f).worker_results, catalog_->workertaskresult, nullptr, ns, f, state).count->Increment();
}

void ExecutorMetrics::task_timed_out(const std::string& type, const std::string& ns, const std::string& f) {
  if (!catalog_) return;
  tasks_.get([this](const auto&... v) { return task_series(*catalog_, v...); }, type, ns, f).timeout->Increment();
}

void ExecutorMetrics::flow_triggers_evaluated(const std::string& ns, const std::string& f, State state) {
  if (!catalog_) return;
  per_state(flow(ns, f).trigger_evaluations, catalog_->flow_trigger_evaluation, nullptr, ns, f, state)
      .count->Increment();
}

void ExecutorMetrics::flow_trigger_fired(const std::string& ns, const std::string& f) {
  if (!catalog_) return;
  auto& s = flow(ns, f);
  if (!s.trigger_match) s.trigger_match = &catalog_->flow_trigger_match.with({std::string(kFlowTriggerType), ns, f});
  s.trigger_match->Increment();
}

}  // namespace runwatch::metrics
