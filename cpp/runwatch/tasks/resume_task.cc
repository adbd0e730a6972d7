// Kestra's Resume task: resumes a PAUSED execution (this one by default) with `onResume`
// inputs. It acts on the engine's executions, so it runs on the executor as flowable
// types do, through FlowableContext, with no children.
#include "runwatch/model/json_text.h"
#include "runwatch/tasks/builtin.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/flowable.h"
#include "runwatch/tasks/registry.h"

namespace runwatch {
namespace {

TypeSchema resume_schema() {
  TypeSchema schema;
  schema.name = "io.kestra.plugin.core.execution.Resume";
  schema.description =
      "Resumes a PAUSED execution, this one unless `executionId` names another (then with its `namespace` and "
      "`flowId`, which must be the execution's), passing `inputs` to its Pause tasks' `onResume`.";
  schema.properties = {
      {.name = "executionId", .type = PropertyType::String, .description = "The execution; default: this one."},
      {.name = "namespace", .type = PropertyType::String, .description = "The execution's namespace."},
      {.name = "flowId", .type = PropertyType::String, .description = "The execution's flow."},
      {.name = "inputs", .type = PropertyType::Map, .description = "The `onResume` inputs."},
  };
  schema.check = execution_target_problems;
  return schema;
}

class Resume final : public FlowableTaskType {
 public:
  Resume() : FlowableTaskType(resume_schema()) {}
  std::optional<State> resolve(FlowableContext& ctx) const override {
    const Value& properties = ctx.task().properties;
    auto text = [&](const char* name, const char* fallback) {
      Value rendered = ctx.render(properties.value(name, Value(fallback)));
      return rendered.is_string() ? rendered.get<std::string>() : dump_json(rendered);
    };
    const std::string id = text("executionId", "{{ execution.id }}");
    const Execution* target = ctx.execution(id);
    if (!target) throw TaskFailure("No execution found for execution id " + id);
    if (properties.contains("namespace")) {
      const std::string ns = text("namespace", ""), flow_id = text("flowId", "");
      if (target->ns != ns || target->flow_id != flow_id)
        throw TaskFailure("Execution " + id + " is not an execution of " + ns + "." + flow_id);
    }
    ctx.resume_execution(id, ctx.render(properties.value("inputs", Value::object())));
    return State::SUCCESS;
  }
};

}  // namespace

std::shared_ptr<const TaskType> make_resume_task() { return std::make_shared<Resume>(); }

}  // namespace runwatch
