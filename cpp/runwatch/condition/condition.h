#pragma once
// Trigger conditions: each compiled condition answers for one event and describes
// itself symbolically as a Constraint, which the lint (can this trigger ever fire?) and
// the trigger index (which triggers can this event meet?) both use.
#include <memory>
#include <string>
#include <vector>

#include "runwatch/condition/constraint.h"
#include "runwatch/model/execution.h"
#include "runwatch/model/flow.h"

namespace runwatch {

// What a condition looks at.
struct ConditionInput {
  // The execution that reached a state (Flow triggers); null when a schedule evaluates
  // its date conditions.
  const Execution* execution = nullptr;
  // trigger.date: the schedule's date, or the time of the event.
  TimePoint date;
  // The variables Expression conditions render with (flow, execution, trigger, ...).
  const Value* variables = nullptr;
  // The UTC offset of the zone `date` is in (a zoned schedule's): what date conditions
  // take the day of.
  std::chrono::seconds date_offset{0};
};

class Condition {
 public:
  virtual ~Condition() = default;
  // A condition that cannot be evaluated (bad expression, bad date) counts as false, as
  // in Kestra; `why` then receives the reason, for a warning in the logs.
  virtual bool matches(const ConditionInput& input, std::string* why) const = 0;
  // A superset of the events it matches; exact for the conditions over namespace, flow,
  // state and labels (and their Or / Not combinations).
  virtual Constraint constraint() const = 0;
  // The definition it was compiled from (for messages: its type and path).
  virtual const ConditionDef& definition() const = 0;
};

// Throws Error naming the condition's path for properties that cannot be compiled.
std::unique_ptr<const Condition> compile_condition(const ConditionDef& definition);

// The conditions of a trigger, all of which must hold.
class ConditionSet {
 public:
  explicit ConditionSet(const std::vector<ConditionDef>& definitions);
  bool matches(const ConditionInput& input, std::string* why) const;
  Constraint constraint() const;
  const std::vector<std::unique_ptr<const Condition>>& conditions() const { return conditions_; }

 private:
  std::vector<std::unique_ptr<const Condition>> conditions_;
};

}  // namespace runwatch
