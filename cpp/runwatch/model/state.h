#pragma once
// Kestra's execution and task-run states.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runwatch/model/time.h"

namespace runwatch {

enum class State {
  CREATED,
  RUNNING,
  PAUSED,
  RETRYING,
  RETRIED,
  QUEUED,
  KILLING,
  SUCCESS,
  WARNING,
  FAILED,
  KILLED,
  CANCELLED,
  SKIPPED,
};

std::string_view to_string(State s);
std::optional<State> parse_state(std::string_view name);
// SUCCESS, WARNING, FAILED, KILLED, CANCELLED, SKIPPED, RETRIED: nothing happens after.
bool is_terminal(State s);
// Every state, in declaration order.
const std::vector<State>& all_states();

struct StateTransition {
  State state;
  TimePoint date;
};

// A current state with its timestamped history, as executions, task runs and
// attempts carry it.
class StateHistory {
 public:
  explicit StateHistory(State initial = State::CREATED, TimePoint at = {}) { transition(initial, at); }
  void transition(State s, TimePoint at) {
    current_ = s;
    history_.push_back({s, at});
  }
  State current() const { return current_; }
  const std::vector<StateTransition>& history() const { return history_; }
  TimePoint start_date() const { return history_.front().date; }
  // The date it reached its terminal state, if it has.
  std::optional<TimePoint> end_date() const {
    if (!is_terminal(current_)) return std::nullopt;
    return history_.back().date;
  }

 private:
  State current_ = State::CREATED;
  std::vector<StateTransition> history_;
};

}  // namespace runwatch
