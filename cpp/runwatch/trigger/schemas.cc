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
                           make_property("conditions", T::Conditions, false, "Conditions that must all hold for the trigger to fire."));
  return schema;
}

PropertySpec trigger_inputs(std::string description) {
  return make_property("inputs", T::Map, false, std::move(description));
}

std::vector<TypeSchema> trigger_schemas() {
  auto schedule = trigger_schema("Schedule", "Starts an execution at each time of a cron expression.",
              {make_property("cron", T::String, true, "The cron expression (5 fields, 6 with withSeconds) or @hourly, @daily, ..."),
               make_property("withSeconds", T::Boolean, false, "Whether the cron expression has a leading seconds field.", false),
               make_property("timezone", T::String, false, "The time zone the cron expression is evaluated in."),
               trigger_inputs("The inputs of the started execution."),
               make_property("backfill", T::Map, false, "Deprecated in Kestra: the start date of executions to backfill."),
               make_property("lateMaximumDelay", T::Duration, false, "A scheduled execution that cannot start within this delay is skipped."),
               make_property("recoverMissedSchedules", T::String, false, "Which missed schedules to run after a downtime.", nullptr,
                    {"ALL", "LAST", "NONE"}),
               make_property("stopAfter", T::StateList, false, "Disables the trigger once an execution it started ends in one of these states.")});
  schedule.check = check_schedule_properties;
  return {
      std::move(schedule),
      trigger_schema("Webhook", "Starts an execution when its URL is called.",
              {make_property("key", T::String, true, "The secret part of the webhook URL."),
               trigger_inputs("The inputs of the started execution, templated with the request.")}),
  };
}

}  // namespace runwatch
