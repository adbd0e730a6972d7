#include "runwatch/runtime/execution_board.h"

namespace runwatch {

void ExecutionBoard::set_listener(Listener listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

void ExecutionBoard::publish(Snapshot execution) {
  bool terminal = is_terminal(execution->state.current());
  {
    std::lock_guard lock(mutex_);
    if (listener_) listener_(execution);
    auto [it, inserted] = index_.try_emplace(execution->id, executions_.size());
    if (inserted) executions_.push_back(std::move(execution));
    else executions_[it->second] = std::move(execution);
  }
  if (terminal) terminal_cv_.notify_all();
}

ExecutionBoard::Snapshot ExecutionBoard::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : executions_[it->second];
}

std::vector<ExecutionBoard::Snapshot> ExecutionBoard::list(const ExecutionFilter& filter) const {
  std::lock_guard lock(mutex_);
  std::vector<Snapshot> out;
  for (const auto& e : executions_) {
    if (filter.ns && e->ns != *filter.ns) continue;
    if (filter.flow_id && e->flow_id != *filter.flow_id) continue;
    if (filter.state && e->state.current() != *filter.state) continue;
    out.push_back(e);
  }
  return out;
}

size_t ExecutionBoard::size() const {
  std::lock_guard lock(mutex_);
  return executions_.size();
}

size_t ExecutionBoard::erase_ended_before(TimePoint cutoff) {
  std::lock_guard lock(mutex_);
  size_t erased = std::erase_if(executions_, [&](const Snapshot& e) { return ended_before(*e, cutoff); });
  if (erased == 0) return 0;
  index_.clear();
  for (size_t i = 0; i < executions_.size(); ++i) index_.emplace(executions_[i]->id, i);
  return erased;
}

ExecutionBoard::Snapshot ExecutionBoard::wait_terminal(
    const std::string& id, std::optional<std::chrono::steady_clock::duration> timeout) const {
  std::unique_lock lock(mutex_);
  auto current = [&]() -> Snapshot {
    auto it = index_.find(id);
    return it == index_.end() ? nullptr : executions_[it->second];
  };
  auto done = [&] {
    auto e = current();
    return !e || is_terminal(e->state.current());
  };
  if (timeout) terminal_cv_.wait_for(lock, *timeout, done);
  else terminal_cv_.wait(lock, done);
  return current();
}

}  // namespace runwatch
