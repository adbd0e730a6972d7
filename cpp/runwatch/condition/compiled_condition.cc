#include "runwatch/condition/compiled_condition.h"

#include "runwatch/expr/template_cache.h"
#include "runwatch/model/json_text.h"

namespace runwatch {
namespace {

// A failure that already names the condition it happened in.
class EvaluationError : public Error {
 public:
  using Error::Error;
};

const expr::Functions& functions() {
  static const expr::Functions builtins = expr::builtin_functions();
  return builtins;
}

const Value& variables_of(const ConditionInput& input) {
  if (!input.variables) throw Error("no variables to render the expression with");
  return *input.variables;
}

}  // namespace

std::string_view short_type_name(std::string_view type) {
  auto dot = type.rfind('.');
  return dot == std::string_view::npos ? type : type.substr(dot + 1);
}

bool CompiledCondition::evaluate(const ConditionInput& input) const {
  try {
    return test(input);
  } catch (const EvaluationError&) {
    throw;
  } catch (const std::exception& e) {
    throw EvaluationError(definition_.path + " (" + std::string(short_type_name(definition_.type)) + "): " + e.what());
  }
}

bool CompiledCondition::matches(const ConditionInput& input, std::string* why) const {
  try {
    return evaluate(input);
  } catch (const std::exception& e) {
    if (why) *why = e.what();
    return false;
  }
}

void throw_property_error(const ConditionDef& definition, std::string_view property, const std::string& message) {
  throw Error(definition.path + "." + std::string(property) + ": " + message);
}

const Value& property(const ConditionDef& definition, std::string_view name) {
  static const Value absent;
  auto it = definition.properties.find(name);
  return it == definition.properties.end() ? absent : *it;
}

std::string text_property(const ConditionDef& definition, std::string_view name) {
  const auto& value = property(definition, name);
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return dump_json(value);
  throw_property_error(definition, name, value.is_null() ? "missing" : "must be a string");
}

bool bool_property(const ConditionDef& definition, std::string_view name, bool default_value) {
  const auto& value = property(definition, name);
  if (value.is_null()) return default_value;
  if (value.is_boolean()) return value.get<bool>();
  if (value == "true" || value == "false") return value == "true";
  throw_property_error(definition, name, "must be true or false");
}

const Execution& execution_of(const ConditionInput& input) {
  if (!input.execution) throw Error("Invalid condition with null execution");
  return *input.execution;
}

TextTemplate::TextTemplate(const ConditionDef& definition, std::string_view property, std::string text) {
  try {
    template_ = expr::TemplateCache::global().get(text);
  } catch (const expr::TemplateError& e) {
    throw_property_error(definition, property, e.what());
  }
}

std::string TextTemplate::render(const ConditionInput& input) const {
  if (is_constant()) return text();
  return template_->render(variables_of(input), functions());
}

Value TextTemplate::evaluate(const ConditionInput& input) const {
  if (is_constant()) return text();
  return template_->evaluate(variables_of(input), functions());
}

bool is_truthy(std::string_view text) {
  constexpr std::string_view blanks = " \t\n\r\f\v";
  auto first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return false;
  text = text.substr(first, text.find_last_not_of(blanks) - first + 1);
  return text != "false" && text != "0" && text != "-0";
}

StateMask parse_state_names(const Value& names) {
  if (!names.is_array()) throw Error("expected a list of state names, not " + dump_json(names));
  StateMask mask = 0;
  for (const auto& name : names) {
    auto state = name.is_string() ? parse_state(name.get<std::string>()) : std::nullopt;
    if (!state) throw Error("unknown state " + dump_json(name));
    mask |= state_bit(*state);
  }
  return mask;
}

std::optional<StateList> StateList::of(const ConditionDef& definition, std::string_view name) {
  const auto& value = property(definition, name);
  if (value.is_null()) return std::nullopt;
  StateList list;
  if (value.is_string()) {
    list.template_.emplace(definition, name, value.get<std::string>());
  } else {
    try {
      list.fixed_ = parse_state_names(value);
    } catch (const Error& e) {
      throw_property_error(definition, name, e.what());
    }
  }
  return list;
}

StateMask StateList::states(const ConditionInput& input) const {
  if (fixed_) return *fixed_;
  Value rendered = template_->evaluate(input);
  if (rendered.is_string()) {
    auto text = rendered.get<std::string>();
    rendered = text.starts_with("[") ? parse_json(text) : Value::array({text});
  }
  return parse_state_names(rendered);
}

}  // namespace runwatch
