#include "runwatch/store/indexer.h"

#include <chrono>
#include <iterator>
#include <utility>

#include "runwatch/model/thread_name.h"
#include "runwatch/store/store_error.h"

namespace runwatch::store {
namespace {

constexpr const char* kIndexerLogger = "io.kestra.core.runners.Indexer";
// After a failed batch, how long before the indexer tries again.
constexpr auto kRetryAfter = std::chrono::milliseconds(100);

}  // namespace

Indexer::Indexer(Repository& repository, const metrics::Catalog* metrics)
    : repository_(repository),
      in_memory_(repository.in_memory()),
      metrics_(metrics),
      log_(logger(kIndexerLogger)) {
  if (!in_memory_) thread_ = std::thread([this] { loop(); });
}

Indexer::~Indexer() { stop(); }

Indexer::Ticket Indexer::record(Snapshot execution, std::vector<AlertEvent> events) {
  Ticket ticket;
  {
    std::lock_guard lock(mutex_);
    if (in_memory_) return write_now({.executions = {std::move(execution)}, .events = std::move(events)});
    ticket = ++issued_;
    std::move(events.begin(), events.end(), std::back_inserter(queue_.events));
    auto& executions = queue_.executions;
    auto [it, inserted] = queued_.try_emplace(execution->id, executions.size());
    if (inserted)
      executions.push_back(std::move(execution));
    else
      executions[it->second] = std::move(execution);
  }
  work_cv_.notify_one();
  return ticket;
}

Indexer::Ticket Indexer::record_state(std::string_view kind, const std::string& key, std::optional<Value> value) {
  std::vector<StateChange> states;
  states.push_back({std::string(kind), key, std::move(value)});
  return record_changes(std::move(states), {});
}

Indexer::Ticket Indexer::record_changes(std::vector<StateChange> states, std::vector<AlertEvent> events) {
  Ticket ticket;
  {
    std::lock_guard lock(mutex_);
    if (in_memory_) return write_now({.states = std::move(states), .events = std::move(events)});
    ticket = ++issued_;
    for (auto& change : states) queue_state_locked(std::move(change));
    std::move(events.begin(), events.end(), std::back_inserter(queue_.events));
  }
  work_cv_.notify_one();
  return ticket;
}

void Indexer::queue_state_locked(StateChange change) {
  auto [it, inserted] = queued_states_.try_emplace({change.kind, change.key}, queue_.states.size());
  if (inserted)
    queue_.states.push_back(std::move(change));
  else
    queue_.states[it->second] = std::move(change);
}

Indexer::Ticket Indexer::last_ticket() const {
  std::lock_guard lock(mutex_);
  return issued_;
}

Indexer::Ticket Indexer::committed_ticket() const {
  std::lock_guard lock(mutex_);
  return committed_;
}

void Indexer::wait_recorded(Ticket ticket) {
  std::unique_lock lock(mutex_);
  done_cv_.wait(lock, [&] { return committed_ >= ticket || failed_ >= ticket || stopped_; });
  if (committed_ >= ticket) return;
  if (failed_ >= ticket) throw StoreError("The execution could not be recorded: " + failure_);
  throw StoreError("The execution could not be recorded: the store is closed");
}

Indexer::Ticket Indexer::write_now(const Batch& batch) {
  Ticket ticket = ++issued_;
  if (stopping_) return ticket;  // as the thread: later changes are not recorded
  try {
    save(batch, std::chrono::steady_clock::now());
    committed_ = ticket;
  } catch (const std::exception& e) {
    log_->error("Recording {} executions, {} states and {} alert events failed: {}", batch.executions.size(),
                batch.states.size(), batch.events.size(), e.what());
    failed_ = ticket;
    failure_ = e.what();
  }
  return ticket;
}

void Indexer::save(const Batch& batch, std::chrono::steady_clock::time_point received) {
  auto start = std::chrono::steady_clock::now();
  repository_.save_executions(batch.executions, batch.states, batch.events);
  auto end = std::chrono::steady_clock::now();
  metrics_.batch_written(batch.size(), end - start, end - received);
}

void Indexer::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  work_cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  done_cv_.notify_all();
}

Indexer::Batch Indexer::take_locked() {
  queued_.clear();
  queued_states_.clear();
  return std::exchange(queue_, {});
}

void Indexer::loop() {
  set_thread_name("indexer");
  for (;;) {
    Batch batch;
    Ticket through;
    {
      std::unique_lock lock(mutex_);
      work_cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;
      batch = take_locked();
      through = issued_;
    }
    if (!write(batch, through)) return;
  }
}

void Indexer::requeue_locked(Batch& batch) {
  Batch newer = take_locked();
  for (auto& snapshot : batch.executions) {
    queued_.emplace(snapshot->id, queue_.executions.size());
    queue_.executions.push_back(std::move(snapshot));
  }
  for (auto& snapshot : newer.executions) {
    auto [it, inserted] = queued_.try_emplace(snapshot->id, queue_.executions.size());
    if (inserted)
      queue_.executions.push_back(std::move(snapshot));
    else
      queue_.executions[it->second] = std::move(snapshot);
  }
  for (auto& change : batch.states) queue_state_locked(std::move(change));
  for (auto& change : newer.states) queue_state_locked(std::move(change));
  queue_.events = std::move(batch.events);
  std::move(newer.events.begin(), newer.events.end(), std::back_inserter(queue_.events));
  batch = {};
}

bool Indexer::write(Batch& batch, Ticket through) {
  auto received = std::chrono::steady_clock::now();
  for (;;) {
    try {
      save(batch, received);
      std::lock_guard lock(mutex_);
      committed_ = through;
      break;
    } catch (const std::exception& e) {
      log_->error("Recording {} executions, {} states and {} alert events failed, retrying in {} ms: {}",
                  batch.executions.size(), batch.states.size(), batch.events.size(), kRetryAfter.count(), e.what());
      std::unique_lock lock(mutex_);
      failed_ = through;
      failure_ = e.what();
      done_cv_.notify_all();
      if (work_cv_.wait_for(lock, kRetryAfter, [&] { return stopping_; })) {
        log_->error("Stopped with {} records not recorded", batch.size() + queue_.size());
        return false;
      }
      requeue_locked(batch);
      batch = take_locked();
      through = issued_;
    }
  }
  done_cv_.notify_all();
  return true;
}

}  // namespace runwatch::store
