#pragma once
// Runtime state kept in the repository's keyed state: the Schedule triggers' last
// dates, and the Flow triggers' precondition windows.
#include <map>
#include <mutex>

#include "runwatch/runtime/schedule_state.h"
#include "runwatch/runtime/window_store.h"
#include "runwatch/store/indexer.h"
#include "runwatch/store/repository.h"

namespace runwatch::store {

class RepositoryScheduleState final : public ScheduleState {
 public:
  explicit RepositoryScheduleState(Repository& repository) : repository_(repository) {}
  std::optional<TimePoint> last_date(const std::string& ns, const std::string& flow_id,
                                     const std::string& trigger_id) const override;
  void set_last_date(const std::string& ns, const std::string& flow_id, const std::string& trigger_id,
                     TimePoint date) override;

 private:
  Repository& repository_;
};

// The windows in memory, read from the repository at construction; each change is
// written by the indexer with its next batch (the executor, which changes windows, never
// waits on the disk). A window changed by an execution's event is recorded no later
// than that execution's next state.
class RepositoryWindowStore final : public WindowStore {
 public:
  RepositoryWindowStore(const Repository& repository, Indexer& indexer);
  std::optional<WindowState> get(const WindowKey& key) const override;
  void put(const WindowKey& key, const WindowState& state) override;
  void erase(const WindowKey& key) override;

 private:
  Indexer& indexer_;
  mutable std::mutex mutex_;
  std::map<WindowKey, WindowState> windows_;
};

}  // namespace runwatch::store
