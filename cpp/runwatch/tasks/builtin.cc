#include "runwatch/tasks/builtin.h"

#include "runwatch/condition/alert_trigger.h"
#include "runwatch/condition/flow_trigger.h"
#include "runwatch/condition/schemas.h"
#include "runwatch/tasks/registry.h"
#include "runwatch/trigger/schemas.h"

namespace runwatch {

void register_builtin_plugins(PluginRegistry& registry) {
  register_core_tasks(registry);
  register_flowable_tasks(registry);
  register_notification_tasks(registry);
  for (auto& schema : condition_schemas()) registry.add_schema(std::move(schema));
  registry.add_schema(flow_trigger_schema());
  registry.add_schema(alert_trigger_schema());
  registry.add_schema(absence_trigger_schema());
  registry.add_schema(stuck_trigger_schema());
  for (auto& schema : trigger_schemas()) registry.add_schema(std::move(schema));
}

}  // namespace runwatch
