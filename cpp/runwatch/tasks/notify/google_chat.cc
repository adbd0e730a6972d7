// Google Chat: an incoming webhook posting the flow's own payload, and the execution
// summary as text shaped like Kestra's google-chat-template.peb.
#include "runwatch/tasks/core/properties.h"
#include "runwatch/model/json_text.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/notify_tasks.h"

namespace runwatch {
namespace {

constexpr const char* kReceiver = "Google Chat webhook";
constexpr const char* kUrlDescription = "The Google Chat incoming webhook URL.";

std::string summary_text(const ExecutionSummary& s) {
  std::string text = "Kestra Google notification: Namespace " + s.ns + ", Flow ID " + s.flow_id + ", Execution ID " +
                     s.execution_id + ", Execution Status " + std::string(to_string(s.state)) + ". " +
                     linked_outcome(s);
  if (s.custom_message) text += "\n" + *s.custom_message;
  for (auto it = s.custom_fields.begin(); it != s.custom_fields.end(); ++it)
    text += "\n*" + it.key() + "*: " + to_text(it.value());
  return text;
}

std::string execution_payload(RunContext& ctx, const Value& properties) {
  // As in GoogleChatTemplate, a `text` property replaces the summary's text.
  auto text = optional_string(properties, "text");
  if (!text) text = summary_text(execution_summary(ctx, properties));
  return dump_json(Value({{"text", *text}}));
}

}  // namespace

std::shared_ptr<const TaskType> make_google_chat_incoming_webhook_task() {
  return make_notifier({.name = "io.kestra.plugin.googleworkspace.chat.GoogleChatIncomingWebhook",
                        .aliases = {"io.kestra.plugin.notifications.google.GoogleChatIncomingWebhook"},
                        .description = "Posts a message to a Google Chat incoming webhook.",
                        .receiver = kReceiver,
                        .url = url_property(kUrlDescription),
                        .properties = {payload_property("The Google Chat message as JSON.")}});
}

std::shared_ptr<const TaskType> make_google_chat_execution_task() {
  return make_notifier(
      {.name = "io.kestra.plugin.googleworkspace.chat.GoogleChatExecution",
       .aliases = {"io.kestra.plugin.notifications.google.GoogleChatExecution"},
       .description = "Posts a summary of an execution to a Google Chat incoming webhook: namespace, flow, execution, "
                      "state, the task that failed, the duration, a link when kestra.url is set, and custom fields.",
       .receiver = kReceiver,
       .url = url_property(kUrlDescription),
       .properties = {{.name = "text",
                       .type = PropertyType::String,
                       .description = "A text that replaces the summary."}},
       .summarizes_execution = true,
       .payload = execution_payload});
}

}  // namespace runwatch
