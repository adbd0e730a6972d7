// Slack: an incoming webhook posting the flow's own payload, and the execution summary
// shaped like Kestra's slack-template.peb.
#include "runwatch/tasks/core/properties.h"
#include "runwatch/model/json_text.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/notify_tasks.h"

namespace runwatch {
namespace {

constexpr const char* kReceiver = "Slack webhook";
constexpr const char* kUrlDescription = "The Slack incoming webhook URL.";

std::string color_of(State state) {
  if (state == State::SUCCESS) return "good";
  if (state == State::WARNING) return "warning";
  return "danger";
}

Value field(std::string title, Value value) { return {{"title", std::move(title)}, {"value", std::move(value)}, {"short", true}}; }

Value mrkdwn_section(std::string text) {
  return {{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", std::move(text)}}}};
}

Value attachment(const ExecutionSummary& s) {
  Value fields = Value::array({field("Namespace", s.ns), field("Flow ID", s.flow_id),
                               field("Execution ID", s.execution_id),
                               field("Execution Status", std::string(to_string(s.state)))});
  for (auto it = s.custom_fields.begin(); it != s.custom_fields.end(); ++it) fields.push_back(field(it.key(), it.value()));
  fields.push_back(field("Final task ID", s.last_task ? Value(*s.last_task) : Value()));
  auto started = std::chrono::duration_cast<std::chrono::seconds>(s.start_date.time_since_epoch()).count();
  return {{"color", color_of(s.state)}, {"fields", std::move(fields)}, {"ts", started}};
}

Value execution_message(const ExecutionSummary& s) {
  std::string text = linked_headline(s) + "\n> " + outcome(s);
  Value blocks = Value::array();
  if (s.custom_message) blocks.push_back(mrkdwn_section(*s.custom_message));
  Value summary = mrkdwn_section(text);
  if (s.link)
    summary["accessory"] = {{"type", "button"}, {"text", {{"type", "plain_text"}, {"text", "Details"}}}, {"url", *s.link}};
  blocks.push_back(std::move(summary));
  return {{"text", std::move(text)}, {"blocks", std::move(blocks)}, {"attachments", Value::array({attachment(s)})}};
}

// SlackTemplate's overrides of the webhook's defaults.
void set_sender(Value& message, const Value& properties) {
  static const std::pair<const char*, const char*> kFields[] = {
      {"channel", "channel"}, {"username", "username"}, {"iconUrl", "icon_url"}, {"iconEmoji", "icon_emoji"}};
  for (const auto& [property, key] : kFields)
    if (auto value = optional_string(properties, property)) message[key] = *value;
}

std::string webhook_payload(RunContext&, const Value& properties) {
  if (find_property(properties, "payload")) return json_property(properties, "payload");
  if (auto text = optional_string(properties, "messageText")) return dump_json(Value({{"text", *text}}));
  throw TaskFailure("Either 'payload' or 'messageText' is required");
}

std::string execution_payload(RunContext& ctx, const Value& properties) {
  Value message = execution_message(execution_summary(ctx, properties));
  set_sender(message, properties);
  return dump_json(message);
}

std::vector<PropertySpec> sender_properties() {
  return {
      {.name = "channel",
       .type = PropertyType::String,
       .description = "The channel to post to, instead of the webhook's."},
      {.name = "username", .type = PropertyType::String, .description = "The author of the message."},
      {.name = "iconUrl", .type = PropertyType::String, .description = "The URL of the icon to show."},
      {.name = "iconEmoji", .type = PropertyType::String, .description = "The emoji to show as icon."},
  };
}

}  // namespace

std::shared_ptr<const TaskType> make_slack_incoming_webhook_task() {
  std::vector<PropertySpec> own = {payload_property("The Slack message as JSON.", false),
                                   {.name = "messageText",
                                    .type = PropertyType::String,
                                    .description = "The text to post when there is no payload."}};
  return make_notifier(
      {.name = "io.kestra.plugin.notifications.slack.SlackIncomingWebhook",
       .aliases = {"io.kestra.plugin.slack.notifications.SlackIncomingWebhook"},
       .description = "Posts a message to a Slack incoming webhook: the `payload` JSON, or `messageText` as its text.",
       .receiver = kReceiver,
       .url = url_property(kUrlDescription),
       .properties = std::move(own),
       .requires_any = {"payload", "messageText"},
       .payload = webhook_payload});
}

std::shared_ptr<const TaskType> make_slack_execution_task() {
  return make_notifier(
      {.name = "io.kestra.plugin.notifications.slack.SlackExecution",
       .description = "Posts a summary of an execution to a Slack incoming webhook: namespace, flow, state, the task "
                      "that failed, the duration, a link when kestra.url is set, and custom fields.",
       .receiver = kReceiver,
       .url = url_property(kUrlDescription),
       .properties = sender_properties(),
       .summarizes_execution = true,
       .payload = execution_payload});
}

}  // namespace runwatch
