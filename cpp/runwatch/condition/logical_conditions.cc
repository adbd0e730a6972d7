// Conditions over conditions: Or, Not, and MultipleCondition.
#include "runwatch/condition/condition_types.h"

namespace runwatch {
namespace {

std::vector<CompiledConditionPtr> compile_all(const std::vector<ConditionDef>& definitions) {
  std::vector<CompiledConditionPtr> out;
  for (const auto& d : definitions) out.push_back(compile(d));
  return out;
}

// The union of the children's constraints.
Constraint union_of(const std::vector<CompiledConditionPtr>& children) {
  Constraint out = Constraint::nothing();
  for (const auto& child : children) out = out.unite(child->constraint());
  return out;
}

class CombinedCondition : public CompiledCondition {
 public:
  explicit CombinedCondition(const ConditionDef& d) : CompiledCondition(d), children_(compile_all(d.conditions)) {
    if (children_.empty()) throw_property_error(d, "conditions", "must not be empty");
  }

 protected:
  std::vector<CompiledConditionPtr> children_;
};

// Any child holds; a child that fails fails the whole, as Kestra's anyMatch rethrows.
class Or final : public CombinedCondition {
 public:
  using CombinedCondition::CombinedCondition;
  Constraint constraint() const override { return union_of(children_); }

 protected:
  bool test(const ConditionInput& input) const override {
    for (const auto& child : children_)
      if (child->evaluate(input)) return true;
    return false;
  }
};

// No child holds (Kestra's noneMatch).
class Not final : public CombinedCondition {
 public:
  using CombinedCondition::CombinedCondition;
  Constraint constraint() const override { return union_of(children_).complement(); }

 protected:
  bool test(const ConditionInput& input) const override {
    for (const auto& child : children_)
      if (child->evaluate(input)) return false;
    return true;
  }
};

// Kestra's MultipleCondition holds once each named condition has matched some execution
// within a time window: Flow triggers evaluate it over the engine's windows
// (windowed_conditions.h); alone, on one event, it cannot be decided. Its constraint is
// the union, inexact: an event that completes a window meets one of the conditions, so
// the lint never calls the usual "flow a and flow b" window a trigger that cannot fire.
class MultipleCondition final : public CombinedCondition {
 public:
  using CombinedCondition::CombinedCondition;
  Constraint constraint() const override { return union_of(children_).intersect(Constraint::unknown()); }

 protected:
  bool test(const ConditionInput&) const override {
    throw Error("a MultipleCondition holds over a time window: only a Flow trigger can evaluate it");
  }
};

}  // namespace

CompiledConditionPtr compile_or(const ConditionDef& d) { return std::make_unique<Or>(d); }
CompiledConditionPtr compile_not(const ConditionDef& d) { return std::make_unique<Not>(d); }
CompiledConditionPtr compile_multiple_condition(const ConditionDef& d) { return std::make_unique<MultipleCondition>(d); }

}  // namespace runwatch
