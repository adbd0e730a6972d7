#include "runwatch/runtime/execution_board.h"

#include <algorithm>
#include <unordered_set>

namespace runwatch {

void ExecutionBoard::set_archive(Archive* archive) {
  std::lock_guard lock(mutex_);
  archive_ = archive;
}

void ExecutionBoard::publish(Snapshot execution) {
  bool terminal = is_terminal(execution->state.current());
  {
    std::lock_guard lock(mutex_);
    Ticket ticket = archive_ ? archive_->record(execution) : 0;
    if (terminal) {
      live_.erase(execution->id);
      keep_ended(std::move(execution), ticket);
      evict_recorded();
    } else {
      if (auto it = ended_index_.find(execution->id); it != ended_index_.end()) {  // restarted, resumed
        ended_.erase(it->second);
        ended_index_.erase(it);
      }
      live_[execution->id] = std::move(execution);
    }
  }
  if (terminal) terminal_cv_.notify_all();
}

ExecutionBoard::Snapshot ExecutionBoard::held(const std::string& id, bool touch) const {
  if (auto it = live_.find(id); it != live_.end()) return it->second;
  auto it = ended_index_.find(id);
  if (it == ended_index_.end()) return nullptr;
  if (touch) ended_.splice(ended_.begin(), ended_, it->second);
  return it->second->execution;
}

void ExecutionBoard::keep_ended(Snapshot execution, Ticket ticket) const {
  if (auto it = ended_index_.find(execution->id); it != ended_index_.end()) {
    it->second->execution = std::move(execution);
    it->second->ticket = std::max(it->second->ticket, ticket);
    ended_.splice(ended_.begin(), ended_, it->second);
    return;
  }
  std::string id = execution->id;
  ended_.push_front({std::move(execution), ticket});
  ended_index_.emplace(std::move(id), ended_.begin());
}

// From the least recently used, while over capacity: an execution the archive has not
// recorded yet stays (it would be lost to readers), and so does everything after it.
void ExecutionBoard::evict_recorded() const {
  if (!archive_ || ended_.size() <= ended_capacity_) return;
  const Ticket recorded = archive_->recorded_through();
  while (ended_.size() > ended_capacity_ && ended_.back().ticket <= recorded) {
    ended_index_.erase(ended_.back().execution->id);
    ended_.pop_back();
  }
}

ExecutionBoard::Snapshot ExecutionBoard::find(const std::string& id) const {
  Archive* archive;
  {
    std::lock_guard lock(mutex_);
    if (auto found = held(id)) return found;
    archive = archive_;
  }
  if (!archive) return nullptr;
  auto recorded = archive->find(id);
  if (!recorded || !is_terminal(recorded->state.current())) return recorded;
  std::lock_guard lock(mutex_);
  if (auto found = held(id)) return found;  // published meanwhile: newer
  keep_ended(recorded, 0);
  evict_recorded();
  return recorded;
}

ExecutionBoard::Snapshot ExecutionBoard::latest(const Snapshot& recorded) const {
  std::lock_guard lock(mutex_);
  auto found = held(recorded->id);
  return found ? found : recorded;
}

std::vector<ExecutionBoard::Snapshot> ExecutionBoard::list(const ExecutionFilter& filter) const {
  auto matches = [&](const Execution& e) {
    return (!filter.ns || e.ns == *filter.ns) && (!filter.flow_id || e.flow_id == *filter.flow_id) &&
           (!filter.state || e.state.current() == *filter.state);
  };
  Archive* archive;
  {
    std::lock_guard lock(mutex_);
    archive = archive_;
  }
  // The archive may hold an older state than the board: the board's decides.
  std::vector<Snapshot> recorded = archive ? archive->list(filter) : std::vector<Snapshot>{};
  std::vector<Snapshot> out;
  std::unordered_set<std::string> seen;
  std::lock_guard lock(mutex_);
  for (auto& e : recorded) {
    auto current = held(e->id, false);  // a list is no use of each: the cache's order stays
    if (!current) current = e;
    seen.insert(e->id);
    if (matches(*current)) out.push_back(std::move(current));
  }
  // What the archive does not have yet.
  auto add_unrecorded = [&](const Snapshot& e) {
    if (!seen.count(e->id) && matches(*e)) out.push_back(e);
  };
  for (const auto& [id, e] : live_) add_unrecorded(e);
  for (const auto& entry : ended_) add_unrecorded(entry.execution);
  // The archive's order stands; what it does not have yet goes after its equals.
  std::stable_sort(out.begin(), out.end(),
                   [](const Snapshot& a, const Snapshot& b) { return a->state.start_date() < b->state.start_date(); });
  return out;
}

size_t ExecutionBoard::live_count() const {
  std::lock_guard lock(mutex_);
  return live_.size();
}

size_t ExecutionBoard::ended_count() const {
  std::lock_guard lock(mutex_);
  return ended_.size();
}

void ExecutionBoard::erase_ended_before(TimePoint cutoff) {
  std::lock_guard lock(mutex_);
  for (auto it = ended_.begin(); it != ended_.end();) {
    if (ended_before(*it->execution, cutoff)) {
      ended_index_.erase(it->execution->id);
      it = ended_.erase(it);
    } else {
      ++it;
    }
  }
}

ExecutionBoard::Snapshot ExecutionBoard::wait_terminal(
    const std::string& id, std::optional<std::chrono::steady_clock::duration> timeout) const {
  {
    std::unique_lock lock(mutex_);
    auto ended = [&] { return !live_.count(id); };
    if (timeout) terminal_cv_.wait_for(lock, *timeout, ended);
    else terminal_cv_.wait(lock, ended);
    if (auto found = held(id)) return found;
  }
  return find(id);
}

}  // namespace runwatch
