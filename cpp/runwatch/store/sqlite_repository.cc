#include "runwatch/store/sqlite_repository.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <optional>
#include <variant>

#include "runwatch/logging/loggers.h"
#include "runwatch/model/json_text.h"
#include "runwatch/store/execution_codec.h"
#include "runwatch/store/store_error.h"

namespace runwatch::store {
namespace {

// How long opening waits for another process's lock before saying the file is locked.
constexpr int kBusyTimeoutMs = 1000;
constexpr const char* kRepositoryLogger = "io.kestra.jdbc.repository";

std::int64_t ticks(TimePoint t) { return t.time_since_epoch().count(); }

// Why sqlite failed, in the words a user can act on.
std::string explain(int code, const std::string& message) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "it is locked by another process (another runwatch server on the same file?)";
    case SQLITE_NOTADB:
      return "it is not a SQLite database (" + message + ")";
    case SQLITE_CORRUPT:
      return "it is corrupted (" + message + ")";
    case SQLITE_READONLY:
      return "it is read-only (" + message + ")";
    case SQLITE_CANTOPEN:
      return "it cannot be opened (" + message + ")";
    case SQLITE_FULL:
      return "the disk is full (" + message + ")";
    default:
      return message;
  }
}

// A failed SQLite call: what was being done, and why in a user's words.
class SqliteFailure : public StoreError {
 public:
  SqliteFailure(const std::string& message, std::string reason) : StoreError(message), reason_(std::move(reason)) {}
  const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

}  // namespace

class SqliteRepository::Statement {
 public:
  using Param = std::variant<std::int64_t, std::string>;

  Statement(const SqliteRepository& repo, const std::string& sql) : repo_(repo) {
    if (sqlite3_prepare_v3(repo.db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                           nullptr) != SQLITE_OK)
      repo.fail("preparing a statement");
  }
  ~Statement() { sqlite3_finalize(stmt_); }

  Statement& bind(std::initializer_list<Param> params) { return bind(std::vector<Param>(params)); }
  Statement& bind(const std::vector<Param>& params) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    int i = 1;
    for (const auto& p : params) {
      int rc = std::holds_alternative<std::int64_t>(p)
                   ? sqlite3_bind_int64(stmt_, i, std::get<std::int64_t>(p))
                   : sqlite3_bind_text(stmt_, i, std::get<std::string>(p).data(),
                                       static_cast<int>(std::get<std::string>(p).size()), SQLITE_TRANSIENT);
      if (rc != SQLITE_OK) repo_.fail("binding a parameter");
      ++i;
    }
    return *this;
  }
  // True while there is a row to read.
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    repo_.fail("running '" + std::string(sqlite3_sql(stmt_)) + "'");
  }
  void run() {
    while (step()) {
    }
    sqlite3_reset(stmt_);
  }
  std::string text(int column) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }

 private:
  const SqliteRepository& repo_;
  sqlite3_stmt* stmt_ = nullptr;
};

void SqliteRepository::fail(const std::string& doing) const {
  auto reason = explain(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_));
  throw SqliteFailure("Database '" + path_.string() + "': " + doing + " failed: " + reason, reason);
}

void SqliteRepository::execute(const char* sql) const {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) == SQLITE_OK) return;
  sqlite3_free(message);
  fail(std::string("running '") + sql + "'");
}

template <typename Body>
void SqliteRepository::transaction(Body&& body) {
  execute("BEGIN IMMEDIATE");
  try {
    body();
    execute("COMMIT");
  } catch (const std::exception& e) {
    last_error_ = e.what();
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  last_error_.clear();
}

SqliteRepository::SqliteRepository(std::filesystem::path path) : path_(std::move(path)) {
  auto where = "Cannot open the database '" + path_.string() + "': ";
  auto directory = path_.has_parent_path() ? path_.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  if (!std::filesystem::is_directory(directory, ec))
    throw StoreError(where + "the directory '" + directory.string() + "' does not exist");
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) throw StoreError(where + "it is not a regular file");
    // Checked by its mode, as the root user would be allowed to write it anyway.
    if ((st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0) throw StoreError(where + "the file is read-only");
  }
  int rc = sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close_v2(db_);
    throw StoreError(where + explain(rc, message));
  }
  try {
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    create_schema();
  } catch (const SqliteFailure& e) {
    sqlite3_close_v2(db_);
    throw StoreError(where + e.reason());
  } catch (const StoreError& e) {
    sqlite3_close_v2(db_);
    throw StoreError(where + e.what());
  }
}

SqliteRepository::~SqliteRepository() { close(); }

void SqliteRepository::close() {
  std::lock_guard lock(mutex_);
  if (!db_) return;
  upsert_execution_.reset();
  find_execution_.reset();
  get_state_.reset();
  put_state_.reset();
  erase_state_.reset();
  save_flow_.reset();
  insert_event_.reset();
  sqlite3_close_v2(db_);
  db_ = nullptr;
}

void SqliteRepository::check_open() const {
  if (!db_) throw StoreError("Database '" + path_.string() + "' is closed");
}

void SqliteRepository::create_schema() {
  // Exclusive: this process is the one writer; the lock is taken by the first
  // transaction below and held until the database is closed.
  execute("PRAGMA locking_mode=EXCLUSIVE");
  {
    Statement mode(*this, "PRAGMA journal_mode=WAL");
    if (!mode.step() || mode.text(0) != "wal") throw StoreError("the WAL journal mode could not be set");
  }
  execute("PRAGMA synchronous=FULL");
  transaction([&] {
    execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"
        "CREATE TABLE IF NOT EXISTS flows (namespace TEXT NOT NULL, id TEXT NOT NULL, revision INTEGER NOT NULL,"
        "  source TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (namespace, id, revision));"
        "CREATE TABLE IF NOT EXISTS executions (id TEXT PRIMARY KEY, namespace TEXT NOT NULL,"
        "  flow_id TEXT NOT NULL, state TEXT NOT NULL, start_date INTEGER NOT NULL, end_date INTEGER,"
        "  document TEXT NOT NULL);"
        "CREATE INDEX IF NOT EXISTS executions_by_flow ON executions (namespace, flow_id, start_date);"
        "CREATE INDEX IF NOT EXISTS executions_by_start ON executions (start_date);"
        "CREATE INDEX IF NOT EXISTS executions_by_state ON executions (state);"
        "CREATE TABLE IF NOT EXISTS states (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
        "  PRIMARY KEY (kind, key));"
        "CREATE TABLE IF NOT EXISTS alert_history (sequence INTEGER PRIMARY KEY, date INTEGER NOT NULL,"
        "  namespace TEXT NOT NULL, flow_id TEXT NOT NULL, alert TEXT NOT NULL, status TEXT NOT NULL,"
        "  document TEXT NOT NULL);"
        "CREATE INDEX IF NOT EXISTS alert_history_by_date ON alert_history (date);"
        "CREATE INDEX IF NOT EXISTS alert_history_by_flow ON alert_history (flow_id, date);"
        "CREATE INDEX IF NOT EXISTS alert_history_by_namespace ON alert_history (namespace, date);"
        "CREATE INDEX IF NOT EXISTS alert_history_by_alert ON alert_history (alert, date);");
    std::optional<std::int64_t> version;
    {
      Statement row(*this, "SELECT version FROM schema_version");
      if (row.step()) version = row.integer(0);
    }
    if (!version) {
      Statement(*this, "INSERT INTO schema_version (version) VALUES (?)").bind({std::int64_t{kSchemaVersion}}).run();
    } else if (*version > kSchemaVersion) {
      throw StoreError("it was written by a newer runwatch (schema version " + std::to_string(*version) +
                       ", this one reads up to " + std::to_string(kSchemaVersion) + ")");
    } else if (*version < kSchemaVersion) {
      migrate(*version);
    }
  });
  upsert_execution_ = std::make_unique<Statement>(
      *this, "INSERT INTO executions (id, namespace, flow_id, state, start_date, end_date, document)"
             " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state,"
             " end_date = excluded.end_date, document = excluded.document");
  find_execution_ = std::make_unique<Statement>(*this, "SELECT document FROM executions WHERE id = ?");
  get_state_ = std::make_unique<Statement>(*this, "SELECT value FROM states WHERE kind = ? AND key = ?");
  put_state_ = std::make_unique<Statement>(
      *this, "INSERT INTO states (kind, key, value) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value");
  erase_state_ = std::make_unique<Statement>(*this, "DELETE FROM states WHERE kind = ? AND key = ?");
  save_flow_ = std::make_unique<Statement>(
      *this, "INSERT INTO flows (namespace, id, revision, source, deleted) VALUES (?, ?, ?, ?, ?)"
             " ON CONFLICT DO UPDATE SET source = excluded.source, deleted = excluded.deleted");
  insert_event_ = std::make_unique<Statement>(
      *this, "INSERT INTO alert_history (date, namespace, flow_id, alert, status, document) VALUES (?, ?, ?, ?, ?, ?)");
}

void SqliteRepository::migrate(std::int64_t from) {
  // Version 2: flows keep the revision that deleted them. Version 3: the alert history
  // (its table is created with the others).
  if (from < 2) execute("ALTER TABLE flows ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0");
  Statement(*this, "UPDATE schema_version SET version = ?").bind({std::int64_t{kSchemaVersion}}).run();
}

RepositoryInfo SqliteRepository::info() const {
  std::lock_guard lock(mutex_);
  if (!db_) return {"sqlite", sqlite3_libversion(), std::filesystem::absolute(path_).string(), false, "closed"};
  // Judged by the writes, not by the file's mode: DOWN while the last write failed.
  bool read_only = sqlite3_db_readonly(db_, "main") != 0;
  return {"sqlite", sqlite3_libversion(), std::filesystem::absolute(path_).string(), !read_only && last_error_.empty(),
          read_only ? "the database is open read-only" : last_error_};
}

void SqliteRepository::save_flows(const std::vector<StoredFlow>& flows) {
  if (flows.empty()) return;
  std::lock_guard lock(mutex_);
  check_open();
  transaction([&] {
    for (const auto& flow : flows)
      save_flow_->bind({flow.ns, flow.id, std::int64_t{flow.revision}, flow.source, std::int64_t{flow.deleted}}).run();
  });
}

namespace {
StoredFlow flow_of(auto& row) {
  return {row.text(0), row.text(1), static_cast<int>(row.integer(2)), row.text(3), row.integer(4) != 0};
}
}  // namespace

std::vector<StoredFlow> SqliteRepository::flow_revisions(const std::string& ns, const std::string& id) const {
  std::lock_guard lock(mutex_);
  check_open();
  Statement rows(*this, "SELECT namespace, id, revision, source, deleted FROM flows WHERE namespace = ? AND id = ?"
                       " ORDER BY revision");
  rows.bind({ns, id});
  std::vector<StoredFlow> out;
  while (rows.step()) out.push_back(flow_of(rows));
  return out;
}

std::vector<StoredFlow> SqliteRepository::latest_flows() const {
  std::lock_guard lock(mutex_);
  check_open();
  Statement rows(*this,
                 "SELECT namespace, id, MAX(revision), source, deleted FROM flows GROUP BY namespace, id"
                 " ORDER BY namespace, id");
  std::vector<StoredFlow> out;
  while (rows.step()) out.push_back(flow_of(rows));
  return out;
}

void SqliteRepository::save_executions(const std::vector<Snapshot>& executions, const std::vector<StateChange>& states,
                                       const std::vector<AlertEvent>& events) {
  std::vector<std::string> documents;
  documents.reserve(executions.size() + events.size());
  for (const auto& e : executions) documents.push_back(dump_json(encode_execution(*e)));
  for (const auto& e : events) documents.push_back(dump_json(to_json(e)));
  std::lock_guard lock(mutex_);
  check_open();
  transaction([&] {
    for (size_t i = 0; i < executions.size(); ++i) {
      const auto& e = *executions[i];
      auto end = e.state.end_date();
      upsert_execution_->bind({e.id, e.ns, e.flow_id, std::string(to_string(e.state.current())),
                               ticks(e.state.start_date()), end ? ticks(*end) : std::int64_t{-1}, documents[i]});
      upsert_execution_->run();
    }
    for (const auto& change : states) {
      if (change.value) put_state_->bind({change.kind, change.key, change.value->dump()}).run();
      else erase_state_->bind({change.kind, change.key}).run();
    }
    for (size_t i = 0; i < events.size(); ++i) {
      const auto& e = events[i];
      insert_event_->bind({ticks(e.date), e.ns, e.flow_id, e.alert(), e.status, documents[executions.size() + i]});
      insert_event_->run();
    }
  });
}

namespace {
Repository::Snapshot decode_row(const std::string& document) {
  return std::make_shared<const Execution>(decode_execution(Value::parse(document)));
}

// The WHERE clause of a query and its parameters.
std::pair<std::string, SqliteRepository::Parameters> where_of(const ExecutionQuery& q) {
  std::string sql = " WHERE 1";
  SqliteRepository::Parameters params;
  if (q.ns) sql += " AND namespace = ?", params.emplace_back(*q.ns);
  if (q.flow_id) sql += " AND flow_id = ?", params.emplace_back(*q.flow_id);
  if (!q.states.empty()) {
    sql += " AND state IN (";
    for (size_t i = 0; i < q.states.size(); ++i) {
      sql += i ? ", ?" : "?";
      params.emplace_back(std::string(to_string(q.states[i])));
    }
    sql += ")";
  }
  if (q.started_after) sql += " AND start_date >= ?", params.emplace_back(ticks(*q.started_after));
  if (q.started_before) sql += " AND start_date < ?", params.emplace_back(ticks(*q.started_before));
  return {sql, params};
}
}  // namespace

SqliteRepository::Snapshot SqliteRepository::find_execution(const std::string& id) const {
  std::lock_guard lock(mutex_);
  check_open();
  find_execution_->bind({id});
  if (!find_execution_->step()) return nullptr;
  auto document = find_execution_->text(0);
  find_execution_->run();
  return decode_row(document);
}

std::vector<std::string> SqliteRepository::documents(std::string select, Parameters parameters, size_t offset,
                                                     std::optional<size_t> limit) const {
  parameters.emplace_back(limit ? static_cast<std::int64_t>(*limit) : std::int64_t{-1});
  parameters.emplace_back(static_cast<std::int64_t>(offset));
  std::vector<std::string> out;
  std::lock_guard lock(mutex_);
  check_open();
  Statement rows(*this, select + " LIMIT ? OFFSET ?");
  rows.bind(parameters);
  while (rows.step()) out.push_back(rows.text(0));
  return out;
}

size_t SqliteRepository::count(const std::string& from_where, const Parameters& parameters) const {
  std::lock_guard lock(mutex_);
  check_open();
  Statement rows(*this, "SELECT COUNT(*) FROM " + from_where);
  rows.bind(parameters);
  rows.step();
  return static_cast<size_t>(rows.integer(0));
}

std::vector<SqliteRepository::Snapshot> SqliteRepository::find_executions(const ExecutionQuery& query) const {
  auto [where, params] = where_of(query);
  std::vector<Snapshot> out;
  for (const auto& d : documents("SELECT document FROM executions" + where + " ORDER BY start_date, rowid",
                                 std::move(params), query.offset, query.limit))
    out.push_back(decode_row(d));
  return out;
}

size_t SqliteRepository::count_executions(const ExecutionQuery& query) const {
  auto [where, params] = where_of(query);
  return count("executions" + where, params);
}

std::vector<PurgedExecution> SqliteRepository::purge_executions(TimePoint ended_before) {
  std::lock_guard lock(mutex_);
  check_open();
  std::vector<PurgedExecution> purged;
  transaction([&] {
    purged.clear();  // a transaction may be tried again
    Statement rows(*this, "SELECT id, namespace, flow_id FROM executions WHERE end_date >= 0 AND end_date < ?");
    rows.bind({ticks(ended_before)});
    while (rows.step()) purged.push_back({rows.text(0), rows.text(1), rows.text(2)});
    Statement(*this, "DELETE FROM executions WHERE end_date >= 0 AND end_date < ?").bind({ticks(ended_before)}).run();
    Statement(*this, "DELETE FROM alert_history WHERE date < ?").bind({ticks(ended_before)}).run();
  });
  return purged;
}

namespace {
std::pair<std::string, SqliteRepository::Parameters> where_of(const AlertEventQuery& q) {
  std::string sql = " WHERE 1";
  SqliteRepository::Parameters params;
  if (q.ns) sql += " AND namespace = ?", params.emplace_back(*q.ns);
  if (q.flow_id) sql += " AND flow_id = ?", params.emplace_back(*q.flow_id);
  if (q.alert) sql += " AND alert = ?", params.emplace_back(*q.alert);
  if (q.status) sql += " AND status = ?", params.emplace_back(*q.status);
  if (q.after) sql += " AND date >= ?", params.emplace_back(ticks(*q.after));
  if (q.before) sql += " AND date < ?", params.emplace_back(ticks(*q.before));
  return {sql, params};
}
}  // namespace

std::vector<AlertEvent> SqliteRepository::find_alert_events(const AlertEventQuery& query) const {
  auto [where, params] = where_of(query);
  const char* order = query.newest_first ? " ORDER BY date DESC, sequence DESC" : " ORDER BY date, sequence";
  std::vector<AlertEvent> out;
  for (const auto& d :
       documents("SELECT document FROM alert_history" + where + order, std::move(params), query.offset, query.limit)) {
    try {
      out.push_back(alert_event_from_json(parse_json(d)));
    } catch (const std::exception& e) {  // one damaged entry does not hide the others
      logger(kRepositoryLogger)
          ->warn("An alert history entry of '{}' cannot be read, skipped: {}", path_.string(), e.what());
    }
  }
  return out;
}

size_t SqliteRepository::count_alert_events(const AlertEventQuery& query) const {
  auto [where, params] = where_of(query);
  return count("alert_history" + where, params);
}

std::optional<Value> SqliteRepository::state(std::string_view kind, const std::string& key) const {
  std::lock_guard lock(mutex_);
  check_open();
  get_state_->bind({std::string(kind), key});
  if (!get_state_->step()) return std::nullopt;
  auto text = get_state_->text(0);
  get_state_->run();
  return Value::parse(text);
}

void SqliteRepository::put_state(std::string_view kind, const std::string& key, const Value& value) {
  std::lock_guard lock(mutex_);
  check_open();
  transaction([&] { put_state_->bind({std::string(kind), key, dump_json(value)}).run(); });
}

void SqliteRepository::erase_state(std::string_view kind, const std::string& key) {
  std::lock_guard lock(mutex_);
  check_open();
  transaction([&] { erase_state_->bind({std::string(kind), key}).run(); });
}

std::vector<std::pair<std::string, Value>> SqliteRepository::states(std::string_view kind,
                                                                    const std::string& key_prefix) const {
  std::lock_guard lock(mutex_);
  check_open();
  // As blobs, substr counts bytes, as the prefix's size does.
  Statement rows(*this,
                 "SELECT key, value FROM states WHERE kind = ?"
                 " AND substr(CAST(key AS BLOB), 1, ?) = CAST(? AS BLOB) ORDER BY key");
  rows.bind({std::string(kind), static_cast<std::int64_t>(key_prefix.size()), key_prefix});
  std::vector<std::pair<std::string, Value>> out;
  while (rows.step()) out.emplace_back(rows.text(0), Value::parse(rows.text(1)));
  return out;
}

}  // namespace runwatch::store
