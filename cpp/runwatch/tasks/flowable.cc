#include "runwatch/tasks/builtin.h"
#include "runwatch/tasks/registry.h"

namespace runwatch {
namespace {

PropertySpec tasks_property(std::string name, bool required, std::string description) {
  return PropertySpec{std::move(name), PropertyType::Tasks, required, std::move(description), nullptr, {}};
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
                {"concurrent", PropertyType::Integer, false, "How many tasks run at once; 0 means all.", 0, {}}}));
  add(flowable("If", "Runs `then` when the condition is true, `else` otherwise.",
               {{"condition", PropertyType::Any, true,
                 "The condition; false, 0, null and the empty string are false, anything else true.", nullptr, {}},
                tasks_property("then", true, "The tasks run when the condition is true."),
                tasks_property("else", false, "The tasks run when the condition is false.")}));
  auto switch_schema = flowable(
      "Switch", "Runs the tasks of the case that matches the value, or the defaults.",
      {{"value", PropertyType::String, true, "The value to match against the case keys.", nullptr, {}},
       {"cases", PropertyType::TaskMap, false, "Task lists by case value.", nullptr, {}},
       tasks_property("defaults", false, "The tasks run when no case matches.")});
  switch_schema.requires_any = {"cases", "defaults"};
  add(std::move(switch_schema));
  add(flowable("AllowFailure", "Runs tasks; their failure makes this task WARNING instead of FAILED.",
               {tasks_property("tasks", true, "The tasks to run in order.")}));
}

}  // namespace runwatch
