#include "runwatch/metrics/catalog.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>

namespace runwatch::metrics {

const std::vector<std::string> kTaskTags{"task_type", "namespace_id", "flow_id"};
const std::vector<std::string> kExecutionTags{"namespace_id", "flow_id", "state"};
const std::vector<std::string> kFlowTags{"namespace_id", "flow_id"};
const std::vector<std::string> kTriggerTags{"trigger_type", "namespace_id", "flow_id"};

namespace {

// Registers Kestra's dotted names under the registry's prefix.
class Names {
 public:
  explicit Names(MetricRegistry& registry) : r_(registry) {}
  CounterVec& counter(std::string_view dotted, const std::string& help, const std::vector<std::string>& tags) {
    return r_.counter(exposed_name(r_.prefix(), dotted) + "_total", help, tags);
  }
  GaugeVec& gauge(std::string_view dotted, const std::string& help, const std::vector<std::string>& tags) {
    return r_.gauge(exposed_name(r_.prefix(), dotted), help, tags);
  }
  HistogramVec& timer(std::string_view dotted, const std::string& help, const std::vector<std::string>& tags) {
    return r_.histogram(exposed_name(r_.prefix(), dotted) + "_seconds", help, tags);
  }

 private:
  MetricRegistry& r_;
};

}  // namespace

Catalog::Catalog(MetricRegistry& r)
    : registry(r),
      worker_running(
          Names(r).gauge("worker.running.count", "The number of tasks currently running inside the Worker", kTaskTags)),
      worker_started(
          Names(r).counter("worker.started.count", "The total number of tasks started by the Worker", kTaskTags)),
      worker_retried(
          Names(r).counter("worker.retried.count", "The total number of tasks retried by the Worker", kTaskTags)),
      worker_ended(Names(r).counter("worker.ended.count", "The total number of tasks ended by the Worker", kTaskTags)),
      worker_ended_duration(Names(r).timer("worker.ended.duration", "Task run duration inside the Worker", kTaskTags)),
      worker_queued_duration(
          Names(r).timer("worker.queued.duration", "Task queued duration inside the Worker", kTaskTags)),
      worker_timeout(Names(r).counter("worker.timeout.count",
                                      "The total number of tasks that timeout inside the Worker", kTaskTags)),
      worker_job_running(
          Names(r).gauge("worker.job.running", "The number of jobs currently running inside the Worker", {})),
      worker_job_pending(
          Names(r).gauge("worker.job.pending", "The number of jobs pending to be run by the Worker", {})),
      worker_job_thread(Names(r).gauge("worker.job.thread", "The number of worker threads", {})),
      taskrun_ended(Names(r).counter("executor.taskrun.ended.count", "The total number of tasks ended by the Executor",
                                     kExecutionTags)),
      taskrun_ended_duration(
          Names(r).timer("executor.taskrun.ended.duration", "Task duration inside the Executor", kExecutionTags)),
      workertaskresult(Names(r).counter("executor.workertaskresult.count",
                                        "The total number of task results sent by a Worker", kExecutionTags)),
      taskrun_next(Names(r).counter("executor.taskrun.next.count",
                                    "The total number of task runs created by the Executor", kFlowTags)),
      execution_started(Names(r).counter("executor.execution.started.count",
                                         "The total number of executions started by the Executor", kExecutionTags)),
      execution_end(Names(r).counter("executor.execution.end.count",
                                     "The total number of executions ended by the Executor", kExecutionTags)),
      execution_duration(
          Names(r).timer("executor.execution.duration", "Execution duration inside the Executor", kExecutionTags)),
      indexer_count(Names(r).counter("indexer.count", "Count of index requests sent to a repository", {})),
      indexer_duration(Names(r).timer("indexer.duration", "Duration of index requests sent to a repository", {})),
      indexer_request_count(
          Names(r).counter("indexer.request.count", "Total number of batches of records received by the Indexer", {})),
      indexer_request_duration(
          Names(r).timer("indexer.request.duration", "Batch of records duration inside the Indexer", {})),
      scheduler_trigger(Names(r).counter("scheduler.trigger.count",
                                         "Total number of executions triggered by the Scheduler", kTriggerTags)),
      scheduler_evaluate_running(Names(r).counter("scheduler.evaluate.running.count",
                                                  "Evaluations of triggers started by the Scheduler", kTriggerTags)),
      scheduler_evaluate_duration(
          Names(r).timer("scheduler.evaluate.duration", "Duration of trigger evaluation", kTriggerTags)),
      scheduler_evaluate(Names(r).counter("scheduler.evaluate.count",
                                          "Total number of triggers evaluated by the Scheduler", kTriggerTags)),
      scheduler_loop(
          Names(r).counter("scheduler.loop.count", "Total number of evaluation loops executed by the Scheduler", {})),
      scheduler_trigger_delay(Names(r).timer("scheduler.trigger.delay.duration",
                                             "Trigger delay duration inside the Scheduler", kTriggerTags)),
      flow_trigger_evaluation(Names(r).counter("flow.trigger.evaluation.count",
                                               "Execution state changes matched against the Flow triggers",
                                               kExecutionTags)),
      flow_trigger_match(Names(r).counter("flow.trigger.match.count", "Flow triggers that fired", kTriggerTags)),
      notification_sent(Names(r).counter("notification.sent.count", "Notifications delivered", {"task_type"})),
      notification_failed(Names(r).counter("notification.failed.count", "Notifications that could not be delivered",
                                           {"task_type", "reason"})),
      notification_delivery(Names(r).timer("notification.delivery.duration",
                                           "Notification delivery latency, retries included", {"task_type"})),
      notification_rate_limited(Names(r).counter("notification.ratelimited.count",
                                                 "Notifications that waited for their receiver's rate limit",
                                                 {"task_type"})),
      alerts(Names(r).gauge("alerts", "The Alert triggers' current alerts, by state", {"state"})),
      alert_notifications(Names(r).counter(
          "alert.notifications", "The Alert triggers' notifications, by reason and outcome", {"reason", "outcome"})),
      silences(Names(r).gauge("silences", "Silences, by state", {"state"})) {
  // The untagged metrics have one series from the start, as Kestra's meters do.
  for (CounterVec* c : {&indexer_count, &indexer_request_count, &scheduler_loop}) c->with({});
  for (HistogramVec* h : {&indexer_duration, &indexer_request_duration}) h->with({});
  for (GaugeVec* g : {&worker_job_running, &worker_job_pending, &worker_job_thread}) g->with({});
  for (const char* state : {"pending", "firing", "resolved"}) alerts.with({state});
  for (const char* state : {"pending", "active", "expired"}) silences.with({state});
}

}  // namespace runwatch::metrics
