#include "runwatch/store/memory_repository.h"

#include <algorithm>
#include <iterator>

#include "runwatch/store/store_error.h"

namespace runwatch::store {
namespace {

template <typename T>
std::vector<T> page(std::vector<T> all, size_t offset, std::optional<size_t> limit) {
  const size_t first = std::min(offset, all.size());
  const size_t last = limit ? std::min(all.size(), first + *limit) : all.size();
  return {std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(first)),
          std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(last))};
}

}  // namespace

RepositoryInfo MemoryRepository::info() const {
  std::lock_guard lock(mutex_);
  return {"memory", RUNWATCH_VERSION, "", !closed_, closed_ ? "closed" : ""};
}

void MemoryRepository::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
}

void MemoryRepository::check_open() const {
  if (closed_) throw StoreError("The memory repository is closed");
}

void MemoryRepository::save_flows(const std::vector<StoredFlow>& flows) {
  std::lock_guard lock(mutex_);
  check_open();
  for (const auto& flow : flows) flows_[{flow.ns, flow.id}][flow.revision] = flow;
}

std::vector<StoredFlow> MemoryRepository::flow_revisions(const std::string& ns, const std::string& id) const {
  std::lock_guard lock(mutex_);
  check_open();
  std::vector<StoredFlow> out;
  if (auto it = flows_.find({ns, id}); it != flows_.end())
    for (const auto& [revision, flow] : it->second) out.push_back(flow);
  return out;
}

std::vector<StoredFlow> MemoryRepository::latest_flows() const {
  std::lock_guard lock(mutex_);
  check_open();
  std::vector<StoredFlow> out;
  for (const auto& [key, revisions] : flows_) out.push_back(revisions.rbegin()->second);
  return out;
}

void MemoryRepository::save_executions(const std::vector<Snapshot>& executions, const std::vector<StateChange>& states,
                                       const std::vector<AlertEvent>& events) {
  std::lock_guard lock(mutex_);
  check_open();
  for (const auto& e : executions) {
    auto [it, inserted] = executions_.try_emplace(e->id, Recorded{e, recorded_});
    if (inserted) ++recorded_;
    else it->second.execution = e;
  }
  for (const auto& change : states) {
    if (change.value) states_[change.kind][change.key] = *change.value;
    else if (auto of_kind = states_.find(change.kind); of_kind != states_.end()) of_kind->second.erase(change.key);
  }
  events_.insert(events_.end(), events.begin(), events.end());
}

MemoryRepository::Snapshot MemoryRepository::find_execution(const std::string& id) const {
  std::lock_guard lock(mutex_);
  check_open();
  auto it = executions_.find(id);
  return it == executions_.end() ? nullptr : it->second.execution;
}

std::vector<MemoryRepository::Snapshot> MemoryRepository::matching(const ExecutionQuery& query) const {
  std::vector<const Recorded*> found;
  for (const auto& [id, recorded] : executions_)
    if (matches(*recorded.execution, query)) found.push_back(&recorded);
  std::sort(found.begin(), found.end(), [](const Recorded* a, const Recorded* b) {
    return std::pair(a->execution->state.start_date(), a->sequence) <
           std::pair(b->execution->state.start_date(), b->sequence);
  });
  std::vector<Snapshot> out;
  out.reserve(found.size());
  for (const auto* recorded : found) out.push_back(recorded->execution);
  return out;
}

std::vector<MemoryRepository::Snapshot> MemoryRepository::find_executions(const ExecutionQuery& query) const {
  std::lock_guard lock(mutex_);
  check_open();
  return page(matching(query), query.offset, query.limit);
}

size_t MemoryRepository::count_executions(const ExecutionQuery& query) const {
  std::lock_guard lock(mutex_);
  check_open();
  return matching(query).size();
}

std::vector<PurgedExecution> MemoryRepository::purge_executions(TimePoint ended_before) {
  std::lock_guard lock(mutex_);
  check_open();
  std::vector<PurgedExecution> purged;
  std::erase_if(executions_, [&](const auto& entry) {
    const Execution& e = *entry.second.execution;
    if (!runwatch::ended_before(e, ended_before)) return false;
    purged.push_back({e.id, e.ns, e.flow_id});
    return true;
  });
  std::erase_if(events_, [&](const AlertEvent& event) { return event.date < ended_before; });
  return purged;
}

std::vector<AlertEvent> MemoryRepository::find_alert_events(const AlertEventQuery& query) const {
  std::lock_guard lock(mutex_);
  check_open();
  std::vector<AlertEvent> found;
  for (const auto& event : events_)
    if (matches(event, query)) found.push_back(event);
  std::stable_sort(found.begin(), found.end(),
                   [](const AlertEvent& a, const AlertEvent& b) { return a.date < b.date; });
  if (query.newest_first) std::reverse(found.begin(), found.end());
  return page(std::move(found), query.offset, query.limit);
}

size_t MemoryRepository::count_alert_events(const AlertEventQuery& query) const {
  std::lock_guard lock(mutex_);
  check_open();
  return static_cast<size_t>(
      std::count_if(events_.begin(), events_.end(), [&](const AlertEvent& event) { return matches(event, query); }));
}

std::optional<Value> MemoryRepository::state(std::string_view kind, const std::string& key) const {
  std::lock_guard lock(mutex_);
  check_open();
  auto of_kind = states_.find(kind);
  if (of_kind == states_.end()) return std::nullopt;
  auto it = of_kind->second.find(key);
  return it == of_kind->second.end() ? std::nullopt : std::optional(it->second);
}

void MemoryRepository::put_state(std::string_view kind, const std::string& key, const Value& value) {
  std::lock_guard lock(mutex_);
  check_open();
  states_[std::string(kind)][key] = value;
}

void MemoryRepository::erase_state(std::string_view kind, const std::string& key) {
  std::lock_guard lock(mutex_);
  check_open();
  if (auto of_kind = states_.find(kind); of_kind != states_.end()) of_kind->second.erase(key);
}

std::vector<std::pair<std::string, Value>> MemoryRepository::states(std::string_view kind,
                                                                    const std::string& key_prefix) const {
  std::lock_guard lock(mutex_);
  check_open();
  std::vector<std::pair<std::string, Value>> out;
  if (auto of_kind = states_.find(kind); of_kind != states_.end())
    for (auto it = of_kind->second.lower_bound(key_prefix);
         it != of_kind->second.end() && it->first.starts_with(key_prefix); ++it)
      out.emplace_back(it->first, it->second);
  return out;
}

}  // namespace runwatch::store
