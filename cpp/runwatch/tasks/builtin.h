#pragma once
// Registration of every built-in plugin type.
namespace runwatch {

class PluginRegistry;

void register_builtin_plugins(PluginRegistry& registry);
// Log, Return, OutputValues, Fail, Sleep, Labels, Echo, shell Commands.
void register_core_tasks(PluginRegistry& registry);
// Sequential, Parallel, If, Switch, AllowFailure (schemas; the executor runs them).
void register_flowable_tasks(PluginRegistry& registry);
// Slack, Teams, Discord, Google Chat, PagerDuty, Opsgenie notifications; HTTP Request.
void register_notification_tasks(PluginRegistry& registry);

}  // namespace runwatch
