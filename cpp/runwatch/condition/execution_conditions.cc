// The conditions on the execution's identity and state, after Kestra's
// io.kestra.plugin.core.condition.Execution{Status,Namespace,Flow,Labels}.
#include "runwatch/condition/condition_types.h"
#include "runwatch/model/json_text.h"

namespace runwatch {
namespace {

// The state is in `in` (when given) and not in `notIn` (when given).
class ExecutionStatus final : public CompiledCondition {
 public:
  explicit ExecutionStatus(const ConditionDef& d)
      : CompiledCondition(d), in_(StateList::of(d, "in")), not_in_(StateList::of(d, "notIn")) {}

  Constraint constraint() const override {
    auto allowed = [](const std::optional<StateList>& list) {
      if (!list) return Constraint::everything();
      auto fixed = list->fixed();
      return fixed ? Constraint::state_in(*fixed) : Constraint::unknown();
    };
    Constraint excluded = not_in_ ? allowed(not_in_).complement() : Constraint::everything();
    return allowed(in_).intersect(excluded);
  }

 protected:
  bool test(const ConditionInput& input) const override {
    auto bit = state_bit(execution_of(input).state.current());
    if (in_ && !(in_->states(input) & bit)) return false;
    return !(not_in_ && (not_in_->states(input) & bit));
  }

 private:
  std::optional<StateList> in_, not_in_;
};

// String::equals, startsWith or endsWith on the namespace: no dot boundary, as in Kestra.
class ExecutionNamespace final : public CompiledCondition {
 public:
  explicit ExecutionNamespace(const ConditionDef& d) : CompiledCondition(d), set_(namespaces(d)) {}

  Constraint constraint() const override { return Constraint::namespace_in(set_); }

 protected:
  bool test(const ConditionInput& input) const override { return set_.contains(execution_of(input).ns); }

 private:
  static TextSet namespaces(const ConditionDef& d) {
    auto ns = text_property(d, "namespace");
    const auto& comparison = property(d, "comparison");
    auto kind = comparison.is_string() ? comparison.get<std::string>()
                                       : (bool_property(d, "prefix", false) ? "PREFIX" : "EQUALS");
    if (kind == "EQUALS") return TextSet::equal_to(ns);
    if (kind == "PREFIX") return TextSet::starting_with(ns);
    if (kind == "SUFFIX") return TextSet::ending_with(ns);
    throw_property_error(d, "comparison", "must be EQUALS, PREFIX or SUFFIX, not '" + kind + "'");
  }

  TextSet set_;
};

class ExecutionFlow final : public CompiledCondition {
 public:
  explicit ExecutionFlow(const ConditionDef& d)
      : CompiledCondition(d), ns_(text_property(d, "namespace")), flow_id_(text_property(d, "flowId")) {}

  Constraint constraint() const override { return Constraint::flow_is(ns_, flow_id_); }

 protected:
  bool test(const ConditionInput& input) const override {
    const auto& execution = execution_of(input);
    return execution.ns == ns_ && execution.flow_id == flow_id_;
  }

 private:
  std::string ns_, flow_id_;
};

// Every label given is among the execution's, with that value.
class ExecutionLabels final : public CompiledCondition {
 public:
  explicit ExecutionLabels(const ConditionDef& d) : CompiledCondition(d), labels_(labels(d)) {}

  Constraint constraint() const override { return Constraint::labels_include(labels_); }

 protected:
  bool test(const ConditionInput& input) const override {
    const auto& carried = execution_of(input).labels;
    for (const auto& label : labels_)
      if (std::find(carried.begin(), carried.end(), label) == carried.end()) return false;
    return true;
  }

 private:
  static std::string label_text(const ConditionDef& d, const Value& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number() || value.is_boolean()) return dump_json(value);
    throw_property_error(d, "labels", "a label's key and value must be strings, not " + dump_json(value));
  }

  // Kestra accepts a mapping {key: value} or a list of {key, value}.
  static std::vector<Label> labels(const ConditionDef& d) {
    const auto& value = property(d, "labels");
    std::vector<Label> out;
    if (value.is_object()) {
      for (const auto& [key, v] : value.items()) out.push_back({key, label_text(d, v)});
    } else if (value.is_array()) {
      for (const auto& item : value) {
        if (!item.is_object() || !item.contains("key") || !item.contains("value"))
          throw_property_error(d, "labels", "each item of a list of labels must be a mapping with a key and a value");
        out.push_back({label_text(d, item["key"]), label_text(d, item["value"])});
      }
    } else {
      throw_property_error(d, "labels", "must be a mapping of labels or a list of {key, value}");
    }
    return out;
  }

  std::vector<Label> labels_;
};

}  // namespace

CompiledConditionPtr compile_execution_status(const ConditionDef& d) { return std::make_unique<ExecutionStatus>(d); }
CompiledConditionPtr compile_execution_namespace(const ConditionDef& d) {
  return std::make_unique<ExecutionNamespace>(d);
}
CompiledConditionPtr compile_execution_flow(const ConditionDef& d) { return std::make_unique<ExecutionFlow>(d); }
CompiledConditionPtr compile_execution_labels(const ConditionDef& d) { return std::make_unique<ExecutionLabels>(d); }

}  // namespace runwatch
