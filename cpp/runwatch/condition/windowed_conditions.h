#pragma once
// Named conditions that must have been met, by any executions, within one time window:
// Kestra's Flow trigger `preconditions` (1.x) and `dependsOn` (2.0), and its older
// MultipleCondition. Each event records which conditions it meets; the window is
// complete once enough distinct conditions have been met in it: all of them, or as
// 2.0's `mode` says, any one or at least `minSatisfied`. The state lives outside (the engine keeps it per trigger), so
// this is pure logic over (stored state, event, now).
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runwatch/condition/condition.h"
#include "runwatch/condition/time_window.h"

namespace runwatch {

// What a window remembers: when each named condition was last met in it.
struct WindowState {
  WindowBounds bounds;  // the fixed window it belongs to (a sliding window: the latest)
  std::map<std::string, TimePoint> met;
  bool operator==(const WindowState&) const = default;
};

struct WindowUpdate {
  // What to keep after this event; nullopt: nothing (no condition met in the window).
  std::optional<WindowState> state;
  bool met_any = false;   // the event met at least one named condition
  bool complete = false;  // enough named conditions have been met within the window
};

// How many named conditions complete a window (Kestra 2.0's `mode` and `minSatisfied`).
struct Quorum {
  enum class Mode { All, Any, AtLeast };
  Mode mode = Mode::All;
  size_t min_satisfied = 1;  // AtLeast
};

class WindowedConditions {
 public:
  struct Named {
    std::string name;
    std::unique_ptr<const Condition> condition;
  };

  WindowedConditions(std::string id, std::vector<Named> conditions, TimeWindow window, bool reset_on_success,
                     Quorum quorum = {});

  // Keys the window's state among the trigger's windows.
  const std::string& id() const { return id_; }
  // Whether a complete window starts afresh (Kestra's resetOnSuccess, true by default).
  bool reset_on_success() const { return reset_on_success_; }
  const std::vector<Named>& conditions() const { return conditions_; }
  // How many of the conditions must be met: all of them, or as the quorum says.
  size_t required() const;
  // An event can only complete a window by meeting one of the conditions.
  Constraint constraint() const;

  // The window once this event, at `now`, is counted. A window whose time is over is
  // forgotten; outside the hours of a daily window nothing counts. `why` receives the
  // reason a condition could not be evaluated.
  WindowUpdate update(const std::optional<WindowState>& stored, const ConditionInput& input, TimePoint now,
                      std::string* why) const;

 private:
  std::string id_;
  std::vector<Named> conditions_;
  TimeWindow window_;
  bool reset_on_success_;
  Quorum quorum_;
};

// The Flow trigger's `preconditions`, or its `dependsOn` (nullopt when it has neither:
// it fires on each event). Throws Error naming every problem.
std::optional<WindowedConditions> preconditions_of(const TriggerDef& trigger);
// A MultipleCondition: its `conditions` map, `timeWindow` (or `sla`), `window` and
// `windowAdvance`. Throws Error naming every problem.
WindowedConditions multiple_condition_of(const ConditionDef& definition);
bool is_multiple_condition(const ConditionDef& definition);

// Reads the `preconditions` of a Flow trigger's properties, adding each problem (paths
// relative to the properties); nullopt when absent or invalid. `trigger_path` prefixes
// the paths its conditions report at run time. (preconditions.cc)
std::optional<WindowedConditions> read_preconditions(const Value& properties, const std::string& trigger_path,
                                                     std::vector<PropertyProblem>& problems);

// Reads the Kestra 2.0 keys of a Flow trigger's properties (`dependsOn`, `window`,
// `mode`, `minSatisfied`) as read_preconditions does; nullopt when `dependsOn` is absent
// or empty. The window's state is "depends_on_<trigger id>". (depends_on.cc)
std::optional<WindowedConditions> read_depends_on(const Value& properties, const std::string& trigger_id,
                                                  const std::string& trigger_path,
                                                  std::vector<PropertyProblem>& problems);

// The load-time checks of the Flow trigger and MultipleCondition schemas.
std::vector<PropertyProblem> check_flow_trigger_properties(const Value& properties);
std::vector<PropertyProblem> check_multiple_condition_properties(const Value& properties);

}  // namespace runwatch
