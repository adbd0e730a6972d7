// Zulip: an incoming webhook (a Slack-compatible integration URL) posting the flow's own
// payload, and the execution summary shaped like Kestra's zulip-template.peb: Slack's
// message, with the final task before the custom fields.
#include "runwatch/model/json_text.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/notify_tasks.h"

namespace runwatch {
namespace {

constexpr const char* kReceiver = "Zulip webhook";
constexpr const char* kUrlDescription =
    "The Zulip incoming webhook URL, with its API key: "
    "https://<domain>.zulipchat.com/api/v1/external/<integration>?api_key=<key>.";

std::string execution_payload(RunContext& ctx, const Value& properties) {
  Value message = slack_shaped_message(execution_summary(ctx, properties), FinalTaskField::BeforeCustomFields);
  set_sender(message, properties);
  return dump_json(message);
}

}  // namespace

std::shared_ptr<const TaskType> make_zulip_incoming_webhook_task() {
  return make_notifier({.name = "io.kestra.plugin.zulip.ZulipIncomingWebhook",
                        .aliases = {"io.kestra.plugin.notifications.zulip.ZulipIncomingWebhook"},
                        .description = "Posts a message to a Zulip incoming webhook.",
                        .receiver = kReceiver,
                        .url = url_property(kUrlDescription),
                        .secret_properties = {"url"},
                        .properties = {payload_property("The message as JSON, as the integration takes it.")}});
}

std::shared_ptr<const TaskType> make_zulip_execution_task() {
  std::vector<PropertySpec> properties = sender_properties();
  properties.push_back(replaced_property("payload", "ZulipIncomingWebhook"));
  return make_notifier(
      {.name = "io.kestra.plugin.zulip.ZulipExecution",
       .aliases = {"io.kestra.plugin.notifications.zulip.ZulipExecution"},
       .description = "Posts a summary of an execution to a Zulip incoming webhook: namespace, flow, state, the task "
                      "that failed, the duration, a link when kestra.url is set, and custom fields.",
       .receiver = kReceiver,
       .url = url_property(kUrlDescription),
       .secret_properties = {"url"},
       .properties = std::move(properties),
       .summarizes_execution = true,
       .payload = execution_payload});
}

}  // namespace runwatch
