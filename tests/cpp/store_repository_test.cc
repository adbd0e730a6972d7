// The Repository operations, the same on both implementations, and the errors of bad
// database files.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>

#include "runwatch/store/execution_codec.h"
#include "runwatch/store/memory_repository.h"
#include "runwatch/store/sqlite_repository.h"
#include "runwatch/store/store_error.h"
#include "store_test_support.h"

namespace runwatch::store {
namespace {

using runwatch::testing::TempFolder;
using namespace std::chrono_literals;

const TimePoint kEpoch = TimePoint(std::chrono::seconds(1'700'000'000));

// An execution with every field set, times down to the nanosecond.
Execution sample(const std::string& id, const std::string& flow_id, TimePoint start, State end_state) {
  Execution e;
  e.id = id;
  e.ns = "company.team";
  e.flow_id = flow_id;
  e.flow_revision = 3;
  e.state = StateHistory(State::CREATED, start);
  e.state.transition(State::RUNNING, start + 1ns);
  e.inputs = {{"name", "ünïcode"}, {"count", 2}, {"ratio", 0.25}};
  e.labels = {{"team", "core"}, {"env", "prod"}};
  e.trigger = {{"executionId", "upstream"}};
  TaskRun run;
  run.id = id + "-run";
  run.task_id = "hello";
  run.parent_task_run_id = "parent";
  run.branch = "tasks";
  run.state = StateHistory(State::CREATED, start + 2ns);
  run.state.transition(State::RUNNING, start + 3ns);
  run.attempts.push_back(Attempt{StateHistory(State::RUNNING, start + 3ns)});
  run.outputs = {{"value", Value::array({1, "two", nullptr})}};
  if (is_terminal(end_state)) {
    run.attempts.back().state.transition(end_state, start + 4ns);
    run.state.transition(end_state, start + 4ns);
    e.state.transition(end_state, start + 5s);
  }
  e.task_runs.push_back(run);
  e.logs.push_back(LogEntry{start + 3ns, LogLevel::WARN, "hello", run.id, 1, "line \"one\"\nwith a newline"});
  e.logs.push_back(LogEntry{start + 6ns, LogLevel::INFO, "", "", 0, "execution line"});
  return e;
}

Repository::Snapshot snapshot(Execution e) { return std::make_shared<const Execution>(std::move(e)); }

std::vector<std::string> ids(const std::vector<Repository::Snapshot>& executions) {
  std::vector<std::string> out;
  for (const auto& e : executions) out.push_back(e->id);
  return out;
}

AlertEvent event(const std::string& status, const std::string& flow_id, TimePoint date) {
  return {.date = date,
          .status = status,
          .alert_ns = "company.alerts",
          .alert_flow_id = "streaks",
          .trigger_id = "failures",
          .ns = "company.team",
          .flow_id = flow_id,
          .execution_id = flow_id + "-1",
          .group_key = "company.alerts.streaks/failures",
          .labels = {{"namespace", "company.team"}, {"flowId", flow_id}, {"labels.env", "prod"}},
          .notification_id = "n1",
          .reason = "first"};
}

std::vector<std::string> flow_ids(const std::vector<AlertEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.flow_id);
  return out;
}

void expect_same(const Execution& a, const Execution& b) {
  EXPECT_EQ(encode_execution(a), encode_execution(b));
  EXPECT_EQ(a.logs.size(), b.logs.size());
  EXPECT_EQ(a.state.start_date(), b.state.start_date());
}

TEST(ExecutionCodec, RoundTripsEveryFieldExactly) {
  auto e = sample("e1", "f", kEpoch + 123456789ns, State::FAILED);
  auto back = decode_execution(Value::parse(encode_execution(e).dump()));
  EXPECT_EQ(back.id, "e1");
  EXPECT_EQ(back.flow_revision, 3);
  EXPECT_EQ(back.state.current(), State::FAILED);
  EXPECT_EQ(back.state.history().size(), 3u);
  EXPECT_EQ(back.state.history()[1].date, kEpoch + 123456790ns);
  EXPECT_EQ(back.inputs, e.inputs);
  EXPECT_EQ(back.labels, e.labels);
  EXPECT_EQ(back.trigger, e.trigger);
  ASSERT_EQ(back.task_runs.size(), 1u);
  EXPECT_EQ(back.task_runs[0].parent_task_run_id, "parent");
  EXPECT_EQ(back.task_runs[0].attempts[0].state.current(), State::FAILED);
  EXPECT_EQ(back.task_runs[0].outputs, e.task_runs[0].outputs);
  ASSERT_EQ(back.logs.size(), 2u);
  EXPECT_EQ(back.logs[0].message, "line \"one\"\nwith a newline");
  EXPECT_EQ(back.logs[0].timestamp, kEpoch + 123456792ns);
  EXPECT_EQ(back.logs[0].level, LogLevel::WARN);
  EXPECT_EQ(back.logs[0].attempt, 1);
  expect_same(back, e);
}

TEST(ExecutionCodec, RejectsADocumentItDidNotWrite) {
  try {
    decode_execution(Value{{"id", "x"}});
    FAIL() << "no error";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("not an execution document"), std::string::npos) << e.what();
  }
  auto bad_state = encode_execution(sample("e", "f", kEpoch, State::SUCCESS));
  bad_state["state"][0][0] = "DONE";
  EXPECT_THROW(decode_execution(bad_state), StoreError);
}

// ---- every operation, on both repositories -----------------------------------------

class RepositoryTest : public ::testing::TestWithParam<std::string> {
 protected:
  TempFolder folder;
  std::unique_ptr<Repository> repo = open();

  std::unique_ptr<Repository> open() {
    if (GetParam() == "memory") return std::make_unique<MemoryRepository>();
    return std::make_unique<SqliteRepository>(folder / "runwatch.db");
  }
};

TEST_P(RepositoryTest, SavesAndFindsExecutionsExactly) {
  auto e = sample("e1", "hello", kEpoch, State::SUCCESS);
  repo->save_executions({snapshot(e)});
  auto found = repo->find_execution("e1");
  ASSERT_TRUE(found);
  expect_same(*found, e);
  EXPECT_EQ(repo->find_execution("missing"), nullptr);
}

TEST_P(RepositoryTest, ALaterDocumentReplacesTheEarlierOne) {
  auto running = sample("e1", "hello", kEpoch, State::RUNNING);
  repo->save_executions({snapshot(running)});
  auto done = sample("e1", "hello", kEpoch, State::FAILED);
  repo->save_executions({snapshot(done)});
  EXPECT_EQ(repo->find_execution("e1")->state.current(), State::FAILED);
  EXPECT_EQ(repo->count_executions({}), 1u);
  EXPECT_EQ(repo->find_executions({.states = {State::RUNNING}}).size(), 0u);
}

TEST_P(RepositoryTest, SearchesByNamespaceFlowStateAndTimeRangeWithPaging) {
  std::vector<Repository::Snapshot> batch;
  for (int i = 0; i < 10; ++i)
    batch.push_back(snapshot(sample("e" + std::to_string(i), i % 2 ? "odd" : "even", kEpoch + std::chrono::minutes(i),
                                    i < 3 ? State::FAILED : State::SUCCESS)));
  auto other = sample("other", "even", kEpoch, State::SUCCESS);
  other.ns = "company.other";
  batch.push_back(snapshot(other));
  repo->save_executions(batch);

  EXPECT_EQ(repo->count_executions({}), 11u);
  EXPECT_EQ(ids(repo->find_executions({.ns = "company.team", .flow_id = "odd"})),
            (std::vector<std::string>{"e1", "e3", "e5", "e7", "e9"}));
  EXPECT_EQ(ids(repo->find_executions({.ns = "company.team", .states = {State::FAILED}})),
            (std::vector<std::string>{"e0", "e1", "e2"}));
  EXPECT_EQ(ids(repo->find_executions({.ns = "company.team", .started_after = kEpoch + std::chrono::minutes(4),
                                       .started_before = kEpoch + std::chrono::minutes(7)})),
            (std::vector<std::string>{"e4", "e5", "e6"}));
  EXPECT_EQ(ids(repo->find_executions({.ns = "company.team", .offset = 8, .limit = 5})),
            (std::vector<std::string>{"e8", "e9"}));
  EXPECT_EQ(ids(repo->find_executions({.ns = "company.team", .offset = 2, .limit = 2})),
            (std::vector<std::string>{"e2", "e3"}));
  EXPECT_EQ(repo->count_executions({.ns = "company.team", .offset = 2, .limit = 2}), 10u);
  EXPECT_EQ(ids(repo->find_executions({.ns = "company.other"})), (std::vector<std::string>{"other"}));
}

TEST_P(RepositoryTest, PurgesOnlyTerminalExecutionsEndedBeforeTheDate) {
  repo->save_executions({snapshot(sample("old", "f", kEpoch, State::SUCCESS)),
                         snapshot(sample("new", "f", kEpoch + 1h, State::SUCCESS)),
                         snapshot(sample("running", "f", kEpoch, State::RUNNING))});
  // "old" ended at kEpoch + 5s, "new" at kEpoch + 1h + 5s.
  EXPECT_EQ(repo->purge_executions(kEpoch + 5s), std::vector<store::PurgedExecution>{});
  EXPECT_EQ(repo->purge_executions(kEpoch + 6s), (std::vector<store::PurgedExecution>{{"old", "company.team", "f"}}));
  EXPECT_EQ(ids(repo->find_executions({})), (std::vector<std::string>{"running", "new"}));
}

TEST_P(RepositoryTest, KeepsTheAlertHistoryInDateOrderFilteredAndPaged) {
  AlertEvent delivered = event("delivered", "load", kEpoch + 2min);
  delivered.alert_flow_id = "slack";
  delivered.reason = "";
  delivered.idempotency_key = "n1:run1";
  // Recorded out of date order: a query gives them by date, then as recorded.
  repo->save_executions({}, {}, {event("fired", "extract", kEpoch + 1min), event("fired", "load", kEpoch + 1min)});
  repo->save_executions({}, {}, {delivered, event("suppressed", "extract", kEpoch)});

  auto all = repo->find_alert_events({});
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0], event("suppressed", "extract", kEpoch));
  EXPECT_EQ(all[1], event("fired", "extract", kEpoch + 1min));
  EXPECT_EQ(all[2], event("fired", "load", kEpoch + 1min));
  EXPECT_EQ(all[3], delivered);
  EXPECT_EQ(flow_ids(repo->find_alert_events({.flow_id = "load"})), (std::vector<std::string>{"load", "load"}));
  EXPECT_EQ(repo->find_alert_events({.alert = "company.alerts.slack"}), std::vector<AlertEvent>{delivered});
  EXPECT_EQ(repo->find_alert_events({.status = "suppressed"}), std::vector<AlertEvent>{all[0]});
  EXPECT_EQ(repo->find_alert_events({.after = kEpoch + 1min, .before = kEpoch + 2min}),
            (std::vector<AlertEvent>{all[1], all[2]}));
  EXPECT_EQ(repo->find_alert_events({.ns = "company.other"}), std::vector<AlertEvent>{});
  EXPECT_EQ(repo->find_alert_events({.offset = 1, .limit = 2}), (std::vector<AlertEvent>{all[1], all[2]}));
  EXPECT_EQ(repo->find_alert_events({.newest_first = true, .offset = 1, .limit = 2}),
            (std::vector<AlertEvent>{all[2], all[1]}));
  EXPECT_EQ(repo->count_alert_events({.status = "fired", .offset = 1, .limit = 1}), 2u);
}

TEST_P(RepositoryTest, ThePurgeDropsTheAlertHistoryBeforeItsDate) {
  repo->save_executions({}, {}, {event("fired", "a", kEpoch), event("resolved", "a", kEpoch + 1h)});
  repo->purge_executions(kEpoch + 1s);
  EXPECT_EQ(repo->find_alert_events({}), std::vector<AlertEvent>{event("resolved", "a", kEpoch + 1h)});
}

TEST_P(RepositoryTest, KeepsFlowRevisions) {
  repo->save_flows({{"company.team", "hello", 1, "id: hello\n"}, {"company.team", "alpha", 1, "id: alpha\n"}});
  repo->save_flows({{"company.team", "hello", 2, "id: hello\ndescription: two\n"}});
  repo->save_flows({{"company.team", "alpha", 2, "id: alpha\n", true}});
  auto revisions = repo->flow_revisions("company.team", "hello");
  ASSERT_EQ(revisions.size(), 2u);
  EXPECT_EQ(revisions[0].revision, 1);
  EXPECT_EQ(revisions[1].source, "id: hello\ndescription: two\n");
  EXPECT_EQ(repo->latest_flows(), (std::vector<StoredFlow>{{"company.team", "alpha", 2, "id: alpha\n", true},
                                                           {"company.team", "hello", 2, "id: hello\ndescription: two\n"}}));
  EXPECT_TRUE(repo->flow_revisions("company.team", "missing").empty());
}

TEST_P(RepositoryTest, KeepsKeyedStateByKind) {
  EXPECT_FALSE(repo->state(kScheduleState, "company.team.hello.daily"));
  repo->put_state(kScheduleState, "company.team.hello.daily", Value{{"last", 17}});
  repo->put_state(kScheduleState, "company.team.hello.daily", Value{{"last", 18}});
  repo->put_state(kWindowState, "b", Value("second"));
  repo->put_state(kWindowState, "a", Value("first"));
  EXPECT_EQ(repo->state(kScheduleState, "company.team.hello.daily"), Value({{"last", 18}}));
  EXPECT_FALSE(repo->state(kWindowState, "company.team.hello.daily"));  // the same key, another kind
  auto windows = repo->states(kWindowState);
  ASSERT_EQ(windows.size(), 2u);
  EXPECT_EQ(windows[0].first, "a");
  EXPECT_EQ(windows[0].second, Value("first"));
  EXPECT_EQ(windows[1].first, "b");
  EXPECT_EQ(windows[1].second, Value("second"));
  repo->erase_state(kWindowState, "a");
  EXPECT_EQ(repo->states(kWindowState).size(), 1u);
  EXPECT_FALSE(repo->state(kWindowState, "a"));
}

TEST_P(RepositoryTest, SavesStateChangesWithABatchOfExecutions) {
  repo->put_state(kWindowState, "old", Value(1));
  repo->save_executions({snapshot(sample("e1", "f", kEpoch, State::SUCCESS))},
                        {{std::string(kWindowState), "new", Value{{"met", 2}}}, {std::string(kWindowState), "old", std::nullopt}});
  EXPECT_TRUE(repo->find_execution("e1"));
  auto windows = repo->states(kWindowState);
  ASSERT_EQ(windows.size(), 1u);
  EXPECT_EQ(windows[0].first, "new");
  EXPECT_EQ(windows[0].second, Value({{"met", 2}}));
}

TEST_P(RepositoryTest, SaysWhatItIs) {
  auto info = repo->info();
  EXPECT_EQ(info.database, GetParam());
  EXPECT_TRUE(info.writable);
  if (GetParam() == "sqlite") {
    EXPECT_EQ(info.version, sqlite3_libversion());
    EXPECT_EQ(info.path, (folder / "runwatch.db").string());
  }
}

TEST_P(RepositoryTest, RefusesRequestsOnceClosed) {
  repo->close();
  EXPECT_THROW(repo->find_execution("e1"), StoreError);
  EXPECT_THROW(repo->save_executions({snapshot(sample("e1", "f", kEpoch, State::SUCCESS))}), StoreError);
  EXPECT_THROW(repo->states(kWindowState), StoreError);
  EXPECT_FALSE(repo->info().writable);
  EXPECT_EQ(repo->info().error, "closed");
}

INSTANTIATE_TEST_SUITE_P(Store, RepositoryTest, ::testing::Values("memory", "sqlite"));

// ---- SQLite: the file ---------------------------------------------------------------

TEST(SqliteRepository, EverythingIsBackAfterReopening) {
  TempFolder folder;
  auto e = sample("e1", "hello", kEpoch + 7ns, State::WARNING);
  {
    SqliteRepository repo(folder / "runwatch.db");
    repo.save_executions({snapshot(e)});
    repo.put_state(kScheduleState, "k", Value{{"last", "2026-01-01T00:00:00Z"}});
    repo.save_flows({{"company.team", "hello", 4, "id: hello\n"}, {"company.team", "gone", 2, "id: gone\n", true}});
  }
  SqliteRepository repo(folder / "runwatch.db");
  expect_same(*repo.find_execution("e1"), e);
  EXPECT_EQ(repo.state(kScheduleState, "k"), Value({{"last", "2026-01-01T00:00:00Z"}}));
  EXPECT_EQ(repo.latest_flows(), (std::vector<StoredFlow>{{"company.team", "gone", 2, "id: gone\n", true},
                                                          {"company.team", "hello", 4, "id: hello\n"}}));
}

TEST(SqliteRepository, CloseReleasesTheFileAndRefusesLaterRequests) {
  TempFolder folder;
  SqliteRepository first(folder / "runwatch.db");
  first.close();
  SqliteRepository second(folder / "runwatch.db");  // no longer locked
  try {
    first.find_execution("e1");
    FAIL() << "a closed repository answered";
  } catch (const StoreError& e) {
    EXPECT_EQ(std::string(e.what()), "Database '" + (folder / "runwatch.db").string() + "' is closed");
  }
  EXPECT_FALSE(first.info().writable);
  EXPECT_EQ(first.info().error, "closed");
}

TEST(SqliteRepository, UsesTheWalJournal) {
  TempFolder folder;
  SqliteRepository repo(folder / "runwatch.db");
  repo.save_executions({snapshot(sample("e1", "hello", kEpoch, State::SUCCESS))});
  EXPECT_TRUE(std::filesystem::exists(folder / "runwatch.db-wal"));
}

void expect_open_error(const std::filesystem::path& path, const std::string& expected) {
  try {
    SqliteRepository repo(path);
    FAIL() << "opened " << path;
  } catch (const StoreError& e) {
    EXPECT_EQ(std::string(e.what()), "Cannot open the database '" + path.string() + "': " + expected);
  }
}

TEST(SqliteRepository, AMissingDirectoryIsAClearError) {
  TempFolder folder;
  expect_open_error(folder / "nowhere/runwatch.db", "the directory '" + (folder / "nowhere").string() + "' does not exist");
}

TEST(SqliteRepository, AFileThatIsNotADatabaseIsAClearError) {
  TempFolder folder;
  std::ofstream(folder / "runwatch.db") << std::string(8192, 'x');
  expect_open_error(folder / "runwatch.db",
                    "it is not a SQLite database (file is not a database)");
}

TEST(SqliteRepository, ACorruptedDatabaseIsAClearError) {
  TempFolder folder;
  {
    SqliteRepository repo(folder / "runwatch.db");
    std::vector<Repository::Snapshot> batch;
    for (int i = 0; i < 200; ++i) batch.push_back(snapshot(sample("e" + std::to_string(i), "f", kEpoch, State::SUCCESS)));
    repo.save_executions(batch);
  }
  ASSERT_FALSE(std::filesystem::exists(folder / "runwatch.db-wal"));  // checkpointed on close
  // Keep the header, overwrite the pages after the first.
  std::fstream file(folder / "runwatch.db", std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(4096);
  std::string garbage(16384, '\xA5');
  file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  file.close();
  try {
    SqliteRepository repo(folder / "runwatch.db");
    FAIL() << "opened a corrupted file";
  } catch (const StoreError& e) {
    std::string message = e.what();
    EXPECT_EQ(message.rfind("Cannot open the database '" + (folder / "runwatch.db").string() + "': ", 0), 0u) << message;
    EXPECT_NE(message.find("it is corrupted"), std::string::npos) << message;
  }
}

TEST(SqliteRepository, AReadOnlyFileIsAClearError) {
  TempFolder folder;
  { SqliteRepository repo(folder / "runwatch.db"); }
  std::filesystem::permissions(folder / "runwatch.db", std::filesystem::perms::owner_read | std::filesystem::perms::group_read);
  expect_open_error(folder / "runwatch.db", "the file is read-only");
}

TEST(SqliteRepository, AFileLockedByAnotherWriterIsAClearError) {
  TempFolder folder;
  SqliteRepository first(folder / "runwatch.db");
  expect_open_error(folder / "runwatch.db",
                    "it is locked by another process (another runwatch server on the same file?)");
}

TEST(SqliteRepository, ASchemaFromANewerVersionIsRefused) {
  TempFolder folder;
  { SqliteRepository repo(folder / "runwatch.db"); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((folder / "runwatch.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  expect_open_error(folder / "runwatch.db",
                    "it was written by a newer runwatch (schema version 99, this one reads up to 3)");
}

TEST(SqliteRepository, ADatabaseOfSchemaVersionOneIsMigrated) {
  TempFolder folder;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((folder / "runwatch.db").c_str(), &db), SQLITE_OK);
  // The tables as version 1 wrote them, with one flow.
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE schema_version (version INTEGER NOT NULL);"
                         "INSERT INTO schema_version VALUES (1);"
                         "CREATE TABLE flows (namespace TEXT NOT NULL, id TEXT NOT NULL, revision INTEGER NOT NULL,"
                         "  source TEXT NOT NULL, PRIMARY KEY (namespace, id, revision));"
                         "INSERT INTO flows VALUES ('company.team', 'hello', 3, 'id: hello\n');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  {
    SqliteRepository repo(folder / "runwatch.db");
    EXPECT_EQ(repo.latest_flows(), (std::vector<StoredFlow>{{"company.team", "hello", 3, "id: hello\n"}}));
    repo.save_flows({{"company.team", "hello", 4, "id: hello\n", true}});
  }
  {
    SqliteRepository reopened(folder / "runwatch.db");
    EXPECT_EQ(reopened.latest_flows(), (std::vector<StoredFlow>{{"company.team", "hello", 4, "id: hello\n", true}}));
  }
  ASSERT_EQ(sqlite3_open((folder / "runwatch.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* version = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT version FROM schema_version", -1, &version, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(version), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(version, 0), 3);
  sqlite3_finalize(version);
  sqlite3_close(db);
  SqliteRepository migrated(folder / "runwatch.db");  // with the alert history of version 3
  migrated.save_executions({}, {}, {event("fired", "hello", kEpoch)});
  EXPECT_EQ(migrated.count_alert_events({}), 1u);
}

TEST(SqliteRepository, ADamagedAlertHistoryEntryIsSkippedNotTheOthers) {
  TempFolder folder;
  {
    SqliteRepository repo(folder / "runwatch.db");
    repo.save_executions(
        {}, {}, {event("fired", "a", kEpoch), event("fired", "b", kEpoch + 1s), event("fired", "c", kEpoch + 2s)});
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((folder / "runwatch.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE alert_history SET document = '{\"date\": 1' WHERE flow_id = 'b'", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  SqliteRepository repo(folder / "runwatch.db");
  EXPECT_EQ(flow_ids(repo.find_alert_events({})), (std::vector<std::string>{"a", "c"}));
}

}  // namespace
}  // namespace runwatch::store
