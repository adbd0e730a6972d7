// Kestra's deprecated FlowCondition and FlowNamespaceCondition: they test the flow that
// owns the trigger (`flow` in the variables), not the execution the event is about, so
// they say nothing of which executions a trigger meets.
#include "runwatch/condition/condition_types.h"

namespace runwatch {
namespace {

std::string triggered_flow_field(const ConditionInput& input, const char* field) {
  const Value* flow = nullptr;
  if (input.variables && input.variables->is_object() && input.variables->contains("flow"))
    flow = &(*input.variables)["flow"];
  if (!flow || !flow->is_object() || !flow->contains(field) || !(*flow)[field].is_string())
    throw Error(std::string("the variables hold no flow.") + field);
  return (*flow)[field].get<std::string>();
}

class FlowCondition final : public CompiledCondition {
 public:
  explicit FlowCondition(const ConditionDef& d)
      : CompiledCondition(d), ns_(text_property(d, "namespace")), flow_id_(text_property(d, "flowId")) {}

 protected:
  bool test(const ConditionInput& input) const override {
    return triggered_flow_field(input, "namespace") == ns_ && triggered_flow_field(input, "id") == flow_id_;
  }

 private:
  std::string ns_, flow_id_;
};

class FlowNamespaceCondition final : public CompiledCondition {
 public:
  explicit FlowNamespaceCondition(const ConditionDef& d)
      : CompiledCondition(d),
        namespaces_(bool_property(d, "prefix", false) ? TextSet::starting_with(text_property(d, "namespace"))
                                                      : TextSet::equal_to(text_property(d, "namespace"))) {}

 protected:
  bool test(const ConditionInput& input) const override {
    return namespaces_.contains(triggered_flow_field(input, "namespace"));
  }

 private:
  TextSet namespaces_;
};

}  // namespace

CompiledConditionPtr compile_flow_condition(const ConditionDef& d) { return std::make_unique<FlowCondition>(d); }
CompiledConditionPtr compile_flow_namespace_condition(const ConditionDef& d) {
  return std::make_unique<FlowNamespaceCondition>(d);
}

}  // namespace runwatch
