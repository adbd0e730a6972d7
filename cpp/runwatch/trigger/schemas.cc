#include "runwatch/trigger/schemas.h"

namespace runwatch {
namespace {

using T = PropertyType;

PropertySpec prop(std::string name, PropertyType type, bool required, std::string description,
                  Value default_value = nullptr, std::vector<std::string> allowed = {}) {
  return {std::move(name), type, required, std::move(description), std::move(default_value), std::move(allowed)};
}

TypeSchema trigger(const std::string& short_name, std::string description, std::vector<PropertySpec> properties) {
  TypeSchema schema;
  schema.kind = PluginKind::Trigger;
  schema.name = "io.kestra.plugin.core.trigger." + short_name;
  schema.aliases = {"io.kestra.core.models.triggers.types." + short_name};
  schema.description = std::move(description);
  schema.properties = std::move(properties);
  schema.properties.insert(schema.properties.begin(),
                           prop("conditions", T::Conditions, false, "Conditions that must all hold for the trigger to fire."));
  return schema;
}

PropertySpec inputs(std::string description) { return prop("inputs", T::Map, false, std::move(description)); }

}  // namespace

std::vector<TypeSchema> trigger_schemas() {
  return {
      trigger("Flow", "Starts an execution when an execution of another flow ends (or reaches one of `states`).",
              {prop("states", T::StateList, false, "The execution states that fire the trigger; every terminal state when not set."),
               inputs("The inputs of the started execution, templated with the triggering execution."),
               prop("preconditions", T::Map, false, "Flows that must all have run within a time window (id, flows, where, timeWindow, resetOnSuccess).")}),
      trigger("Schedule", "Starts an execution at each time of a cron expression.",
              {prop("cron", T::String, true, "The cron expression (5 fields, 6 with withSeconds) or @hourly, @daily, ..."),
               prop("withSeconds", T::Boolean, false, "Whether the cron expression has a leading seconds field.", false),
               prop("timezone", T::String, false, "The time zone the cron expression is evaluated in."),
               inputs("The inputs of the started execution."),
               prop("backfill", T::Map, false, "Deprecated in Kestra: the start date of executions to backfill."),
               prop("lateMaximumDelay", T::Duration, false, "A scheduled execution that cannot start within this delay is skipped."),
               prop("recoverMissedSchedules", T::String, false, "Which missed schedules to run after a downtime.", nullptr,
                    {"ALL", "LAST", "NONE"}),
               prop("stopAfter", T::StateList, false, "Disables the trigger once an execution it started ends in one of these states.")}),
      trigger("Webhook", "Starts an execution when its URL is called.",
              {prop("key", T::String, true, "The secret part of the webhook URL."),
               inputs("The inputs of the started execution, templated with the request.")}),
  };
}

}  // namespace runwatch
