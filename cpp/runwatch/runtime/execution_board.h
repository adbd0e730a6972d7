#pragma once
// The latest snapshot of every execution, live or finished, for readers outside the
// executor (API, Python, CLI). The executor publishes; everyone else reads or waits.
#include <condition_variable>
#include <functional>
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

class ExecutionBoard final : public ExecutionReader {
 public:
  using Snapshot = std::shared_ptr<const Execution>;

  // Called with every snapshot published, in order, under the board's lock, so it must
  // not block: the engine's indexer, which records them.
  using Listener = std::function<void(const Snapshot&)>;
  void set_listener(Listener listener);

  void publish(Snapshot execution);
  Snapshot find(const std::string& id) const override;
  Snapshot wait_terminal(const std::string& id, Duration timeout) const override {
    return wait_terminal(id, std::optional(std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout)));
  }
  // Oldest first.
  std::vector<Snapshot> list(const ExecutionFilter& filter) const;
  size_t size() const;
  // Forgets the executions that ended before `cutoff` (the repository's purge); returns how many.
  size_t erase_ended_before(TimePoint cutoff);
  // Waits until the execution is terminal, or the deadline passes (real time); returns
  // the latest snapshot either way (null if unknown).
  Snapshot wait_terminal(const std::string& id, std::optional<std::chrono::steady_clock::duration> timeout) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable terminal_cv_;
  std::unordered_map<std::string, size_t> index_;
  std::vector<Snapshot> executions_;  // in order of first publication
  Listener listener_;
};

}  // namespace runwatch
