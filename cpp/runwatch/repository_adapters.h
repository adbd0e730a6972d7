#pragma once
// The runtime's storage interfaces on the repository, wired by the engine (store/ and
// runtime/ do not know each other): the executions the board publishes and reads back,
// the Schedule triggers' last dates, the Flow triggers' precondition windows, the Alert
// triggers' books, and the documents of the KV and task state stores.
#include <functional>
#include <map>
#include <mutex>
#include <set>

#include "runwatch/model/kv_store.h"
#include "runwatch/runtime/alert_state.h"
#include "runwatch/runtime/execution_board.h"
#include "runwatch/runtime/schedule_state.h"
#include "runwatch/runtime/silences.h"
#include "runwatch/runtime/window_store.h"
#include "runwatch/store/indexer.h"
#include "runwatch/store/repository.h"

namespace runwatch {

// The repository behind the board: the indexer records what it publishes, and what
// left the board is read back from the repository.
class RepositoryArchive final : public ExecutionBoard::Archive {
 public:
  // The history entries a snapshot brings (the deliveries of an execution that ended),
  // recorded in the same transaction as the snapshot.
  using HistoryOf = std::function<std::vector<AlertEvent>(const Execution&)>;
  RepositoryArchive(store::Repository& repository, store::Indexer& indexer, HistoryOf history_of)
      : repository_(repository), indexer_(indexer), history_of_(std::move(history_of)) {}
  using Snapshot = ExecutionBoard::Snapshot;
  using Ticket = ExecutionBoard::Ticket;
  Ticket record(const Snapshot& execution) override { return indexer_.record(execution, history_of_(*execution)); }
  Ticket recorded_through() const override { return indexer_.committed_ticket(); }
  Snapshot find(const std::string& id) const override { return repository_.find_execution(id); }
  std::vector<Snapshot> list(const ExecutionFilter& filter) const override;

 private:
  store::Repository& repository_;
  store::Indexer& indexer_;
  HistoryOf history_of_;
};

class RepositoryScheduleState final : public ScheduleState {
 public:
  explicit RepositoryScheduleState(store::Repository& repository) : repository_(repository) {}
  std::optional<TimePoint> last_date(const std::string& ns, const std::string& flow_id,
                                     const std::string& trigger_id) const override;
  void set_last_date(const std::string& ns, const std::string& flow_id, const std::string& trigger_id,
                     TimePoint date) override;

 private:
  store::Repository& repository_;
};

// The windows in memory, read from the repository at construction; each change is
// written by the indexer with its next batch (the executor, which changes windows, never
// waits on the disk). A window changed by an execution's event is recorded no later
// than that execution's next state.
class RepositoryWindowStore final : public WindowStore {
 public:
  RepositoryWindowStore(const store::Repository& repository, store::Indexer& indexer);
  std::optional<WindowState> get(const WindowKey& key) const override;
  void put(const WindowKey& key, const WindowState& state) override;
  void erase(const WindowKey& key) override;

 private:
  store::Indexer& indexer_;
  mutable std::mutex mutex_;
  std::map<WindowKey, WindowState> windows_;
};

// Each Alert trigger's book as keyed state (kind `alert`): its log under the trigger's key,
// each group's alert under the key, "/" and the group's. Writes go with the indexer's
// next batch, after the executions queued before them (see AlertMonitor).
class RepositoryAlertState final : public AlertState {
 public:
  RepositoryAlertState(const store::Repository& repository, store::Indexer& indexer)
      : repository_(repository), indexer_(indexer) {}
  std::optional<Value> load(const AlertTriggerKey& trigger) const override;
  void save(const AlertTriggerKey& trigger, AlertSave change) override;
  void erase(const AlertTriggerKey& trigger) override;

 private:
  const store::Repository& repository_;
  store::Indexer& indexer_;
  mutable std::mutex mutex_;
  // The groups saved for each trigger key, queued writes included (read at load).
  mutable std::map<std::string, std::set<std::string>> groups_;
};

// The silences as keyed state (kind `silence`), each change written at once in its own
// transaction: an API client told a silence exists finds it after a restart.
class RepositorySilenceStorage final : public Silences::Storage {
 public:
  explicit RepositorySilenceStorage(store::Repository& repository) : repository_(repository) {}
  std::vector<Value> load() const override {
    std::vector<Value> out;
    for (auto& entry : repository_.states(store::kSilenceState)) out.push_back(std::move(entry.second));
    return out;
  }
  void put(const std::string& id, const Value& silence) override {
    repository_.put_state(store::kSilenceState, id, silence);
  }
  void erase(const std::string& id) override { repository_.erase_state(store::kSilenceState, id); }

 private:
  store::Repository& repository_;
};

// The KV store's documents as keyed state (kinds `kv` and `task-state`), written at once
// in their own transaction: a task that set a key has it recorded when it succeeds.
class RepositoryKvBackend final : public KvStore::Backend {
 public:
  explicit RepositoryKvBackend(store::Repository& repository) : repository_(repository) {}
  std::optional<Value> get(KvStore::Space space, const std::string& key) const override {
    return repository_.state(kind(space), key);
  }
  void put(KvStore::Space space, const std::string& key, const Value& document) override {
    repository_.put_state(kind(space), key, document);
  }
  void erase(KvStore::Space space, const std::string& key) override { repository_.erase_state(kind(space), key); }
  std::vector<std::pair<std::string, Value>> list(KvStore::Space space, const std::string& prefix) const override {
    return repository_.states(kind(space), prefix);
  }

 private:
  static std::string_view kind(KvStore::Space space) {
    return space == KvStore::Space::Kv ? store::kKvState : store::kTaskState;
  }
  store::Repository& repository_;
};

}  // namespace runwatch
