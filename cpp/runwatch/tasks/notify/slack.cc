// Slack: an incoming webhook posting the flow's own payload, and the execution summary
// shaped like Kestra's slack-template.peb.
#include "runwatch/model/json_text.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/notify_tasks.h"
#include "runwatch/tasks/notify/text.h"

namespace runwatch {
namespace {

constexpr const char* kReceiver = "Slack webhook";
constexpr const char* kUrlDescription = "The Slack incoming webhook URL.";

// Kestra's MessageService: `payload` when set (checked JSON); else `messageText`, sent as
// it is when it is JSON, or as the text of a message, its Markdown made Slack's.
std::string webhook_payload(RunContext&, const Value& properties) {
  if (find_property(properties, "payload")) return json_property(properties, "payload");
  auto text = optional_string(properties, "messageText");
  if (!text) throw TaskFailure("Either 'payload' or 'messageText' is required");
  Value as_json = parse_json_or_discarded(*text);
  if (!as_json.is_discarded()) return dump_json(as_json);
  return dump_json(Value({{"text", slack_mrkdwn(*text)}}));
}

std::string execution_payload(RunContext& ctx, const Value& properties) {
  Value message = slack_shaped_message(execution_summary(ctx, properties), FinalTaskField::AfterCustomFields);
  set_sender(message, properties);
  return dump_json(message);
}

// SlackTemplate's own, and those it inherits from SlackIncomingWebhook, accepted as in
// Kestra, where the execution summary replaces them.
std::vector<PropertySpec> slack_template_properties() {
  std::vector<PropertySpec> properties = sender_properties();
  properties.push_back(replaced_property("payload", "SlackIncomingWebhook"));
  properties.push_back(replaced_property("messageText", "SlackIncomingWebhook"));
  return properties;
}

std::vector<PropertySpec> message_properties() {
  return {payload_property("The Slack message as JSON; when set, messageText is not used.", false),
          {.name = "messageText",
           .type = PropertyType::String,
           .description = "The message when there is no payload: sent as it is when it is JSON, otherwise as the "
                          "message's text, with Markdown's **bold**, __italic__ and [text](url) made Slack's."}};
}

}  // namespace

std::shared_ptr<const TaskType> make_slack_incoming_webhook_task() {
  return make_notifier(
      {.name = "io.kestra.plugin.slack.notifications.SlackIncomingWebhook",
       .aliases = {"io.kestra.plugin.notifications.slack.SlackIncomingWebhook",
                   "io.kestra.plugin.slack.SlackIncomingWebhook"},
       .description = "Posts a message to a Slack incoming webhook: the `payload` JSON, or `messageText` as its text.",
       .receiver = kReceiver,
       .url = url_property(kUrlDescription),
       .properties = message_properties(),
       .requires_any = {"payload", "messageText"},
       .payload = webhook_payload});
}

std::shared_ptr<const TaskType> make_slack_execution_task() {
  return make_notifier(
      {.name = "io.kestra.plugin.slack.notifications.SlackExecution",
       .aliases = {"io.kestra.plugin.notifications.slack.SlackExecution", "io.kestra.plugin.slack.SlackExecution"},
       .description = "Posts a summary of an execution to a Slack incoming webhook: namespace, flow, state, the task "
                      "that failed, the duration, a link when kestra.url is set, and custom fields.",
       .receiver = kReceiver,
       .url = url_property(kUrlDescription),
       .properties = slack_template_properties(),
       .summarizes_execution = true,
       .payload = execution_payload});
}

}  // namespace runwatch
