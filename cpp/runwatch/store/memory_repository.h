#pragma once
// The repository in memory: what tests and Engine() use by default. Nothing survives
// the process.
#include <cstdint>
#include <map>
#include <mutex>
#include <unordered_map>

#include "runwatch/store/repository.h"

namespace runwatch::store {

class MemoryRepository final : public Repository {
 public:
  RepositoryInfo info() const override;
  bool in_memory() const override { return true; }
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
  std::vector<Snapshot> matching(const ExecutionQuery& query) const;  // every match, in query order
  void check_open() const;  // with mutex_ held

  mutable std::mutex mutex_;
  bool closed_ = false;
  std::map<std::pair<std::string, std::string>, std::map<int, StoredFlow>> flows_;
  struct Recorded {
    Snapshot execution;
    std::uint64_t sequence;  // the order it was first recorded in
  };
  std::unordered_map<std::string, Recorded> executions_;
  std::uint64_t recorded_ = 0;
  std::map<std::string, std::map<std::string, Value>, std::less<>> states_;
  std::vector<AlertEvent> events_;  // as recorded (a stable sort by date gives the query order)
};

}  // namespace runwatch::store
