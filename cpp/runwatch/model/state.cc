#include "runwatch/model/state.h"

#include <array>

namespace runwatch {
namespace {
constexpr std::array<std::string_view, 13> kNames = {
    "CREATED", "RUNNING", "PAUSED", "RETRYING", "RETRIED", "QUEUED", "KILLING",
    "SUCCESS", "WARNING", "FAILED", "KILLED",  "CANCELLED", "SKIPPED",
};
}  // namespace

std::string_view to_string(State s) { return kNames[static_cast<size_t>(s)]; }

std::optional<State> parse_state(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<State>(i);
  return std::nullopt;
}

bool is_terminal(State s) {
  switch (s) {
    case State::SUCCESS:
    case State::WARNING:
    case State::FAILED:
    case State::KILLED:
    case State::CANCELLED:
    case State::SKIPPED:
    case State::RETRIED:
      return true;
    default:
      return false;
  }
}

const std::vector<State>& all_states() {
  static const std::vector<State> states = [] {
    std::vector<State> v;
    for (size_t i = 0; i < kNames.size(); ++i) v.push_back(static_cast<State>(i));
    return v;
  }();
  return states;
}

}  // namespace runwatch
