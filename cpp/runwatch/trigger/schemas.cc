#include "runwatch/trigger/schemas.h"

#include "runwatch/trigger/schedule.h"

namespace runwatch {

using T = PropertyType;

TypeSchema trigger_schema(const std::string& short_name, std::string description, std::vector<PropertySpec> properties) {
  TypeSchema schema;
  schema.kind = PluginKind::Trigger;
  schema.name = "io.kestra.plugin.core.trigger." + short_name;
  schema.aliases = {"io.kestra.core.models.triggers.types." + short_name};
  schema.description = std::move(description);
  schema.properties = std::move(properties);
  schema.properties.insert(schema.properties.begin(),
                           {.name = "conditions",
                            .type = T::Conditions,
                            .description = "Conditions that must all hold for the trigger to fire."});
  return schema;
}

PropertySpec trigger_inputs(std::string description) {
  return {.name = "inputs", .type = T::Map, .description = std::move(description)};
}

std::vector<TypeSchema> trigger_schemas() {
  auto schedule = trigger_schema(
      "Schedule", "Starts an execution at each time of a cron expression.",
      {{.name = "cron",
        .type = T::String,
        .required = true,
        .description = "The cron expression (5 fields, 6 with withSeconds) or @hourly, @daily, ..."},
       {.name = "withSeconds",
        .type = T::Boolean,
        .description = "Whether the cron expression has a leading seconds field.",
        .default_value = false},
       {.name = "timezone", .type = T::String, .description = "The time zone the cron expression is evaluated in."},
       trigger_inputs("The inputs of the started execution."),
       {.name = "backfill",
        .type = T::Map,
        .description = "Deprecated in Kestra: the start date of executions to backfill."},
       {.name = "lateMaximumDelay",
        .type = T::Duration,
        .description = "A scheduled execution that cannot start within this delay is skipped."},
       {.name = "recoverMissedSchedules",
        .type = T::String,
        .description = "Which missed schedules to run after a downtime.",
        .allowed_values = {"ALL", "LAST", "NONE"}},
       {.name = "stopAfter",
        .type = T::StateList,
        .description = "Disables the trigger once an execution it started ends in one of these states."}});
  schedule.check = check_schedule_properties;
  return {
      std::move(schedule),
      trigger_schema(
          "Webhook", "Starts an execution when its URL is called.",
          {{.name = "key", .type = T::String, .required = true, .description = "The secret part of the webhook URL."},
           trigger_inputs("The inputs of the started execution, templated with the request.")}),
  };
}

}  // namespace runwatch
