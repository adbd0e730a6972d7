#pragma once
// The latest snapshot of every live execution, and of the ended ones recently published
// or read, for readers outside the executor (API, Python, CLI, tasks). The executor
// publishes; everyone else reads or waits.
//
// Memory stays bounded: an ended execution leaves the board once its archive (the
// engine's repository, through the indexer) has recorded it and more than
// `ended_capacity` ended executions are held; reads of it then go to the archive, and
// the most recently used are cached. Without an archive, the board keeps everything.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "runwatch/model/execution.h"
#include "runwatch/tasks/run_context.h"

namespace runwatch {

struct ExecutionFilter {
  std::optional<std::string> ns;
  std::optional<std::string> flow_id;
  std::optional<State> state;
};

// How many ended executions the engine's board holds in RAM at most (about 2 KB each
// for a small flow), beyond those not recorded yet.
inline constexpr size_t kEndedExecutionsCached = 1000;

class ExecutionBoard final : public ExecutionReader {
 public:
  using Snapshot = std::shared_ptr<const Execution>;
  using Ticket = std::uint64_t;

  // Where executions are recorded, and read back once they left the board.
  class Archive {
   public:
    virtual ~Archive() = default;
    // Called with every snapshot published, in order, under the board's lock, so it
    // must not block. The ticket is recorded once recorded_through() reaches it.
    virtual Ticket record(const Snapshot& execution) = 0;
    virtual Ticket recorded_through() const = 0;
    // Called without the board's lock.
    virtual Snapshot find(const std::string& id) const = 0;
    // Oldest first: by start date, then in the order first recorded.
    virtual std::vector<Snapshot> list(const ExecutionFilter& filter) const = 0;
  };

  explicit ExecutionBoard(size_t ended_capacity = kEndedExecutionsCached) : ended_capacity_(ended_capacity) {}
  // The archive must outlive the board's use.
  void set_archive(Archive* archive);

  void publish(Snapshot execution);
  Snapshot find(const std::string& id) const override;
  Snapshot wait_terminal(const std::string& id, Duration timeout) const override {
    return wait_terminal(id, std::optional(std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout)));
  }
  // Oldest first: the archive's, with the board's newer snapshots in their place.
  std::vector<Snapshot> list(const ExecutionFilter& filter) const;
  // The board's snapshot of this execution if it holds one, else `recorded` itself.
  Snapshot latest(const Snapshot& recorded) const;
  // How many executions are in RAM: live, and ended.
  size_t live_count() const;
  size_t ended_count() const;
  // Forgets the ended executions that ended before `cutoff` (the repository's purge).
  void erase_ended_before(TimePoint cutoff);
  // Waits until the execution is terminal, or the deadline passes (real time); returns
  // the latest snapshot either way (null if unknown).
  Snapshot wait_terminal(const std::string& id, std::optional<std::chrono::steady_clock::duration> timeout) const;

 private:
  struct Ended {
    Snapshot execution;
    Ticket ticket;  // recorded once the archive reached it
  };
  using EndedList = std::list<Ended>;  // most recently used first

  // mutex_ held. `touch` makes an ended one the most recently used.
  Snapshot held(const std::string& id, bool touch = true) const;
  void keep_ended(Snapshot execution, Ticket ticket) const;
  void evict_recorded() const;

  const size_t ended_capacity_;
  mutable std::mutex mutex_;
  mutable std::condition_variable terminal_cv_;
  std::unordered_map<std::string, Snapshot> live_;
  mutable EndedList ended_;
  mutable std::unordered_map<std::string, EndedList::iterator> ended_index_;
  Archive* archive_ = nullptr;
};

}  // namespace runwatch
