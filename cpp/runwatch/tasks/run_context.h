#pragma once
// What a running task sees of the world: who it is, its rendered properties, a logger,
// the clock, and the cancellation signal of a kill or a timeout.
#include <memory>
#include <string>
#include <vector>

#include "runwatch/expr/functions.h"
#include "runwatch/metrics/catalog.h"
#include "runwatch/model/cancellation.h"
#include "runwatch/model/clock.h"
#include "runwatch/model/execution.h"
#include "runwatch/model/kv_store.h"
#include "runwatch/model/schema.h"
#include "runwatch/model/value.h"
#include "runwatch/tasks/log_reader.h"

namespace runwatch {

struct TaskIdentity {
  std::string execution_id;
  std::string ns;
  std::string flow_id;
  int flow_revision = 1;
  std::string task_id;
  std::string task_type;
  std::string task_run_id;
  int attempt = 1;
};

// Read access to executions, for tasks that report on one (SlackExecution and others).
class ExecutionReader {
 public:
  virtual ~ExecutionReader() = default;
  virtual std::shared_ptr<const Execution> find(const std::string& id) const = 0;
  // Waits, at most `timeout` of real time, until the execution is terminal; returns its
  // latest snapshot either way (null when unknown).
  virtual std::shared_ptr<const Execution> wait_terminal(const std::string& id, Duration timeout) const = 0;
};

class SecretStore;
class RateLimiter;
namespace storage {
class LocalStorage;
}

// What a render may take when nothing else is configured; a kill or timeout of the task
// stops it sooner.
inline constexpr std::chrono::steady_clock::duration kDefaultRenderTimeout = std::chrono::seconds(10);

class RunContext {
 public:
  RunContext(TaskIdentity identity, Value variables, const Clock& clock,
             std::shared_ptr<Cancellation> cancellation, const ExecutionReader* executions = nullptr,
             const SecretStore* secrets = nullptr);
  ~RunContext();

  const TaskIdentity& identity() const { return identity_; }
  // The variables templates see (flow, execution, inputs, outputs, labels, vars, ...).
  const Value& variables() const { return variables_; }

  // The one place every string property is rendered: strings inside value are
  // rendered as templates (compiled once, see expr::TemplateCache), everything else is
  // copied as it is. Throws expr::RenderError or expr::TemplateError.
  Value render(const Value& value) const;
  std::string render(const std::string& text) const;
  // A task's properties, each rendered as its schema says (JSON documents escaped).
  Value render_properties(const Value& properties, const TypeSchema& schema) const;
  // The ERROR lines `errorLogs()` returns (set by the executor).
  void set_error_logs(Value error_logs) { error_logs_ = std::move(error_logs); }
  void set_render_timeout(std::chrono::steady_clock::duration timeout) { render_timeout_ = timeout; }
  // Every secret value a render revealed, and every text of at least
  // expr::kMinDerivedSecretBytes it computed from one: logs and outputs mask them.
  const std::vector<std::string>& revealed_secrets() const { return revealed_secrets_; }
  // Values among the variables that are secrets (decrypted SECRET inputs): revealed
  // from the start, and what a render computes from them is masked as well.
  void add_secret_values(const std::vector<std::string>& values);

  void log(LogLevel level, std::string message);
  const std::vector<LogEntry>& logs() const { return logs_; }
  std::vector<LogEntry> take_logs() { return std::move(logs_); }

  const Clock& clock() const { return clock_; }
  // Null when the task runs outside an engine (unit tests of a task).
  const ExecutionReader* executions() const { return executions_; }
  Cancellation& cancellation() { return *cancellation_; }
  bool cancelled() const { return cancellation_->cancelled(); }
  // Sleeps on the engine's clock; false when the task was cancelled first.
  bool sleep_for(Duration d);

  // Where tasks keep what they reuse across runs (Python virtualenvs): the
  // runwatch.tasks.cache-directory setting, by default $XDG_CACHE_HOME/runwatch or
  // ~/.cache/runwatch.
  void set_cache_directory(std::string directory) { cache_directory_ = std::move(directory); }
  std::string cache_directory() const;
  // The directory a WorkingDirectory task shares between its child tasks (they work in it
  // and leave their files there); empty when the task has none and works in its own.
  void set_working_directory(std::string directory) { working_directory_ = std::move(directory); }
  const std::string& working_directory() const { return working_directory_; }

  // The namespace KV store and the task state store (set by the worker and the executor);
  // null outside an engine. kv_store() throws Error when there is none.
  void set_kv_store(KvStore* store) { kv_store_ = store; }
  KvStore& kv_store() const;

  // The internal storage (set by the worker and the executor): read() and the script
  // tasks' files. storage() throws Error when there is none (outside an engine).
  void set_storage(const storage::LocalStorage* storage) { storage_ = storage; }
  const storage::LocalStorage& storage() const;

  // Read access to executions' log lines (set by the worker), and how many lines this
  // task's own execution had when the executor dispatched it.
  void set_log_reader(const LogReader* reader, size_t own_lines) {
    log_reader_ = reader;
    own_log_lines_ = own_lines;
  }
  // The lines the query selects; nullopt when the execution is unknown. Of the task's own
  // execution only those written before it was dispatched: never its own, nor those of a
  // task running beside it, whose result may or may not arrive while it runs. Throws
  // Error outside an engine.
  std::optional<LogSelection> read_logs(LogQuery query) const;

  // The per-receiver rate limit notifications wait for (set by the worker); null: none.
  void set_rate_limiter(RateLimiter* limiter) { rate_limiter_ = limiter; }
  RateLimiter* rate_limiter() const { return rate_limiter_; }

  // The engine's metrics (set by the worker); null outside an engine or with metrics off.
  void set_metrics(const metrics::Catalog* catalog) { metrics_ = catalog; }
  const metrics::Catalog* metrics() const { return metrics_; }
  // Task metrics, as Kestra tasks emit them: under the engine's prefix, tagged with the
  // task's namespace_id, flow_id and task_id. Throw metrics::MetricError for a bad name
  // or tag; do nothing without metrics.
  void counter(const std::string& name, double value, const metrics::Tags& tags = {});
  void timer(const std::string& name, Duration value, const metrics::Tags& tags = {});

 private:
  TaskIdentity identity_;
  Value variables_;
  const Clock& clock_;
  std::shared_ptr<Cancellation> cancellation_;
  const ExecutionReader* executions_;
  const SecretStore* secrets_;
  const metrics::Catalog* metrics_ = nullptr;
  std::string cache_directory_;
  std::string working_directory_;
  KvStore* kv_store_ = nullptr;
  const storage::LocalStorage* storage_ = nullptr;
  const LogReader* log_reader_ = nullptr;
  size_t own_log_lines_ = 0;
  RateLimiter* rate_limiter_ = nullptr;
  std::chrono::steady_clock::duration render_timeout_ = kDefaultRenderTimeout;
  std::string render_as(const std::string& text, bool json_document) const;
  void reveal(const std::string& secret) const;

  Value error_logs_ = Value::array();
  std::vector<LogEntry> logs_;
  mutable std::vector<std::string> revealed_secrets_;
  std::vector<std::string> secret_values_;
  // Built on the first templated render: most properties are constant strings.
  mutable std::unique_ptr<expr::Functions> functions_;
};

}  // namespace runwatch
