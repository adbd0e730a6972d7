// Conditions that render an expression: Expression and ExecutionOutputs.
#include "runwatch/condition/condition_types.h"
#include "runwatch/model/json_text.h"

namespace runwatch {
namespace {

std::string_view trimmed(std::string_view text) {
  constexpr std::string_view blanks = " \t\n\r\f\v";
  auto first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

// Kestra's Expression: false when the rendered text is blank or "false", true otherwise.
class Expression final : public CompiledCondition {
 public:
  explicit Expression(const ConditionDef& d)
      : CompiledCondition(d), expression_(d, "expression", text_property(d, "expression")) {}

 protected:
  bool test(const ConditionInput& input) const override {
    std::string rendered = expression_.render(input);
    auto text = trimmed(rendered);  // a view into `rendered`: keep it alive
    return !text.empty() && text != "false";
  }

 private:
  TextTemplate expression_;
};

// Kestra's ExecutionOutputs: false for an execution without outputs; otherwise the
// expression, rendered with trigger.outputs set to the execution's outputs, must give a
// boolean. runwatch has no flow-level outputs yet: the outputs are the task outputs by
// task id (the `outputs` variable of the execution).
class ExecutionOutputs final : public CompiledCondition {
 public:
  explicit ExecutionOutputs(const ConditionDef& d)
      : CompiledCondition(d), expression_(d, "expression", text_property(d, "expression")) {}

 protected:
  bool test(const ConditionInput& input) const override {
    Value outputs = execution_of(input).outputs();
    if (outputs.empty()) return false;
    Value variables = input.variables && input.variables->is_object() ? *input.variables : Value::object();
    if (!variables["trigger"].is_object()) variables["trigger"] = Value::object();
    variables["trigger"]["outputs"] = std::move(outputs);
    ConditionInput with_outputs = input;
    with_outputs.variables = &variables;
    return as_boolean(expression_.evaluate(with_outputs));
  }

 private:
  static bool as_boolean(const Value& value) {
    if (value.is_boolean()) return value.get<bool>();
    if (value.is_string()) {
      auto text = trimmed(value.get_ref<const std::string&>());
      if (text == "true" || text == "false") return text == "true";
    }
    throw Error("the expression must give true or false, not " + dump_json(value));
  }

  TextTemplate expression_;
};

}  // namespace

CompiledConditionPtr compile_expression(const ConditionDef& d) { return std::make_unique<Expression>(d); }
CompiledConditionPtr compile_execution_outputs(const ConditionDef& d) { return std::make_unique<ExecutionOutputs>(d); }

}  // namespace runwatch
