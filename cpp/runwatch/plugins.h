#pragma once
// The plugin registry as the bindings see it: task types written outside the engine (in
// Python) added to every engine of the process, notifiers made of them, and the
// reference of every registered type. TaskType and RunContext (tasks/task.h) are what
// such a plugin implements.
#include <memory>
#include <string>
#include <vector>

#include "runwatch/model/schema.h"
#include "runwatch/tasks/task.h"

namespace runwatch {

// Registers (or replaces) a task type under its name and aliases.
void add_task_type(std::shared_ptr<const TaskType> type);
// Makes the registered task type `name` a notifier: each run first builds the execution
// summary the *Execution tasks send and passes it as the property `message_key`.
// Throws NotFoundError when no task type has that name.
void make_summarizing_notifier(const std::string& name, const std::string& message_key);
// The schemas of the registered types of a kind, sorted by name (aliases not repeated).
std::vector<const TypeSchema*> plugin_schemas(PluginKind kind);
// executionId, customFields and customMessage: what every notifier summarizing an execution declares.
std::vector<PropertySpec> notifier_execution_properties();

}  // namespace runwatch
