// The catalog after a workload run on the manual clock: every value exact, per label set.
#include "engine_fixture.h"
#include "metrics_test_support.h"
#include "runwatch/tasks/registry.h"

namespace runwatch::testing {
namespace {

using namespace std::chrono_literals;

const std::string kLog = "io.kestra.plugin.core.log.Log";
const std::string kReturn = "io.kestra.plugin.core.debug.Return";
const std::string kFail = "io.kestra.plugin.core.execution.Fail";

class MetricsEngine : public EngineTest {
 protected:
  std::optional<double> value(const std::string& name, const LabelMap& labels) {
    return sample_value(engine.metrics().snapshot(), name, labels);
  }
  static LabelMap execution(const std::string& flow, const std::string& state) {
    return {{"namespace_id", "company.team"}, {"flow_id", flow}, {"state", state}};
  }
  static LabelMap task(const std::string& type, const std::string& flow) {
    return {{"task_type", type}, {"namespace_id", "company.team"}, {"flow_id", flow}};
  }
  static LabelMap flow(const std::string& flow) { return {{"namespace_id", "company.team"}, {"flow_id", flow}}; }

  // 3 succeeding, 2 failing, 1 retried then WARNING (allowFailure), 1 WARNING at once.
  void run_workload() {
    add("id: ok\nnamespace: company.team\ntasks:\n"
        "  - {id: log, type: " + kLog + ", message: hello}\n"
        "  - {id: ret, type: " + kReturn + ", format: done}\n");
    add("id: ko\nnamespace: company.team\ntasks:\n  - {id: fail, type: " + kFail + "}\n");
    add("id: flaky\nnamespace: company.team\ntasks:\n"
        "  - id: fail\n    type: " + kFail + "\n    allowFailure: true\n"
        "    retry: {type: constant, interval: PT10S, maxAttempt: 2}\n");
    add("id: warn\nnamespace: company.team\ntasks:\n  - {id: fail, type: " + kFail + ", allowFailure: true}\n");
    for (int i = 0; i < 3; ++i) start("ok");
    for (int i = 0; i < 2; ++i) start("ko");
    start("warn");
    start("flaky");
    advance(10s);
  }
};

TEST_F(MetricsEngine, ExecutionMetricsCountEveryExecutionByFinalState) {
  run_workload();
  const std::string started = "kestra_executor_execution_started_count_total";
  EXPECT_EQ(value(started, execution("ok", "RUNNING")), 3);
  EXPECT_EQ(value(started, execution("ko", "RUNNING")), 2);
  EXPECT_EQ(value(started, execution("flaky", "RUNNING")), 1);
  const std::string ended = "kestra_executor_execution_end_count_total";
  EXPECT_EQ(value(ended, execution("ok", "SUCCESS")), 3);
  EXPECT_EQ(value(ended, execution("ko", "FAILED")), 2);
  EXPECT_EQ(value(ended, execution("warn", "WARNING")), 1);
  EXPECT_EQ(value(ended, execution("flaky", "WARNING")), 1);
  EXPECT_EQ(value(ended, execution("ok", "FAILED")), 0);  // created at zero when the flow was loaded
  const std::string duration = "kestra_executor_execution_duration_seconds";
  EXPECT_EQ(value(duration + "_count", execution("flaky", "WARNING")), 1);
  EXPECT_EQ(value(duration + "_sum", execution("flaky", "WARNING")), 10);  // the retry waited 10 s
  EXPECT_EQ(value(duration + "_sum", execution("ok", "SUCCESS")), 0);
  auto bucket = execution("flaky", "WARNING");
  bucket["le"] = "5";
  EXPECT_EQ(value(duration + "_bucket", bucket), 0);
  bucket["le"] = "10";
  EXPECT_EQ(value(duration + "_bucket", bucket), 1);
  bucket["le"] = "+Inf";
  EXPECT_EQ(value(duration + "_bucket", bucket), 1);
}

TEST_F(MetricsEngine, ALoadedFlowsCountersExistAtZeroBeforeAnythingRuns) {
  add(R"(id: alert
namespace: company.team
tasks:
  - id: slack
    type: io.kestra.plugin.notifications.slack.SlackExecution
    url: http://127.0.0.1:1/hook
  - id: again
    type: io.kestra.plugin.slack.SlackExecution
    url: http://127.0.0.1:1/hook
  - {id: log, type: io.kestra.plugin.core.log.Log, message: hello}
triggers:
  - id: on_failure
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in: [FAILED]
  - id: nightly
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 2 * * *"
)");
  const std::string ended = "kestra_executor_execution_end_count_total";
  for (const char* state : {"SUCCESS", "WARNING", "FAILED", "KILLED", "CANCELLED"})
    EXPECT_EQ(value(ended, execution("alert", state)), 0) << state;
  EXPECT_EQ(value(ended, execution("alert", "RUNNING")), std::nullopt);
  const std::string slack = "io.kestra.plugin.slack.notifications.SlackExecution";  // all its names are one type
  EXPECT_EQ(value("kestra_notification_sent_count_total", {{"task_type", slack}}), 0);
  EXPECT_EQ(value("kestra_notification_failed_count_total", {{"task_type", slack}, {"reason", "unreachable"}}), 0);
  EXPECT_EQ(value("kestra_notification_failed_count_total", {{"task_type", slack}, {"reason", "status"}}), 0);
  EXPECT_EQ(value("kestra_notification_sent_count_total", {{"task_type", kLog}}), std::nullopt);  // not a notifier
  EXPECT_EQ(value("kestra_flow_trigger_match_count_total", {{"trigger_type", "io.kestra.plugin.core.trigger.Flow"},
                                                            {"namespace_id", "company.team"},
                                                            {"flow_id", "alert"}}),
            0);
  EXPECT_EQ(value("kestra_scheduler_trigger_count_total", {{"trigger_type", "io.kestra.plugin.core.trigger.Schedule"},
                                                           {"namespace_id", "company.team"},
                                                           {"flow_id", "alert"}}),
            0);
}

TEST(MetricsOptions, PrecreatedSeriesCanBeTurnedOff) {
  EngineOptions options;
  options.clock = std::make_shared<ManualClock>(test_epoch());
  options.metrics.precreate_flow_series = false;
  Engine engine(options);
  engine.add_flow("id: quiet\nnamespace: company.team\ntasks:\n  - {id: log, type: " + kLog + ", message: hi}\n");
  EXPECT_EQ(sample_value(engine.metrics().snapshot(), "kestra_executor_execution_end_count_total",
                         {{"namespace_id", "company.team"}, {"flow_id", "quiet"}, {"state", "FAILED"}}),
            std::nullopt);
}

TEST_F(MetricsEngine, TaskRunAndWorkerResultMetricsCarryTheTaskRunState) {
  run_workload();
  const std::string ended = "kestra_executor_taskrun_ended_count_total";
  EXPECT_EQ(value(ended, execution("ok", "SUCCESS")), 6);
  EXPECT_EQ(value(ended, execution("ko", "FAILED")), 2);
  EXPECT_EQ(value(ended, execution("flaky", "WARNING")), 1);
  EXPECT_EQ(value("kestra_executor_taskrun_ended_duration_seconds_sum", execution("flaky", "WARNING")), 10);
  const std::string results = "kestra_executor_workertaskresult_count_total";
  EXPECT_EQ(value(results, execution("ok", "SUCCESS")), 6);
  EXPECT_EQ(value(results, execution("ko", "FAILED")), 2);
  EXPECT_EQ(value(results, execution("flaky", "FAILED")), 2);  // both attempts failed
  EXPECT_EQ(value(results, execution("warn", "FAILED")), 1);
  const std::string next = "kestra_executor_taskrun_next_count_total";
  EXPECT_EQ(value(next, flow("ok")), 6);
  EXPECT_EQ(value(next, flow("ko")), 2);
  EXPECT_EQ(value(next, flow("flaky")), 1);
}

TEST_F(MetricsEngine, WorkerMetricsCountTasksByTypeAndFlow) {
  run_workload();
  EXPECT_EQ(value("kestra_worker_started_count_total", task(kLog, "ok")), 3);
  EXPECT_EQ(value("kestra_worker_started_count_total", task(kReturn, "ok")), 3);
  EXPECT_EQ(value("kestra_worker_started_count_total", task(kFail, "ko")), 2);
  EXPECT_EQ(value("kestra_worker_started_count_total", task(kFail, "flaky")), 2);
  EXPECT_EQ(value("kestra_worker_retried_count_total", task(kFail, "flaky")), 1);
  EXPECT_EQ(value("kestra_worker_retried_count_total", task(kFail, "ko")), 0);
  EXPECT_EQ(value("kestra_worker_ended_count_total", task(kFail, "flaky")), 2);
  EXPECT_EQ(value("kestra_worker_ended_count_total", task(kLog, "ok")), 3);
  EXPECT_EQ(value("kestra_worker_running_count", task(kLog, "ok")), 0);
  EXPECT_EQ(value("kestra_worker_timeout_count_total", task(kFail, "ko")), 0);
  EXPECT_EQ(value("kestra_worker_ended_duration_seconds_count", task(kFail, "flaky")), 2);
  EXPECT_EQ(value("kestra_worker_ended_duration_seconds_sum", task(kFail, "flaky")), 0);
  EXPECT_EQ(value("kestra_worker_queued_duration_seconds_count", task(kReturn, "ok")), 3);
  EXPECT_EQ(value("kestra_worker_job_thread", {}), 4);
  EXPECT_EQ(value("kestra_worker_job_running", {}), 0);
  EXPECT_EQ(value("kestra_worker_job_pending", {}), 0);
}

TEST_F(MetricsEngine, ARunningTaskIsCountedUntilItEndsAndATimeoutIsCounted) {
  add(R"(
id: slow
namespace: company.team
tasks:
  - id: sleep
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT1M
    timeout: PT10S
)");
  start("slow");
  const auto sleep = task("io.kestra.plugin.core.flow.Sleep", "slow");
  EXPECT_EQ(value("kestra_worker_running_count", sleep), 1);
  EXPECT_EQ(value("kestra_worker_job_running", {}), 1);
  advance(10s);
  EXPECT_EQ(value("kestra_worker_running_count", sleep), 0);
  EXPECT_EQ(value("kestra_worker_timeout_count_total", sleep), 1);
  EXPECT_EQ(value("kestra_worker_ended_duration_seconds_sum", sleep), 10);
  EXPECT_EQ(value("kestra_executor_execution_end_count_total", execution("slow", "FAILED")), 1);
}

TEST_F(MetricsEngine, FlowTriggerEvaluationsAndMatchesAreCounted) {
  add("id: ko\nnamespace: company.team\ntasks:\n  - {id: fail, type: " + kFail + "}\n");
  add(R"(
id: alert
namespace: company.team
tasks:
  - {id: log, type: io.kestra.plugin.core.log.Log, message: alert}
triggers:
  - id: on_failure
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in: [FAILED]
)");
  start("ko");
  start("ko");
  EXPECT_EQ(value("kestra_flow_trigger_evaluation_count_total", execution("ko", "RUNNING")), 2);
  EXPECT_EQ(value("kestra_flow_trigger_evaluation_count_total", execution("ko", "FAILED")), 2);
  EXPECT_EQ(value("kestra_flow_trigger_evaluation_count_total", execution("alert", "SUCCESS")), 2);
  EXPECT_EQ(value("kestra_flow_trigger_match_count_total",
                  {{"trigger_type", "io.kestra.plugin.core.trigger.Flow"}, {"namespace_id", "company.team"},
                   {"flow_id", "alert"}}),
            2);
}

TEST_F(MetricsEngine, ScheduleTriggersAreCountedWithTheirDelay) {
  add(R"(
id: every_minute
namespace: company.team
tasks:
  - {id: log, type: io.kestra.plugin.core.log.Log, message: tick}
triggers:
  - id: schedule
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "* * * * *"
)");
  advance(90s);  // from 22:13:20: the date 22:14:00 fires once, 50 s late
  const LabelMap trigger{{"trigger_type", "io.kestra.plugin.core.trigger.Schedule"},
                         {"namespace_id", "company.team"}, {"flow_id", "every_minute"}};
  EXPECT_EQ(value("kestra_scheduler_trigger_count_total", trigger), 1);
  EXPECT_EQ(value("kestra_scheduler_evaluate_count_total", trigger), 1);
  EXPECT_EQ(value("kestra_scheduler_evaluate_running_count_total", trigger), 1);
  EXPECT_EQ(value("kestra_scheduler_evaluate_duration_seconds_count", trigger), 1);
  EXPECT_EQ(value("kestra_scheduler_trigger_delay_duration_seconds_count", trigger), 1);
  EXPECT_EQ(value("kestra_scheduler_trigger_delay_duration_seconds_sum", trigger), 50);
  EXPECT_EQ(value("kestra_scheduler_loop_count_total", {}), 1);
  EXPECT_EQ(value("kestra_executor_execution_end_count_total", execution("every_minute", "SUCCESS")), 1);
}

// A C++ task that emits Kestra-style task metrics.
class EmitMetrics final : public TaskType {
 public:
  EmitMetrics() : TaskType(schema()) {}
  static TypeSchema schema() {
    TypeSchema s;
    s.name = "io.test.metrics.Emit";
    s.description = "emits task metrics";
    return s;
  }
  TaskResult run(RunContext& ctx, const Value&) const override {
    ctx.counter("records.read", 5, {{"source", "db"}});
    ctx.counter("records.read", 2, {{"source", "db"}});
    ctx.timer("fetch", std::chrono::milliseconds(1500));
    return {};
  }
};

TEST_F(MetricsEngine, TasksEmitCountersAndTimersUnderThePrefixWithTheirIdentity) {
  PluginRegistry::global().add_task(std::make_shared<EmitMetrics>());
  add("id: emitting\nnamespace: company.team\ntasks:\n  - {id: emit, type: io.test.metrics.Emit}\n");
  start("emitting");
  start("emitting");
  LabelMap tags{{"namespace_id", "company.team"}, {"flow_id", "emitting"}, {"task_id", "emit"}};
  auto with_source = tags;
  with_source["source"] = "db";
  EXPECT_EQ(value("kestra_records_read_total", with_source), 14);
  EXPECT_EQ(value("kestra_fetch_seconds_count", tags), 2);
  EXPECT_EQ(value("kestra_fetch_seconds_sum", tags), 3);
}

TEST_F(MetricsEngine, EverySpecMetricIsRegisteredWithItsType) {
  const std::map<std::string, std::string> spec{
      {"kestra_worker_running_count", "gauge"},
      {"kestra_worker_started_count_total", "counter"},
      {"kestra_worker_retried_count_total", "counter"},
      {"kestra_worker_ended_count_total", "counter"},
      {"kestra_worker_ended_duration_seconds", "histogram"},
      {"kestra_worker_job_running", "gauge"},
      {"kestra_worker_job_pending", "gauge"},
      {"kestra_worker_job_thread", "gauge"},
      {"kestra_worker_queued_duration_seconds", "histogram"},
      {"kestra_worker_timeout_count_total", "counter"},
      {"kestra_executor_taskrun_ended_count_total", "counter"},
      {"kestra_executor_taskrun_ended_duration_seconds", "histogram"},
      {"kestra_executor_workertaskresult_count_total", "counter"},
      {"kestra_executor_execution_started_count_total", "counter"},
      {"kestra_executor_execution_end_count_total", "counter"},
      {"kestra_executor_execution_duration_seconds", "histogram"},
      {"kestra_executor_taskrun_next_count_total", "counter"},
      {"kestra_indexer_count_total", "counter"},
      {"kestra_indexer_duration_seconds", "histogram"},
      {"kestra_indexer_request_count_total", "counter"},
      {"kestra_indexer_request_duration_seconds", "histogram"},
      {"kestra_scheduler_trigger_count_total", "counter"},
      {"kestra_scheduler_evaluate_running_count_total", "counter"},
      {"kestra_scheduler_evaluate_duration_seconds", "histogram"},
      {"kestra_scheduler_evaluate_count_total", "counter"},
      {"kestra_scheduler_loop_count_total", "counter"},
      {"kestra_scheduler_trigger_delay_duration_seconds", "histogram"},
  };
  run_workload();
  add(R"(
id: scheduled
namespace: company.team
tasks:
  - {id: log, type: io.kestra.plugin.core.log.Log, message: tick}
triggers:
  - {id: schedule, type: io.kestra.plugin.core.trigger.Schedule, cron: "* * * * *"}
)");
  advance(60s);
  add(R"(
id: slow
namespace: company.team
tasks:
  - {id: sleep, type: io.kestra.plugin.core.flow.Sleep, duration: PT1M, timeout: PT1S}
)");
  start("slow");
  advance(1s);
  std::string text = engine.metrics().prometheus_text();
  for (const auto& [name, type] : spec) {
    EXPECT_NE(text.find("# TYPE " + name + " " + type + "\n"), std::string::npos) << name;
    EXPECT_NE(text.find("\n" + name + (type == "histogram" ? "_count" : "")), std::string::npos) << name;
  }
}

TEST(MetricsOptions, ThePrefixAndCommonTagsApplyToEverySeries) {
  EngineOptions options;
  options.clock = std::make_shared<ManualClock>(test_epoch());
  options.worker_threads = 2;
  options.metrics.prefix = "acme.ops";
  options.metrics.tags = {{"env", "prod"}, {"region", "eu"}};
  Engine engine(options);
  engine.add_flow("id: ok\nnamespace: company.team\ntasks:\n  - {id: log, type: " + kLog + ", message: hi}\n");
  engine.submit("company.team", "ok");
  ASSERT_TRUE(engine.wait_idle(std::chrono::seconds(20)));
  auto samples = engine.metrics().snapshot();
  EXPECT_EQ(sample_value(samples, "acme_ops_executor_execution_end_count_total",
                         {{"namespace_id", "company.team"}, {"flow_id", "ok"}, {"state", "SUCCESS"},
                          {"env", "prod"}, {"region", "eu"}}),
            1);
  for (const auto& s : samples) {
    if (s.name.rfind("process_", 0) != 0) {
      EXPECT_EQ(s.name.rfind("acme_ops_", 0), 0u) << s.name;
    }
    EXPECT_EQ(label_map(s).at("env"), "prod") << s.name;
  }
}

TEST(MetricsOptions, AnInvalidPrefixOrCommonTagIsRefused) {
  EngineOptions options;
  options.metrics.prefix = "1st";
  EXPECT_THROW(
      {
        try {
          Engine engine(options);
        } catch (const metrics::MetricError& e) {
          EXPECT_STREQ(e.what(), "invalid metric name '1st': Prometheus metric names match [a-zA-Z_:][a-zA-Z0-9_:]*");
          throw;
        }
      },
      metrics::MetricError);
  options.metrics.prefix = "kestra";
  options.metrics.tags = {{"team-name", "a"}};
  EXPECT_THROW(Engine{options}, metrics::MetricError);
}

TEST(MetricsOptions, MetricsOffRegistersNoCatalog) {
  EngineOptions options;
  options.clock = std::make_shared<ManualClock>(test_epoch());
  options.worker_threads = 2;
  options.metrics.enabled = false;
  Engine engine(options);
  engine.add_flow("id: ok\nnamespace: company.team\ntasks:\n  - {id: log, type: " + kLog + ", message: hi}\n");
  engine.submit("company.team", "ok");
  ASSERT_TRUE(engine.wait_idle(std::chrono::seconds(20)));
  for (const auto& s : engine.metrics().snapshot()) EXPECT_EQ(s.name.rfind("process_", 0), 0u) << s.name;
  EXPECT_TRUE(engine.metrics().history(std::nullopt, std::nullopt).empty());
}

}  // namespace
}  // namespace runwatch::testing
