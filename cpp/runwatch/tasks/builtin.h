#pragma once
// Registration of every built-in plugin type.
#include <memory>

namespace runwatch {

class PluginRegistry;
class TaskType;

void register_builtin_plugins(PluginRegistry& registry);
// Log, log Fetch, Return, OutputValues, Fail, Sleep, Labels, Echo, the script tasks, ...
void register_core_tasks(PluginRegistry& registry);
// Sequential, Parallel, If, Switch, AllowFailure, ForEach, ..., Subflow, Resume: the
// types the executor runs through FlowableContext.
void register_flowable_tasks(PluginRegistry& registry);
std::shared_ptr<const TaskType> make_resume_task();
// Slack, Teams, Discord, Google Chat, PagerDuty, Opsgenie notifications; HTTP Request.
void register_notification_tasks(PluginRegistry& registry);

}  // namespace runwatch
