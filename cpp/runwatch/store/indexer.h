#pragma once
// The indexer: one thread that records the executions the engine publishes, in batched
// transactions, so that the executor never waits on the disk. Each snapshot queued gets
// a ticket; a caller that must not be answered before its execution is recorded (an
// API client's submit) waits for its ticket. Records indexer.* metrics. A repository in
// memory has no disk to wait on: each change is written at once by the caller's thread,
// and there is no indexer thread.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "runwatch/logging/loggers.h"
#include "runwatch/metrics/indexer_metrics.h"
#include "runwatch/store/repository.h"

namespace runwatch::store {

class Indexer {
 public:
  using Snapshot = Repository::Snapshot;
  using Ticket = std::uint64_t;

  // Null metrics: none recorded.
  Indexer(Repository& repository, const metrics::Catalog* metrics);
  ~Indexer();
  Indexer(const Indexer&) = delete;
  Indexer& operator=(const Indexer&) = delete;

  // Queues the execution's latest state, and the history entries it brings (written in the
  // same transaction); a newer snapshot of the same execution queued before the next batch
  // replaces it. In memory: writes them now.
  Ticket record(Snapshot execution, std::vector<AlertEvent> events = {});
  // Queues a keyed state change (nullopt erases), written with the next batch; a later
  // change of the same key replaces it while queued. In memory: writes it now.
  Ticket record_state(std::string_view kind, const std::string& key, std::optional<Value> value);
  // Queues state changes and alert history entries together: they are written in the
  // same transaction.
  Ticket record_changes(std::vector<StateChange> states, std::vector<AlertEvent> events);
  // The ticket of the last snapshot queued, and the last one committed (every ticket up
  // to it is).
  Ticket last_ticket() const;
  Ticket committed_ticket() const;
  // Returns once every snapshot up to `ticket` is committed. Throws StoreError when the
  // batch holding it could not be written (it is retried in the background).
  void wait_recorded(Ticket ticket);
  // Writes what is queued, then stops the thread. Later snapshots are not recorded.
  void stop();

 private:
  // What one transaction writes.
  struct Batch {
    std::vector<Snapshot> executions;
    std::vector<StateChange> states;
    std::vector<AlertEvent> events;
    bool empty() const { return executions.empty() && states.empty() && events.empty(); }
    size_t size() const { return executions.size() + states.size() + events.size(); }
  };

  void loop();
  // The in-memory path: writes one change now (mutex_ held). Failures are logged.
  Ticket write_now(const Batch& batch);
  // One write to the repository, with its metrics; throws what the repository throws.
  void save(const Batch& batch, std::chrono::steady_clock::time_point received);
  // False when it stopped with the batch still failing (it is then dropped, logged).
  bool write(Batch& batch, Ticket through);
  // Queues a state change (mutex_ held): a later change of the same key replaces it.
  void queue_state_locked(StateChange change);
  // Takes what is queued as the next batch (mutex_ held).
  Batch take_locked();
  // Puts a failed batch back in front of what was queued since (newer entries win).
  void requeue_locked(Batch& batch);

  Repository& repository_;
  const bool in_memory_;
  const metrics::IndexerMetrics metrics_;
  std::shared_ptr<spdlog::logger> log_;

  mutable std::mutex mutex_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  Batch queue_;
  std::unordered_map<std::string, size_t> queued_;  // execution id -> its place in queue_.executions
  std::map<std::pair<std::string, std::string>, size_t> queued_states_;  // (kind, key) -> its place
  Ticket issued_ = 0;
  Ticket committed_ = 0;
  Ticket failed_ = 0;  // tickets up to this one were in a batch that failed
  std::string failure_;
  bool stopping_ = false;
  bool stopped_ = false;  // the thread has ended
  std::thread thread_;
};

}  // namespace runwatch::store
