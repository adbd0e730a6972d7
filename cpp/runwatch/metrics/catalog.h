#pragma once
// Kestra's metric catalog (the spec's list and today's MetricRegistry names) and
// runwatch's own, registered on one MetricRegistry under its prefix: counters end in
// _total, timers are histograms in seconds. Each metric has one tag set:
//   worker task metrics        task_type, namespace_id, flow_id
//   execution metrics          namespace_id, flow_id, state
//   task-result metrics        namespace_id, flow_id, state (of the task run)
//   trigger metrics            trigger_type, namespace_id, flow_id
#include <string>
#include <vector>

#include "runwatch/metrics/registry.h"

namespace runwatch::metrics {

extern const std::vector<std::string> kTaskTags;       // task_type, namespace_id, flow_id
extern const std::vector<std::string> kExecutionTags;  // namespace_id, flow_id, state
extern const std::vector<std::string> kFlowTags;       // namespace_id, flow_id
extern const std::vector<std::string> kTriggerTags;    // trigger_type, namespace_id, flow_id

struct Catalog {
  explicit Catalog(MetricRegistry& registry);

  MetricRegistry& registry;

  // worker.*
  GaugeVec& worker_running;            // worker.running.count
  CounterVec& worker_started;          // worker.started.count
  CounterVec& worker_retried;          // worker.retried.count
  CounterVec& worker_ended;            // worker.ended.count
  HistogramVec& worker_ended_duration; // worker.ended.duration
  HistogramVec& worker_queued_duration;// worker.queued.duration
  CounterVec& worker_timeout;          // worker.timeout.count
  GaugeVec& worker_job_running;        // worker.job.running (no tags)
  GaugeVec& worker_job_pending;        // worker.job.pending (no tags)
  GaugeVec& worker_job_thread;         // worker.job.thread (no tags)

  // executor.*
  CounterVec& taskrun_ended;               // executor.taskrun.ended.count
  HistogramVec& taskrun_ended_duration;    // executor.taskrun.ended.duration
  CounterVec& workertaskresult;            // executor.workertaskresult.count
  CounterVec& taskrun_next;                // executor.taskrun.next.count (namespace_id, flow_id)
  CounterVec& execution_started;           // executor.execution.started.count
  CounterVec& execution_end;               // executor.execution.end.count
  HistogramVec& execution_duration;        // executor.execution.duration

  // indexer.*: recorded by store::Indexer; each has its one series, without tags.
  CounterVec& indexer_count;               // indexer.count
  HistogramVec& indexer_duration;          // indexer.duration
  CounterVec& indexer_request_count;       // indexer.request.count
  HistogramVec& indexer_request_duration;  // indexer.request.duration

  // scheduler.*
  CounterVec& scheduler_trigger;           // scheduler.trigger.count
  CounterVec& scheduler_evaluate_running;  // scheduler.evaluate.running.count (a counter, as the spec lists it)
  HistogramVec& scheduler_evaluate_duration;  // scheduler.evaluate.duration
  CounterVec& scheduler_evaluate;          // scheduler.evaluate.count
  CounterVec& scheduler_loop;              // scheduler.loop.count (no tags)
  HistogramVec& scheduler_trigger_delay;   // scheduler.trigger.delay.duration

  // runwatch's own
  CounterVec& flow_trigger_evaluation;     // flow.trigger.evaluation.count: execution events matched (execution tags)
  CounterVec& flow_trigger_match;          // flow.trigger.match.count: Flow triggers fired (trigger tags)
  CounterVec& notification_sent;           // notification.sent.count (task_type)
  CounterVec& notification_failed;         // notification.failed.count (task_type, reason)
  HistogramVec& notification_delivery;     // notification.delivery.duration (task_type)
  CounterVec& notification_rate_limited;   // notification.ratelimited.count (task_type)
  GaugeVec& alerts;                        // alerts (state: pending, firing, resolved): the Alert triggers'
  CounterVec& alert_notifications;         // alert.notifications (reason; outcome: sent, failed, suppressed)
  GaugeVec& silences;                      // silences (state: pending, active, expired)
};

// Kestra's type name of the Schedule and Flow triggers, for trigger_type.
inline constexpr std::string_view kScheduleTriggerType = "io.kestra.plugin.core.trigger.Schedule";
inline constexpr std::string_view kFlowTriggerType = "io.kestra.plugin.core.trigger.Flow";

}  // namespace runwatch::metrics
