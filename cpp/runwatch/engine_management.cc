// What the management server reads from the engine: health indicators, the running task
// runs (/worker), the Schedule triggers (/scheduler), the process's threads (/threaddump)
// and the metrics (/prometheus, /metrics).
#include "runwatch/engine.h"
#include "runwatch/server/thread_dump.h"

namespace runwatch {
namespace {

// An executor with messages waiting and no batch begun for this long is stalled.
constexpr auto kStalledAfter = std::chrono::seconds(30);

HealthIndicator executor_health(const Executor::Heartbeat& beat) {
  auto idle_for = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - beat.last_batch);
  bool stalled = beat.backlog > 0 && idle_for > kStalledAfter;
  Value details = {{"backlog", beat.backlog}, {"lastBatchMillisAgo", idle_for.count()}};
  if (!beat.running) details["reason"] = "stopped";
  else if (stalled) details["reason"] = "stalled: messages waiting and no progress for over 30 s";
  return {"executor", beat.running && !stalled, details};
}

Value task_run_json(const RunningTask& task) {
  const auto& who = task.identity;
  return {{"executionId", who.execution_id}, {"namespace", who.ns},         {"flowId", who.flow_id},
          {"taskId", who.task_id},           {"taskRunId", who.task_run_id}, {"type", who.task_type},
          {"attempt", who.attempt},          {"startDate", format_instant(task.started)}};
}

HealthIndicator repository_health(const store::RepositoryInfo& info) {
  Value details = {{"database", info.database}, {"version", info.version}, {"writable", info.writable}};
  if (!info.path.empty()) details["path"] = info.path;
  if (!info.error.empty()) details["error"] = info.error;
  return {"repository", info.writable, details};
}

Value optional_instant(const std::optional<TimePoint>& t) { return t ? Value(format_instant(*t)) : Value(); }

}  // namespace

ManagementSources Engine::management_sources() const {
  ManagementSources sources;
  sources.health = [this] {
    const auto& workers = executor_.workers();
    const int threads = workers.thread_count();
    return std::vector<HealthIndicator>{
        repository_health(repository_->info()),
        executor_health(executor_.heartbeat()),
        {"worker", threads > 0, {{"threads", threads}, {"running", workers.running().size()}, {"pending", workers.pending()}}},
        {"scheduler", scheduler_.running(), {{"triggers", scheduler_.schedules().size()}}},
    };
  };
  sources.worker = [this] {
    Value runs = Value::array();
    for (const auto& task : executor_.workers().running()) runs.push_back(task_run_json(task));
    return Value{{"count", runs.size()}, {"taskRuns", runs}};
  };
  sources.scheduler = [this] {
    Value triggers = Value::array();
    for (const auto& t : scheduler_.schedules())
      triggers.push_back({{"namespace", t.ns},
                          {"flowId", t.flow_id},
                          {"triggerId", t.trigger_id},
                          {"nextDate", optional_instant(t.next_date)},
                          {"lastDate", optional_instant(t.last_date)},
                          {"error", t.error.empty() ? Value() : Value(t.error)}});
    return Value{{"count", triggers.size()}, {"triggers", triggers}};
  };
  sources.thread_dump = [] { return thread_dump_json(take_thread_dump()); };
  sources.prometheus = [this] { return metrics_.prometheus_text(); };
  sources.metrics = [this] { return metrics_.snapshot(); };
  return sources;
}

}  // namespace runwatch
