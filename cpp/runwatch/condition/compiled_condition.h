#pragma once
// What every condition type shares: its definition, evaluation that reports failures
// with the condition's path, and reading its properties.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runwatch/condition/condition.h"
#include "runwatch/expr/template.h"

namespace runwatch {

// "ExecutionStatus" for io.kestra.plugin.core.condition.ExecutionStatus.
std::string_view short_type_name(std::string_view type);

class CompiledCondition : public Condition {
 public:
  explicit CompiledCondition(const ConditionDef& definition) : definition_(definition) {}

  bool matches(const ConditionInput& input, std::string* why) const final;
  // Unless the type says otherwise, it does not model the executions it matches.
  Constraint constraint() const override { return Constraint::unknown(); }
  const ConditionDef& definition() const final { return definition_; }

  // Throws Error, naming the innermost condition that failed, when it cannot be
  // evaluated. Or and Not evaluate their conditions this way, so that a failure fails
  // them as a whole, as Kestra's do.
  bool evaluate(const ConditionInput& input) const;

 protected:
  virtual bool test(const ConditionInput& input) const = 0;

 private:
  ConditionDef definition_;
};

using CompiledConditionPtr = std::unique_ptr<const CompiledCondition>;
CompiledConditionPtr compile(const ConditionDef& definition);

// Error for a property that cannot be compiled: "path.property: message".
[[noreturn]] void throw_property_error(const ConditionDef& definition, std::string_view property,
                                       const std::string& message);
// The property's value; null when it is absent.
const Value& property(const ConditionDef& definition, std::string_view name);
// A property holding a string (required by the schema, so present once loaded).
std::string text_property(const ConditionDef& definition, std::string_view name);
bool bool_property(const ConditionDef& definition, std::string_view name, bool default_value);

// Evaluations that need the execution fail without one, as in Kestra.
const Execution& execution_of(const ConditionInput& input);

// A property value that may be a template, compiled once and rendered when evaluated.
class TextTemplate {
 public:
  // Throws Error naming the property for a syntax error.
  TextTemplate(const ConditionDef& definition, std::string_view property, std::string text);
  bool is_constant() const { return template_->is_constant(); }
  const std::string& text() const { return template_->text(); }
  std::string render(const ConditionInput& input) const;
  Value evaluate(const ConditionInput& input) const;

 private:
  std::shared_ptr<const expr::Template> template_;
};

// Kestra's TruthUtils.isTruthy: false for "false", "0", "-0" and blank text, once trimmed.
bool is_truthy(std::string_view text);

// A list of state names, given as a list or as a template rendering one.
class StateList {
 public:
  // nullopt when the property is absent.
  static std::optional<StateList> of(const ConditionDef& definition, std::string_view property);
  // The states; nullopt when a template decides them at evaluation.
  std::optional<StateMask> fixed() const { return fixed_; }
  StateMask states(const ConditionInput& input) const;

 private:
  std::optional<StateMask> fixed_;
  std::optional<TextTemplate> template_;
};

// Throws Error for a value that is not a list of state names.
StateMask parse_state_names(const Value& names);

}  // namespace runwatch
