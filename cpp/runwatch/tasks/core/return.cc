#include "runwatch/tasks/core/core_tasks.h"
#include "runwatch/tasks/core/properties.h"

namespace runwatch {
namespace {

class ReturnTask final : public TaskType {
 public:
  ReturnTask() : TaskType(schema()) {}

  TaskResult run(RunContext& ctx, const Value& properties) const override {
    TaskResult result;
    // Like Kestra, a missing format yields no `value` output rather than a failure.
    if (auto value = optional_string(properties, "format")) {
      ctx.log(LogLevel::DEBUG, *value);
      result.outputs["value"] = std::move(*value);
    }
    return result;
  }

 private:
  static TypeSchema schema() {
    TypeSchema s;
    s.name = "io.kestra.plugin.core.debug.Return";
    s.aliases = {"io.kestra.core.tasks.debugs.Return"};
    s.description = "Renders a templated string and returns it as the `value` output (logged at DEBUG).";
    s.properties = {{.name = "format", .type = PropertyType::String, .description = "The templated string to render."}};
    return s;
  }
};

}  // namespace

std::shared_ptr<const TaskType> make_return_task() { return std::make_shared<ReturnTask>(); }

}  // namespace runwatch
