// Telegram: a bot's sendMessage, with the flow's own text, and with the execution summary
// shaped like Kestra's telegram-template.peb. The URL holds the bot token, which no
// failure message quotes.
#include <algorithm>
#include <cctype>

#include "runwatch/model/json_text.h"
#include "runwatch/net/url.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/notify_tasks.h"
#include "runwatch/tasks/notify/text.h"

namespace runwatch {
namespace {

constexpr const char* kReceiver = "Telegram";
constexpr const char* kBotApi = "https://api.telegram.org";

// Kestra's ParseMode values; the Bot API spells the second MarkdownV2.
const std::vector<std::string> kParseModes = {"HTML", "MARKDOWNV2"};

std::optional<std::string> parse_mode_of(const Value& properties) {
  std::string mode = one_of(properties, "parseMode", kParseModes, "");
  if (mode.empty()) return std::nullopt;
  return mode == "HTML" ? mode : "MarkdownV2";
}

// TelegramBotApiService's {endpoint}/bot{token}/sendMessage, less a trailing "/" of the
// endpoint (Kestra's would make "//bot"). A token that would change the URL's path is
// refused rather than sent elsewhere.
std::string send_message_url(const Value& properties) {
  std::string endpoint = string_or(properties, "endpointOverride", kBotApi);
  while (endpoint.ends_with('/')) endpoint.pop_back();
  try {
    parse_url(endpoint);
  } catch (const UrlError& e) {
    throw TaskFailure(std::string("Property 'endpointOverride': ") + e.what());
  }
  std::string token = to_text(required_property(properties, "token"));
  bool usable = !token.empty() && std::all_of(token.begin(), token.end(), [](unsigned char c) {
    return std::isalnum(c) || c == ':' || c == '_' || c == '-';
  });
  if (!usable) throw TaskFailure("Property 'token' is not a Telegram bot token (letters, digits, ':', '_' and '-')");
  return endpoint + "/bot" + token + "/sendMessage";
}

// TelegramMessage; Kestra's mapper leaves out parse_mode when it is not set.
std::string message_json(const Value& properties, std::string text, const std::optional<std::string>& parse_mode) {
  Value message = {{"chat_id", to_text(required_property(properties, "channel"))}, {"text", std::move(text)}};
  if (parse_mode) message["parse_mode"] = *parse_mode;
  return dump_json(message);
}

// Kestra sends the whole rendered payload as the text, JSON or not.
std::string send_payload(RunContext&, const Value& properties) {
  return message_json(properties, to_text(required_property(properties, "payload")), parse_mode_of(properties));
}

// Kestra's template is one line written as a JSON string, and TelegramTemplate sends it as
// it is, quotes included: runwatch sends what is inside them. Without kestra.url it ends
// with "()", which runwatch leaves out. The template has no custom message or fields:
// runwatch adds them, a line each.
std::string summary_text(const ExecutionSummary& s) {
  const std::string arrow(kHeadlineArrow);
  std::string text = "<" + s.ns + " " + s.flow_id + " " + s.execution_id + " " + arrow + " " +
                     std::string(to_string(s.state)) + " - Final task ID " + arrow + " " + s.last_task.value_or("") +
                     "> " + outcome(s);
  if (s.link) text += " (" + *s.link + ")";
  return text + custom_lines(s);
}

// Telegram refuses Kestra's text under either parse mode (its '<' opens no HTML tag; '.',
// '-' and '>' are reserved in MarkdownV2): escaped, it shows as written.
std::string escaped(std::string_view text, const std::optional<std::string>& parse_mode) {
  if (parse_mode == "HTML") return html_escaped(text);
  if (parse_mode == "MarkdownV2") return markdown_v2_escaped(text);
  return std::string(text);
}

std::string execution_payload(RunContext& ctx, const Value& properties) {
  auto parse_mode = parse_mode_of(properties);
  std::string text = escaped(summary_text(execution_summary(ctx, properties)), parse_mode);
  return message_json(properties, std::move(text), parse_mode);
}

std::vector<PropertySpec> bot_properties(PropertySpec payload) {
  return {{.name = "token",
           .type = PropertyType::String,
           .required = true,
           .description = "The bot's token, from BotFather. Failure messages never quote it."},
          {.name = "channel",
           .type = PropertyType::String,
           .required = true,
           .description = "The chat to send to: its id, or @username of a channel."},
          std::move(payload),
          {.name = "parseMode",
           .type = PropertyType::String,
           .description = "How Telegram formats the text: HTML or MARKDOWNV2; plain text when not set.",
           .allowed_values = kParseModes},
          {.name = "endpointOverride",
           .type = PropertyType::String,
           .description = "The Bot API's base URL.",
           .default_value = kBotApi}};
}

}  // namespace

std::shared_ptr<const TaskType> make_telegram_send_task() {
  return make_notifier({.name = "io.kestra.plugin.telegram.TelegramSend",
                        .aliases = {"io.kestra.plugin.notifications.telegram.TelegramSend"},
                        .description = "Sends a message with a Telegram bot (the Bot API's sendMessage).",
                        .receiver = kReceiver,
                        .url_of = send_message_url,
                        .secret_properties = {"token"},
                        .properties = bot_properties({.name = "payload",
                                                      .type = PropertyType::String,
                                                      .required = true,
                                                      .description = "The message's text, sent as it is."}),
                        .payload = send_payload});
}

std::shared_ptr<const TaskType> make_telegram_execution_task() {
  return make_notifier(
      {.name = "io.kestra.plugin.telegram.TelegramExecution",
       .aliases = {"io.kestra.plugin.notifications.telegram.TelegramExecution"},
       .description = "Sends a summary of an execution with a Telegram bot: namespace, flow, execution, state, final "
                      "task, the task that failed, the duration, a link when kestra.url is set, and custom fields.",
       .receiver = kReceiver,
       .url_of = send_message_url,
       .secret_properties = {"token"},
       .properties = bot_properties(replaced_property("payload", "TelegramSend")),
       .summarizes_execution = true,
       .payload = execution_payload});
}

}  // namespace runwatch
