#include "runwatch/store/indexer.h"

#include <chrono>

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

Indexer::Ticket Indexer::record(Snapshot execution) {
  Ticket ticket;
  {
    std::lock_guard lock(mutex_);
    if (in_memory_) return write_now({std::move(execution)}, {});
    ticket = ++issued_;
    auto [it, inserted] = queued_.try_emplace(execution->id, queue_.size());
    if (inserted) queue_.push_back(std::move(execution));
    else queue_[it->second] = std::move(execution);
  }
  work_cv_.notify_one();
  return ticket;
}

Indexer::Ticket Indexer::record_state(std::string_view kind, const std::string& key, std::optional<Value> value) {
  Ticket ticket;
  {
    std::lock_guard lock(mutex_);
    StateChange change{std::string(kind), key, std::move(value)};
    if (in_memory_) return write_now({}, {std::move(change)});
    ticket = ++issued_;
    auto [it, inserted] = queued_states_.try_emplace({change.kind, key}, state_queue_.size());
    if (inserted) state_queue_.push_back(std::move(change));
    else state_queue_[it->second] = std::move(change);
  }
  work_cv_.notify_one();
  return ticket;
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

Indexer::Ticket Indexer::write_now(std::vector<Snapshot> executions, std::vector<StateChange> states) {
  Ticket ticket = ++issued_;
  if (stopping_) return ticket;  // as the thread: later changes are not recorded
  try {
    save(executions, states, std::chrono::steady_clock::now());
    committed_ = ticket;
  } catch (const std::exception& e) {
    log_->error("Recording {} executions and {} states failed: {}", executions.size(), states.size(), e.what());
    failed_ = ticket;
    failure_ = e.what();
  }
  return ticket;
}

void Indexer::save(const std::vector<Snapshot>& batch, const std::vector<StateChange>& states,
                   std::chrono::steady_clock::time_point received) {
  auto start = std::chrono::steady_clock::now();
  repository_.save_executions(batch, states);
  auto end = std::chrono::steady_clock::now();
  metrics_.batch_written(batch.size() + states.size(), end - start, end - received);
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

void Indexer::loop() {
  set_thread_name("indexer");
  std::vector<Snapshot> batch;
  std::vector<StateChange> states;
  for (;;) {
    Ticket through;
    {
      std::unique_lock lock(mutex_);
      work_cv_.wait(lock, [&] { return !queue_.empty() || !state_queue_.empty() || stopping_; });
      if (queue_.empty() && state_queue_.empty()) return;
      batch.swap(queue_);
      states.swap(state_queue_);
      queued_.clear();
      queued_states_.clear();
      through = issued_;
    }
    if (!write(batch, states, through)) return;
    batch.clear();
    states.clear();
  }
}

void Indexer::requeue_locked(std::vector<Snapshot>& batch, std::vector<StateChange>& states) {
  for (auto& snapshot : batch) {
    auto [it, inserted] = queued_.try_emplace(snapshot->id, queue_.size());
    if (inserted) queue_.push_back(std::move(snapshot));
  }
  for (auto& change : states) {
    auto [it, inserted] = queued_states_.try_emplace({change.kind, change.key}, state_queue_.size());
    if (inserted) state_queue_.push_back(std::move(change));
  }
  batch.clear();
  states.clear();
}

bool Indexer::write(std::vector<Snapshot>& batch, std::vector<StateChange>& states, Ticket through) {
  auto received = std::chrono::steady_clock::now();
  for (;;) {
    try {
      save(batch, states, received);
      std::lock_guard lock(mutex_);
      committed_ = through;
      break;
    } catch (const std::exception& e) {
      log_->error("Recording {} executions and {} states failed, retrying in {} ms: {}", batch.size(), states.size(),
                  kRetryAfter.count(), e.what());
      std::unique_lock lock(mutex_);
      failed_ = through;
      failure_ = e.what();
      done_cv_.notify_all();
      if (work_cv_.wait_for(lock, kRetryAfter, [&] { return stopping_; })) {
        log_->error("Stopped with {} executions and {} states not recorded", batch.size() + queue_.size(),
                    states.size() + state_queue_.size());
        return false;
      }
      requeue_locked(batch, states);
      batch.swap(queue_);
      states.swap(state_queue_);
      queued_.clear();
      queued_states_.clear();
      through = issued_;
    }
  }
  done_cv_.notify_all();
  return true;
}

}  // namespace runwatch::store
