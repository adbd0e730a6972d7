// The engine on a repository: executions are recorded by the indexer, are all back
// after a restart, and those a restart interrupted end FAILED and fire their alerts.
#include <gtest/gtest.h>
#include <prometheus/metric_family.h>

#include <sys/resource.h>

#include <csignal>
#include <fstream>

#include "engine_fixture.h"
#include "runwatch/store/execution_codec.h"
#include "runwatch/store/sqlite_repository.h"
#include "runwatch/store/store_error.h"
#include "store_test_support.h"

namespace runwatch::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kWork = R"(
id: work
namespace: company.team
inputs:
  - id: fail
    type: BOOLEAN
    defaults: false
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "Hello {{ execution.id }}"
  - id: check
    type: io.kestra.plugin.core.execution.Fail
    runIf: "{{ inputs.fail }}"
    errorMessage: boom
  - id: result
    type: io.kestra.plugin.core.debug.Return
    format: "{{ execution.id }}"
)";

constexpr const char* kAlert = R"(
id: alert
namespace: company.monitoring
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.executionId }} {{ trigger.state }}"
triggers:
  - id: on_failure
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in: [FAILED]
)";

class StoreEngineTest : public ::testing::Test {
 protected:
  TempFolder folder;
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(test_epoch());

  std::unique_ptr<Engine> open(std::optional<Duration> retention = std::nullopt,
                               size_t ended_cached = kEndedExecutionsCached, bool restart_interrupted_tasks = false) {
    EngineOptions o;
    o.clock = clock;
    o.restart_interrupted_tasks = restart_interrupted_tasks;
    o.retention = retention;
    o.ended_executions_cached = ended_cached;
    o.worker_threads = 4;
    o.repository = store::open_repository("sqlite", folder / "runwatch.db");
    auto engine = std::make_unique<Engine>(std::move(o));
    engine->add_flow(kWork, "work.yaml");
    engine->add_flow(kAlert, "alert.yaml");
    return engine;
  }

  static std::vector<Value> documents(const std::vector<Engine::Snapshot>& executions) {
    std::vector<Value> out;
    for (const auto& e : executions) out.push_back(store::encode_execution(*e));
    return out;
  }
};

// The value of the first series of a counter family, -1 when there is none.
double counter_value(Engine& engine, const std::string& name) {
  for (const auto& family : engine.metrics().catalog()->registry.collect())
    if (family.name == name) return family.metric.at(0).counter.value;
  return -1.0;
}

TEST(MemoryStoreEngine, EveryChangeIsRecordedAtOnceAndCounted) {
  EngineOptions o;
  o.clock = std::make_shared<ManualClock>(test_epoch());
  Engine engine(std::move(o));
  engine.add_flow(kWork, "work.yaml");
  auto created = engine.submit("company.team", "work");
  ASSERT_TRUE(engine.wait_idle(20s));
  // Each state written as the executor published it: CREATED, RUNNING, the task runs' steps, SUCCESS.
  EXPECT_EQ(engine.repository().find_execution(created->id)->state.current(), State::SUCCESS);
  double writes = counter_value(engine, "kestra_indexer_count_total");
  EXPECT_GE(writes, 4.0);
  EXPECT_EQ(counter_value(engine, "kestra_indexer_request_count_total"), writes);  // one change a request
}

// What a crash leaves: executions recorded, never ended.
void record(const std::filesystem::path& file, const std::vector<Execution>& executions) {
  store::SqliteRepository repo(file);
  std::vector<Engine::Snapshot> snapshots;
  for (const auto& e : executions) snapshots.push_back(std::make_shared<const Execution>(e));
  repo.save_executions(snapshots);
}

// A monitoring execution of the alert flow's first revision, created and not started.
Execution created_alert(TimePoint at) {
  Execution alert;
  alert.id = "alert-1";
  alert.ns = "company.monitoring";
  alert.flow_id = "alert";
  alert.flow_revision = 1;
  alert.state = StateHistory(State::CREATED, at);
  alert.trigger = {{"executionId", "upstream-1"}, {"state", "FAILED"}};
  return alert;
}

// A task run of the `tasks` branch, its first attempt running.
TaskRun running_task_run(const std::string& id, const std::string& task_id, TimePoint at) {
  TaskRun run;
  run.id = id;
  run.task_id = task_id;
  run.branch = "tasks";
  run.state = StateHistory(State::CREATED, at);
  run.state.transition(State::RUNNING, at);
  run.attempts.push_back(Attempt{StateHistory(State::RUNNING, at)});
  return run;
}

TEST_F(StoreEngineTest, EveryExecutionTaskRunAndLogLineIsBackAfterARestart) {
  std::vector<Value> before;
  {
    auto engine = open();
    for (int i = 0; i < 12; ++i) engine->submit("company.team", "work", {{"fail", i % 4 == 0}});
    ASSERT_TRUE(engine->wait_idle(20s));
    auto executions = engine->executions();
    ASSERT_EQ(executions.size(), 15u);  // 12, and an alert for each of the 3 failures
    EXPECT_EQ(engine->executions({.ns = "company.team", .flow_id = "work", .state = State::FAILED}).size(), 3u);
    before = documents(executions);
    engine->stop();
  }
  auto engine = open();
  EXPECT_EQ(engine->recovered(), 0u);
  auto after = engine->executions();
  ASSERT_EQ(after.size(), 15u);
  std::sort(before.begin(), before.end(), [](const Value& a, const Value& b) { return a["id"] < b["id"]; });
  auto again = documents(after);
  std::sort(again.begin(), again.end(), [](const Value& a, const Value& b) { return a["id"] < b["id"]; });
  EXPECT_EQ(again, before);
  size_t lines = 0;
  for (const auto& e : after) lines += e->logs.size();
  // A Hello each, boom for each failure, Return's line for each success, an alert line each.
  EXPECT_EQ(lines, 12u + 3u + 9u + 3u);
}

TEST_F(StoreEngineTest, EndedExecutionsLeaveMemoryOnceRecordedAndAreReadBackFromTheStore) {
  std::vector<std::string> ids;
  {
    auto engine = open(std::nullopt, 5);
    for (int i = 0; i < 30; ++i) ids.push_back(engine->submit("company.team", "work")->id);
    ASSERT_TRUE(engine->wait_idle(20s));
    engine->wait_recorded();
    auto first = engine->execution(ids[0]);  // from the store; what is over the cache's size leaves
    ASSERT_TRUE(first);
    EXPECT_EQ(first->state.current(), State::SUCCESS);
    EXPECT_EQ(first->task_runs.size(), 3u);
    EXPECT_EQ(engine->executions_in_memory(), 5u);
    EXPECT_EQ(engine->wait(ids[1], 0s)->state.current(), State::SUCCESS);
    std::vector<std::string> listed;
    for (const auto& e : engine->executions()) listed.push_back(e->id);
    EXPECT_EQ(listed, ids);
    auto page_of = [](size_t page, size_t size) {
      ExecutionSearch search;
      search.page = page;
      search.size = size;
      return search;
    };
    auto page = engine->search_executions(page_of(2, 12));
    EXPECT_EQ(page.total, 30u);
    ASSERT_EQ(page.results.size(), 12u);
    EXPECT_EQ(page.results.front()->id, ids[17]);
    EXPECT_EQ(page.results.back()->id, ids[6]);
    EXPECT_TRUE(engine->search_executions(page_of(4, 10)).results.empty());
    EXPECT_EQ(engine->execution("nosuchexecution"), nullptr);
  }
  // A restart brings back only what is unfinished: nothing here.
  auto engine = open(std::nullopt, 5);
  EXPECT_EQ(engine->executions_in_memory(), 0u);
  EXPECT_EQ(engine->executions().size(), 30u);
  EXPECT_EQ(engine->execution(ids[12])->state.current(), State::SUCCESS);
  EXPECT_EQ(engine->executions_in_memory(), 1u);
}

TEST_F(StoreEngineTest, FlowsAreBackAfterARestartAtTheirRevisionsAndADeletionIsARevision) {
  std::string changed = std::string(kWork) + "description: changed\n";
  {
    auto engine = open();
    EXPECT_EQ(engine->add_flow(changed, "work.yaml")->revision, 2);
    EXPECT_EQ(engine->add_flow(changed, "work.yaml")->revision, 2);  // unchanged: no new revision
    EXPECT_TRUE(engine->remove_flow("company.monitoring", "alert"));
    engine->stop();
  }
  EngineOptions o;
  o.clock = clock;
  o.repository = store::open_repository("sqlite", folder / "runwatch.db");
  Engine engine(std::move(o));
  ASSERT_EQ(engine.flows().size(), 1u);
  EXPECT_EQ(engine.flow("company.team", "work")->revision, 2);
  EXPECT_EQ(engine.flow("company.team", "work")->source, changed);
  EXPECT_EQ(engine.flow("company.monitoring", "alert"), nullptr);
  EXPECT_EQ(engine.add_flow(kAlert, "alert.yaml")->revision, 3);
  auto revisions = engine.repository().flow_revisions("company.monitoring", "alert");
  ASSERT_EQ(revisions.size(), 3u);
  EXPECT_EQ((std::vector<bool>{revisions[0].deleted, revisions[1].deleted, revisions[2].deleted}),
            (std::vector<bool>{false, true, false}));
  EXPECT_EQ(engine.repository().flow_revisions("company.team", "work").size(), 2u);
}

TEST_F(StoreEngineTest, AStoredFlowThatNoLongerLoadsIsSkippedAndItsRevisionsGoOn) {
  {
    store::SqliteRepository repo(folder / "runwatch.db");
    repo.save_flows({{"company.team", "legacy", 4,
                      "id: legacy\nnamespace: company.team\ntasks:\n  - id: t\n    type: io.example.Gone\n"}});
  }
  auto engine = open();
  EXPECT_EQ(engine->flow("company.team", "legacy"), nullptr);
  EXPECT_EQ(engine->flows().size(), 2u);
  auto again = engine->add_flow("id: legacy\nnamespace: company.team\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n"
                                "    message: back\n");
  EXPECT_EQ(again->revision, 5);
}

TEST_F(StoreEngineTest, AFlowWhoseRevisionCannotBeRecordedIsNotChanged) {
  auto engine = open();
  engine->repository().close();
  EXPECT_THROW(engine->add_flow(std::string(kWork) + "description: changed\n"), store::StoreError);
  EXPECT_THROW(engine->remove_flow("company.team", "work"), store::StoreError);
  EXPECT_EQ(engine->flow("company.team", "work")->revision, 1);
  EXPECT_EQ(engine->flow("company.team", "work")->description, "");
}

TEST_F(StoreEngineTest, AnInterruptedExecutionGoesOnWithTheRevisionItStartedWith) {
  open()->stop();  // records the flows at revision 1
  record(folder / "runwatch.db", {created_alert(clock->now())});
  // The files given at start change the alert flow: revision 2 says something else.
  std::filesystem::create_directory(folder / "flows");
  std::string changed(kAlert);
  changed.replace(changed.find("{{ trigger.state }}"), 19, "changed");
  std::ofstream(folder / "flows" / "alert.yaml") << changed;
  EngineOptions o;
  o.clock = clock;
  o.repository = store::open_repository("sqlite", folder / "runwatch.db");
  o.flows = folder / "flows";
  Engine engine(std::move(o));
  EXPECT_EQ(engine.recovered(), 1u);
  EXPECT_EQ(engine.flow("company.monitoring", "alert")->revision, 2);
  ASSERT_TRUE(engine.wait_idle(20s));
  auto resumed = engine.execution("alert-1");
  ASSERT_EQ(resumed->state.current(), State::SUCCESS);
  EXPECT_EQ(resumed->logs.at(0).message, "upstream-1 FAILED");
}

TEST_F(StoreEngineTest, ASubmittedExecutionIsRecordedBeforeSubmitReturns) {
  auto engine = open();
  auto created = engine->submit("company.team", "work");
  auto recorded = engine->repository().find_execution(created->id);
  ASSERT_TRUE(recorded);
  EXPECT_EQ(recorded->state.history().front().state, State::CREATED);
}

TEST_F(StoreEngineTest, TheIndexerCountsWhatItRecords) {
  auto engine = open();
  engine->submit("company.team", "work");
  ASSERT_TRUE(engine->wait_idle(20s));
  engine->stop();
  EXPECT_GE(counter_value(*engine, "kestra_indexer_count_total"), 2.0);  // at least CREATED and SUCCESS
  EXPECT_GE(counter_value(*engine, "kestra_indexer_request_count_total"), 2.0);
  store::SqliteRepository file(folder / "runwatch.db");  // stop() released it
  EXPECT_EQ(file.find_executions({}).at(0)->state.current(), State::SUCCESS);
}

// The entries an ended execution brings (its deliveries) are written with its snapshot:
// once the snapshot is committed, so are they.
TEST(IndexerBatches, ASnapshotsHistoryEntriesAreCommittedWithIt) {
  TempFolder folder;
  store::SqliteRepository repository(folder / "runwatch.db");
  store::Indexer indexer(repository, nullptr);
  auto execution = std::make_shared<Execution>();
  execution->id = "exec-1";
  execution->ns = "company.team";
  execution->flow_id = "etl";
  execution->state = StateHistory(State::SUCCESS, test_epoch());
  AlertEvent delivered{.date = test_epoch(),
                       .status = "delivered",
                       .alert_ns = "company.team",
                       .alert_flow_id = "etl",
                       .ns = "company.team",
                       .flow_id = "etl",
                       .execution_id = "exec-1",
                       .notification_id = "exec-1",
                       .task_id = "slack",
                       .idempotency_key = "exec-1:tr-1"};
  auto ticket = indexer.record(execution, {delivered});
  indexer.wait_recorded(ticket);
  ASSERT_NE(repository.find_execution("exec-1"), nullptr);
  auto events = repository.find_alert_events({});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].idempotency_key, "exec-1:tr-1");
  EXPECT_EQ(events[0].status, "delivered");
}

TEST_F(StoreEngineTest, ARestartStartsWhatNeverStartedAndFailsWhatWasRunningFiringItsAlert) {
  Execution created, running;
  {
    auto engine = open();
    auto flow = engine->flow("company.team", "work");
    created.id = "never-started";
    created.ns = "company.team";
    created.flow_id = "work";
    created.flow_revision = flow->revision;
    created.state = StateHistory(State::CREATED, clock->now());
    created.inputs = {{"fail", false}};
    running = created;
    running.id = "was-running";
    running.state.transition(State::RUNNING, clock->now());
    running.task_runs.push_back(running_task_run("run-1", "hello", clock->now()));
    engine->stop();
  }
  record(folder / "runwatch.db", {created, running});

  auto engine = open();
  EXPECT_EQ(engine->recovered(), 2u);
  ASSERT_TRUE(engine->wait_idle(20s));
  auto started = engine->execution("never-started");
  EXPECT_EQ(started->state.current(), State::SUCCESS);
  auto failed = engine->execution("was-running");
  ASSERT_EQ(failed->state.current(), State::FAILED);
  EXPECT_EQ(failed->task_runs.at(0).state.current(), State::FAILED);
  EXPECT_EQ(failed->task_runs.at(0).attempts.at(0).state.current(), State::FAILED);
  EXPECT_EQ(failed->logs.back().message, "engine restarted while running");
  EXPECT_EQ(failed->logs.back().level, LogLevel::ERROR);
  auto alerts = engine->executions({.ns = "company.monitoring", .flow_id = "alert", .state = std::nullopt});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]->state.current(), State::SUCCESS);
  EXPECT_EQ(alerts[0]->logs.at(0).message, "was-running FAILED");
  engine->stop();
  store::SqliteRepository file(folder / "runwatch.db");
  EXPECT_EQ(file.find_execution("was-running")->state.current(), State::FAILED);
  EXPECT_EQ(file.count_executions({.states = {State::CREATED, State::RUNNING}}), 0u);
  EXPECT_THROW(engine->repository().find_execution("was-running"), store::StoreError);
}

TEST_F(StoreEngineTest, WithARestartStrategyATaskTheCrashInterruptedRunsAgain) {
  open()->stop();  // records the flows at revision 1
  Execution running;
  running.id = "was-running";
  running.ns = "company.team";
  running.flow_id = "work";
  running.state = StateHistory(State::CREATED, clock->now());
  running.state.transition(State::RUNNING, clock->now());
  running.inputs = {{"fail", false}};
  running.task_runs.push_back(running_task_run("run-1", "hello", clock->now()));
  record(folder / "runwatch.db", {running});
  auto engine = open(std::nullopt, kEndedExecutionsCached, true);
  ASSERT_TRUE(engine->wait_idle(20s));
  auto resumed = engine->execution("was-running");
  ASSERT_EQ(resumed->state.current(), State::SUCCESS);
  const auto& run = resumed->task_runs.at(0);
  EXPECT_EQ(run.id, "run-1");
  ASSERT_EQ(run.attempts.size(), 2u);
  EXPECT_EQ(run.attempts[0].state.current(), State::FAILED);
  EXPECT_EQ(run.attempts[1].state.current(), State::SUCCESS);
  EXPECT_TRUE(engine->executions({.ns = "company.monitoring", .flow_id = "alert", .state = std::nullopt}).empty());
}

TEST_F(StoreEngineTest, AMonitoringExecutionInterruptedByARestartResumesItsTaskRun) {
  open()->stop();  // records the flows at revision 1
  Execution alert = created_alert(clock->now());
  alert.state.transition(State::RUNNING, clock->now());
  alert.task_runs.push_back(running_task_run("log-run", "log", clock->now()));
  record(folder / "runwatch.db", {alert});
  auto engine = open();
  EXPECT_EQ(engine->recovered(), 1u);
  ASSERT_TRUE(engine->wait_idle(20s));
  auto resumed = engine->execution("alert-1");
  ASSERT_EQ(resumed->state.current(), State::SUCCESS);
  ASSERT_EQ(resumed->task_runs.size(), 1u);
  const auto& run = resumed->task_runs[0];
  EXPECT_EQ(run.id, "log-run");
  ASSERT_EQ(run.attempts.size(), 2u);
  EXPECT_EQ(run.attempts[0].state.current(), State::FAILED);
  EXPECT_EQ(run.attempts[1].state.current(), State::SUCCESS);
  ASSERT_EQ(resumed->logs.size(), 2u);
  EXPECT_EQ(resumed->logs[0].message, "Resumed after an engine restart");
  EXPECT_EQ(resumed->logs[1].message, "upstream-1 FAILED");
}

constexpr const char* kHourly = R"(
id: hourly
namespace: company.team
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.date }}"
triggers:
  - id: every_hour
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 * * * *"
)";

TEST_F(StoreEngineTest, AScheduleGoesOnFromItsLastDateAfterARestartAndNeverFiresADateTwice) {
  // The clock starts at 22:13:20 UTC: the first date is 23:00.
  {
    auto engine = open();
    engine->add_flow(kHourly, "hourly.yaml");
    clock->advance(47min);
    ASSERT_TRUE(engine->wait_idle(20s));
    ASSERT_EQ(engine->executions({.ns = "company.team", .flow_id = "hourly", .state = std::nullopt}).size(), 1u);
    engine->stop();
  }
  clock->advance(3h + 30min);  // down from 23:00 to 02:30: 00:00, 01:00 and 02:00 were missed
  auto engine = open();
  engine->add_flow(kHourly, "hourly.yaml");
  ASSERT_TRUE(engine->wait_idle(20s));
  std::vector<std::string> dates;
  for (const auto& e : engine->executions({.ns = "company.team", .flow_id = "hourly", .state = std::nullopt}))
    dates.push_back(e->trigger.at("date").get<std::string>());
  std::sort(dates.begin(), dates.end());
  EXPECT_EQ(dates, (std::vector<std::string>{"2023-11-14T23:00:00Z", "2023-11-15T00:00:00Z", "2023-11-15T01:00:00Z",
                                             "2023-11-15T02:00:00Z"}));
  EXPECT_EQ(engine->schedules().at(0).last_date, test_epoch() + 3h + 46min + 40s);
}

constexpr const char* kBothFailed = R"(
id: both_failed
namespace: company.monitoring
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.flowId }}"
triggers:
  - id: upstream_failed
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: both
      flows:
        - namespace: company.team
          flowId: a
          states: [FAILED]
        - namespace: company.team
          flowId: b
          states: [FAILED]
      timeWindow:
        type: DURATION_WINDOW
        window: PT1H
)";

TEST_F(StoreEngineTest, APreconditionWindowSurvivesARestart) {
  auto failing = [](const std::string& id) {
    return "id: " + id + "\nnamespace: company.team\ntasks:\n  - id: fail\n    type: io.kestra.plugin.core.execution.Fail\n";
  };
  auto open_with_windows = [&] {
    auto engine = open();
    engine->add_flow(failing("a"), "a.yaml");
    engine->add_flow(failing("b"), "b.yaml");
    engine->add_flow(kBothFailed, "both.yaml");
    return engine;
  };
  auto fired = [](Engine& engine) {
    return engine.executions({.ns = "company.monitoring", .flow_id = "both_failed", .state = std::nullopt}).size();
  };
  {
    auto engine = open_with_windows();
    engine->submit("company.team", "a");
    ASSERT_TRUE(engine->wait_idle(20s));
    EXPECT_EQ(fired(*engine), 0u);
    engine->stop();
  }
  clock->advance(10min);
  auto engine = open_with_windows();
  engine->submit("company.team", "b");
  ASSERT_TRUE(engine->wait_idle(20s));
  ASSERT_EQ(fired(*engine), 1u);  // a's failure, counted before the restart, completed the window
  // The complete window started afresh, and that too is recorded.
  engine->stop();
  store::SqliteRepository file(folder / "runwatch.db");
  EXPECT_TRUE(file.states(store::kWindowState).empty());
}

TEST_F(StoreEngineTest, RetentionPurgesExecutionsEndedLongerAgoAtStartUp) {
  std::string old_id, new_id;
  {
    auto engine = open();
    old_id = engine->submit("company.team", "work")->id;
    ASSERT_TRUE(engine->wait_idle(20s));
    clock->advance(2h);
    new_id = engine->submit("company.team", "work")->id;
    ASSERT_TRUE(engine->wait_idle(20s));
    engine->stop();
  }
  clock->advance(30min);
  auto engine = open(1h);  // the first ended 2 h 30 min ago, the second 30 min ago
  EXPECT_EQ(engine->execution(old_id), nullptr);
  ASSERT_NE(engine->execution(new_id), nullptr);
  EXPECT_EQ(engine->executions().size(), 1u);
  EXPECT_EQ(engine->repository().count_executions({}), 1u);
}

TEST_F(StoreEngineTest, RetentionPurgesEveryHourWhileTheEngineRuns) {
  auto engine = open(1h);
  auto old_id = engine->submit("company.team", "work")->id;
  ASSERT_TRUE(engine->wait_idle(20s));
  clock->advance(1h);
  ASSERT_TRUE(engine->wait_idle(20s));
  EXPECT_NE(engine->execution(old_id), nullptr);  // ended exactly an hour ago: kept
  auto new_id = engine->submit("company.team", "work")->id;
  ASSERT_TRUE(engine->wait_idle(20s));
  clock->advance(1h);
  ASSERT_TRUE(engine->wait_idle(20s));
  EXPECT_EQ(engine->execution(old_id), nullptr);
  ASSERT_NE(engine->execution(new_id), nullptr);
  EXPECT_EQ(engine->executions().size(), 1u);
  EXPECT_EQ(engine->repository().count_executions({}), 1u);
  EXPECT_EQ(engine->repository().find_execution(old_id), nullptr);
}

TEST_F(StoreEngineTest, HealthShowsTheDatabase) {
  auto engine = open();
  auto indicators = engine->management_sources().health();
  ASSERT_EQ(indicators.at(0).name, "repository");
  EXPECT_TRUE(indicators[0].up);
  EXPECT_EQ(indicators[0].details["database"], "sqlite");
  EXPECT_EQ(indicators[0].details["path"], (folder / "runwatch.db").string());
  EXPECT_EQ(indicators[0].details["writable"], true);
}

// The disk fills up (a file size limit, so writes really fail): submits answer the
// store's error and those executions never run; /health is DOWN with the reason while
// writes fail and UP again once one succeeds.
TEST_F(StoreEngineTest, WritesThatFailMakeHealthDownAndRefusedSubmitsNeverRun) {
  auto engine = open();
  auto recorded = engine->submit("company.team", "work");
  ASSERT_TRUE(engine->wait_idle(20s));
  struct rlimit before {};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &before), 0);
  auto previous_handler = std::signal(SIGXFSZ, SIG_IGN);
  auto size_of = [&](const char* suffix) {
    std::error_code ec;
    auto size = std::filesystem::file_size(folder / (std::string("runwatch.db") + suffix), ec);
    return ec ? std::uintmax_t{0} : size;
  };
  struct rlimit full = before;
  full.rlim_cur = std::max(size_of(""), size_of("-wal"));
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &full), 0);
  std::vector<std::string> refused;
  for (int i = 0; i < 50 && refused.empty(); ++i) {
    try {
      engine->submit("company.team", "work");
    } catch (const store::StoreError& e) {
      refused.push_back(e.what());
    }
  }
  auto health = engine->management_sources().health();
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &before), 0);
  std::signal(SIGXFSZ, previous_handler);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_FALSE(health.at(0).up);
  EXPECT_EQ(health[0].details["writable"], false);
  EXPECT_NE(health[0].details.value("error", ""), "");

  ASSERT_TRUE(engine->wait_idle(20s));
  auto again = engine->submit("company.team", "work");
  ASSERT_EQ(engine->wait(again->id, 20s)->state.current(), State::SUCCESS);
  health = engine->management_sources().health();
  EXPECT_TRUE(health.at(0).up);
  EXPECT_FALSE(health[0].details.contains("error"));
  size_t never_started = 0;
  for (const auto& e : engine->executions()) {
    if (e->state.current() != State::FAILED) continue;
    ++never_started;
    EXPECT_TRUE(e->task_runs.empty());
    EXPECT_EQ(e->logs.back().message.rfind("Not started: the execution could not be recorded: ", 0), 0u);
  }
  EXPECT_EQ(never_started, 1u);
}

}  // namespace
}  // namespace runwatch::testing
