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

// Java's replaceAll of `open(.*?)close` by before + $1 + after: the shortest match, never
// across a line end. With `middle`, the pattern is `open(.*?)middle(.*?)close` and the
// replacement before + $2 + between + $1 + after (a Markdown link as Slack's <url|text>).
std::string replace_delimited(std::string_view text, std::string_view open, std::string_view middle,
                              std::string_view close, std::string_view before, std::string_view between,
                              std::string_view after) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text.substr(i, open.size()) == open) {
      size_t line_end = std::min(text.find('\n', i), text.size());
      size_t first_end = i + open.size();
      size_t second_start = first_end;
      bool found = true;
      if (!middle.empty()) {
        first_end = text.find(middle, first_end);
        found = first_end < line_end;
        second_start = first_end + middle.size();
      }
      size_t close_at = found ? text.find(close, second_start) : std::string_view::npos;
      if (found && close_at < line_end) {
        std::string_view second = text.substr(second_start, close_at - second_start);
        std::string_view first = middle.empty() ? second : text.substr(i + open.size(), first_end - i - open.size());
        out.append(before);
        out.append(middle.empty() ? first : second);
        if (!middle.empty()) out.append(between).append(first);
        out.append(after);
        i = close_at + close.size();
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

// Kestra's MessageService.toSlackMrkdwn: **bold**, __italic__ and [text](url) in Slack's syntax.
std::string slack_mrkdwn(std::string_view text) {
  std::string bold = replace_delimited(text, "**", "", "**", "*", "", "*");
  std::string italic = replace_delimited(bold, "__", "", "__", "_", "", "_");
  return replace_delimited(italic, "[", "](", ")", "<", "|", ">");
}

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
