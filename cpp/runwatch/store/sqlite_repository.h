#pragma once
// The repository in one SQLite file: WAL journal, synchronous commits, the file locked
// for this process alone (one writer; a second server on the same file is refused at
// start-up), prepared statements for every frequent request. Executions are JSON
// documents (execution_codec.h) with their searchable fields in columns.
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "runwatch/store/repository.h"

struct sqlite3;
struct sqlite3_stmt;

namespace runwatch::store {

class SqliteRepository final : public Repository {
 public:
  static constexpr int kSchemaVersion = 3;
  // A statement's parameters, in order.
  using Parameters = std::vector<std::variant<std::int64_t, std::string>>;

  // Opens or creates the database. Throws StoreError saying what is wrong with the file:
  // its directory missing, read-only, locked by another process, not a database or
  // corrupted, or written by a newer schema.
  explicit SqliteRepository(std::filesystem::path path);
  ~SqliteRepository() override;
  SqliteRepository(const SqliteRepository&) = delete;
  SqliteRepository& operator=(const SqliteRepository&) = delete;

  RepositoryInfo info() const override;
  bool in_memory() const override { return false; }
  void close() override;
  void save_flows(const std::vector<StoredFlow>& flows) override;
  std::vector<StoredFlow> flow_revisions(const std::string& ns, const std::string& id) const override;
  std::vector<StoredFlow> latest_flows() const override;
  void save_executions(const std::vector<Snapshot>& executions, const std::vector<StateChange>& states = {},
                       const std::vector<AlertEvent>& events = {}) override;
  Snapshot find_execution(const std::string& id) const override;
  std::vector<Snapshot> find_executions(const ExecutionQuery& query) const override;
  size_t count_executions(const ExecutionQuery& query) const override;
  std::vector<PurgedExecution> purge_executions(TimePoint ended_before) override;
  std::vector<AlertEvent> find_alert_events(const AlertEventQuery& query) const override;
  size_t count_alert_events(const AlertEventQuery& query) const override;
  std::optional<Value> state(std::string_view kind, const std::string& key) const override;
  void put_state(std::string_view kind, const std::string& key, const Value& value) override;
  void erase_state(std::string_view kind, const std::string& key) override;
  std::vector<std::pair<std::string, Value>> states(std::string_view kind,
                                                    const std::string& key_prefix = {}) const override;

 private:
  class Statement;
  // The `document` column of `select` (ending with its ORDER BY) with these parameters,
  // paged; and the count of `from_where`'s rows.
  std::vector<std::string> documents(std::string select, Parameters parameters, size_t offset,
                                     std::optional<size_t> limit) const;
  size_t count(const std::string& from_where, const Parameters& parameters) const;
  void create_schema();
  // Brings a database of an older schema version to this one (in create_schema's transaction).
  void migrate(std::int64_t from);
  void execute(const char* sql) const;
  // Throws StoreError once closed. Called with mutex_ held.
  void check_open() const;
  [[noreturn]] void fail(const std::string& doing) const;
  // Runs `body` in one transaction, rolled back when it throws.
  template <typename Body>
  void transaction(Body&& body);

  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
  mutable std::mutex mutex_;  // one connection, used by one thread at a time
  std::unique_ptr<Statement> upsert_execution_, find_execution_, get_state_, put_state_, erase_state_, save_flow_,
      insert_event_;
  std::string last_error_;  // the last failed write, for /health
};

}  // namespace runwatch::store
