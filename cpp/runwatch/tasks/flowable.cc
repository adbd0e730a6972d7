#include "runwatch/tasks/builtin.h"
#include "runwatch/tasks/registry.h"

namespace runwatch {
namespace {

PropertySpec tasks_property(std::string name, bool required, std::string description) {
  return {.name = std::move(name),
          .type = PropertyType::Tasks,
          .required = required,
          .description = std::move(description)};
}

PropertySpec errors_property() {
  return tasks_property("errors", false, "Tasks run when one of the tasks fails.");
}

TypeSchema flowable(std::string short_name, std::string description, std::vector<PropertySpec> properties) {
  TypeSchema schema;
  schema.name = "io.kestra.plugin.core.flow." + short_name;
  schema.aliases = {"io.kestra.core.tasks.flows." + short_name};
  schema.description = std::move(description);
  schema.properties = std::move(properties);
  schema.properties.push_back(errors_property());
  return schema;
}

}  // namespace

void register_flowable_tasks(PluginRegistry& registry) {
  auto add = [&](TypeSchema schema) { registry.add_task(std::make_shared<FlowableTaskType>(std::move(schema))); };
  add(flowable("Sequential", "Runs tasks one after the other.",
               {tasks_property("tasks", true, "The tasks to run in order.")}));
  add(flowable("Parallel", "Runs tasks at the same time.",
               {tasks_property("tasks", true, "The tasks to run in parallel."),
                {.name = "concurrent",
                 .type = PropertyType::Integer,
                 .description = "How many tasks run at once; 0 means all.",
                 .default_value = 0}}));
  add(flowable("If", "Runs `then` when the condition is true, `else` otherwise.",
               {{.name = "condition",
                 .type = PropertyType::Any,
                 .required = true,
                 .description = "The condition; false, 0, null and the empty string are false, anything else true."},
                tasks_property("then", true, "The tasks run when the condition is true."),
                tasks_property("else", false, "The tasks run when the condition is false.")}));
  auto switch_schema =
      flowable("Switch", "Runs the tasks of the case that matches the value, or the defaults.",
               {{.name = "value",
                 .type = PropertyType::String,
                 .required = true,
                 .description = "The value to match against the case keys."},
                {.name = "cases", .type = PropertyType::TaskMap, .description = "Task lists by case value."},
                tasks_property("defaults", false, "The tasks run when no case matches.")});
  switch_schema.requires_any = {"cases", "defaults"};
  add(std::move(switch_schema));
  add(flowable("AllowFailure", "Runs tasks; their failure makes this task WARNING instead of FAILED.",
               {tasks_property("tasks", true, "The tasks to run in order.")}));
}

}  // namespace runwatch
