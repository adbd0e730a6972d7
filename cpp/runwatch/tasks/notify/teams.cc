// Microsoft Teams: an incoming webhook posting the flow's own payload, and the execution
// summary as a MessageCard shaped like Kestra's teams-template.peb.
#include "runwatch/tasks/core/properties.h"
#include "runwatch/model/json_text.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/notify_tasks.h"

namespace runwatch {
namespace {

constexpr const char* kReceiver = "Microsoft Teams webhook";
constexpr const char* kUrlDescription = "The Microsoft Teams incoming webhook URL.";

Value fact(std::string name, std::string value) { return {{"name", std::move(name)}, {"value", std::move(value)}}; }

Value facts(const ExecutionSummary& s) {
  Value out = Value::array({fact("Namespace", s.ns), fact("Flow ID", s.flow_id), fact("Execution ID", s.execution_id),
                            fact("Execution Status", std::string(to_string(s.state)))});
  for (auto it = s.custom_fields.begin(); it != s.custom_fields.end(); ++it) out.push_back(fact(it.key(), to_text(it.value())));
  out.push_back(fact("Final task ID", s.last_task.value_or("")));
  for (const auto& alert : alert_lines(s))
    out.push_back(fact(alert.group, alert.state + (alert.link ? " [details](" + *alert.link + ")" : "")));
  return out;
}

std::string execution_payload(RunContext& ctx, const Value& properties) {
  ExecutionSummary s = execution_summary(ctx, properties);
  Value section = Value::object();
  if (auto title = optional_string(properties, "activityTitle")) section["activityTitle"] = *title;
  if (auto subtitle = optional_string(properties, "activitySubtitle")) section["activitySubtitle"] = *subtitle;
  if (s.custom_message) section["text"] = *s.custom_message;
  section["facts"] = facts(s);
  section["markdown"] = true;
  Value card = {{"@type", "MessageCard"},
                {"@context", "http://schema.org/extensions"},
                {"themeColor", string_or(properties, "themeColor", "0076D7")},
                {"summary", headline(s) + ": " + outcome(s)},
                {"sections", Value::array({std::move(section)})}};
  // Teams cards do not render Slack's <url|text> links: the link is the card's action.
  if (s.link)
    card["potentialAction"] = Value::array(
        {{{"@type", "OpenUri"}, {"name", "Details"}, {"targets", Value::array({{{"os", "default"}, {"uri", *s.link}}})}}});
  return dump_json(card);
}

}  // namespace

std::shared_ptr<const TaskType> make_teams_incoming_webhook_task() {
  return make_notifier(
      {.name = "io.kestra.plugin.microsoft365.teams.TeamsIncomingWebhook",
       .aliases = {"io.kestra.plugin.notifications.teams.TeamsIncomingWebhook"},
       .description =
           "Posts a message (a MessageCard or an Adaptive Card as JSON) to a Microsoft Teams incoming webhook.",
       .receiver = kReceiver,
       .url = url_property(kUrlDescription),
       .properties = {payload_property("The Teams message as JSON.")}});
}

std::shared_ptr<const TaskType> make_teams_execution_task() {
  return make_notifier({.name = "io.kestra.plugin.microsoft365.teams.TeamsExecution",
                        .aliases = {"io.kestra.plugin.notifications.teams.TeamsExecution"},
                        .description = "Posts a summary of an execution to a Microsoft Teams incoming webhook as a "
                                       "MessageCard: facts for the namespace, flow, execution, state, custom fields "
                                       "and final task, and a Details action when kestra.url is set.",
                        .receiver = kReceiver,
                        .url = url_property(kUrlDescription),
                        .properties = {{.name = "themeColor",
                                        .type = PropertyType::String,
                                        .description = "The card's color, as hex RGB.",
                                        .default_value = "0076D7"},
                                       {.name = "activityTitle",
                                        .type = PropertyType::String,
                                        .description = "The title of the card's section."},
                                       {.name = "activitySubtitle",
                                        .type = PropertyType::String,
                                        .description = "The subtitle of the card's section."}},
                        .summarizes_execution = true,
                        .payload = execution_payload});
}

}  // namespace runwatch
