#pragma once
// Where the engine records what must survive a restart: flows with their revisions,
// executions (each one document holding its task runs and log lines; a notification not
// yet delivered is its monitoring execution's unfinished task run), and keyed state
// (a schedule's last date, precondition windows). Two implementations: MemoryRepository (tests, Engine() in Python)
// and SqliteRepository (`runwatch server`). Every method is safe to call from any thread.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runwatch/model/alert_event.h"
#include "runwatch/model/execution.h"
#include "runwatch/model/time.h"
#include "runwatch/model/value.h"

namespace runwatch::store {

struct StoredFlow {
  std::string ns;
  std::string id;
  int revision = 1;
  std::string source;    // the flow's YAML
  bool deleted = false;  // the revision that deleted the flow (as Kestra: the last one plus one)
  bool operator==(const StoredFlow&) const = default;
};

// Every field optional; executions in order of their start date (then id), paged.
struct ExecutionQuery {
  std::optional<std::string> ns = {};
  std::optional<std::string> flow_id = {};
  std::vector<State> states = {};                // any of them; empty: every state
  std::optional<TimePoint> started_after = {};   // start date >= this
  std::optional<TimePoint> started_before = {};  // start date < this
  size_t offset = 0;
  std::optional<size_t> limit = {};
};

// Every field optional; alert history entries oldest first (by date, then as recorded) or
// newest first, paged.
struct AlertEventQuery {
  std::optional<std::string> ns = {};  // the flow the entry is about
  std::optional<std::string> flow_id = {};
  std::optional<std::string> alert = {};  // the notifying flow, namespace.flowId
  std::optional<std::string> status = {};
  std::optional<TimePoint> after = {};   // date >= this
  std::optional<TimePoint> before = {};  // date < this
  bool newest_first = false;
  size_t offset = 0;
  std::optional<size_t> limit = {};
};

// A keyed state to write (value) or erase (nullopt) with a batch of executions.
struct StateChange {
  std::string kind;
  std::string key;
  std::optional<Value> value;
};

// What /health shows of the repository.
struct RepositoryInfo {
  std::string database;  // "memory" or "sqlite"
  std::string version;   // the database engine's version
  std::string path;      // the database file; empty in memory
  bool writable = true;
  std::string error;     // why it is not writable
};

// Kinds of keyed state.
inline constexpr std::string_view kScheduleState = "schedule";
inline constexpr std::string_view kWindowState = "window";
inline constexpr std::string_view kAlertState = "alert";
inline constexpr std::string_view kSilenceState = "silence";
// Kestra's namespace key-value store and its task state store (model/kv_store.h).
inline constexpr std::string_view kKvState = "kv";
inline constexpr std::string_view kTaskState = "task-state";

// An execution a purge deleted.
struct PurgedExecution {
  std::string id;
  std::string ns;
  std::string flow_id;
  bool operator==(const PurgedExecution&) const = default;
};

class Repository {
 public:
  using Snapshot = std::shared_ptr<const Execution>;
  virtual ~Repository() = default;

  virtual RepositoryInfo info() const = 0;
  // True when a write touches no disk (the indexer then writes on the caller's thread).
  virtual bool in_memory() const = 0;
  // Releases the database (its file and lock); any later request throws StoreError.
  virtual void close() = 0;

  // Flows' sources under their revisions, all or none (one transaction); saving a
  // revision again replaces it.
  virtual void save_flows(const std::vector<StoredFlow>& flows) = 0;
  // Oldest revision first.
  virtual std::vector<StoredFlow> flow_revisions(const std::string& ns, const std::string& id) const = 0;
  // The latest revision of every flow, deleted ones included, by namespace then id.
  virtual std::vector<StoredFlow> latest_flows() const = 0;

  // Each execution's latest document replaces the one recorded before, each state change
  // applies and each alert history entry is added; all of them or none (one transaction).
  virtual void save_executions(const std::vector<Snapshot>& executions, const std::vector<StateChange>& states = {},
                               const std::vector<AlertEvent>& events = {}) = 0;
  virtual Snapshot find_execution(const std::string& id) const = 0;
  // Oldest first: by start date, then in the order they were first recorded.
  virtual std::vector<Snapshot> find_executions(const ExecutionQuery& query) const = 0;
  // How many executions the query matches, ignoring its offset and limit.
  virtual size_t count_executions(const ExecutionQuery& query) const = 0;
  // Deletes the terminal executions (with their task runs and logs) that ended before
  // `ended_before`, and the alert history before it; returns which executions, so that
  // what they kept elsewhere (files) can go too.
  virtual std::vector<PurgedExecution> purge_executions(TimePoint ended_before) = 0;

  virtual std::vector<AlertEvent> find_alert_events(const AlertEventQuery& query) const = 0;
  // How many entries the query matches, ignoring its offset and limit.
  virtual size_t count_alert_events(const AlertEventQuery& query) const = 0;

  // Keyed state: `kind` is one of the k*State names above.
  virtual std::optional<Value> state(std::string_view kind, const std::string& key) const = 0;
  virtual void put_state(std::string_view kind, const std::string& key, const Value& value) = 0;
  virtual void erase_state(std::string_view kind, const std::string& key) = 0;
  // Every (key, value) of a kind whose key starts with `key_prefix`, by key.
  virtual std::vector<std::pair<std::string, Value>> states(std::string_view kind,
                                                            const std::string& key_prefix = {}) const = 0;
};

// "memory" or "sqlite" (the file at `path`). Throws StoreError for another type or a
// database file that cannot be used.
std::shared_ptr<Repository> open_repository(std::string_view type, const std::filesystem::path& path);

// Whether an execution matches a query's filters (not its paging).
bool matches(const Execution& execution, const ExecutionQuery& query);
bool matches(const AlertEvent& event, const AlertEventQuery& query);

}  // namespace runwatch::store
