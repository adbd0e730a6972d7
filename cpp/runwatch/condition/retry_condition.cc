// HasRetryAttempt, after Kestra's io.kestra.plugin.core.condition.HasRetryAttempt: some
// task run has more than one attempt, and one of those task runs' attempts is in a
// state within `in` (when given) and not within `notIn` (when given).
#include "runwatch/condition/condition_types.h"

namespace runwatch {
namespace {

class HasRetryAttempt final : public CompiledCondition {
 public:
  explicit HasRetryAttempt(const ConditionDef& d)
      : CompiledCondition(d), in_(StateList::of(d, "in")), not_in_(StateList::of(d, "notIn")) {}

 protected:
  bool test(const ConditionInput& input) const override {
    StateMask allowed = in_ ? in_->states(input) : kAllStates;
    if (not_in_) allowed &= static_cast<StateMask>(~not_in_->states(input));
    for (const auto& run : execution_of(input).task_runs) {
      if (run.attempts.size() < 2) continue;
      for (const auto& attempt : run.attempts)
        if (allowed & state_bit(attempt.state.current())) return true;
    }
    return false;
  }

 private:
  std::optional<StateList> in_, not_in_;
};

}  // namespace

CompiledConditionPtr compile_has_retry_attempt(const ConditionDef& d) { return std::make_unique<HasRetryAttempt>(d); }

}  // namespace runwatch
