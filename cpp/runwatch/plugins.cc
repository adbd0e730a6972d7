#include "runwatch/plugins.h"

#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/registry.h"

namespace runwatch {

void add_task_type(std::shared_ptr<const TaskType> type) { PluginRegistry::global().add_task(std::move(type)); }

void make_summarizing_notifier(const std::string& name, const std::string& message_key) {
  auto& registry = PluginRegistry::global();
  auto inner = registry.task(name);
  if (!inner) throw NotFoundError("No task type '" + name + "' is registered");
  registry.add_task(summarizing_notifier(std::move(inner), message_key));
}

std::vector<const TypeSchema*> plugin_schemas(PluginKind kind) { return PluginRegistry::global().schemas(kind); }

std::vector<PropertySpec> notifier_execution_properties() { return execution_properties(); }

}  // namespace runwatch
