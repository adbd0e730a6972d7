// Discord: an incoming webhook posting the flow's own payload, and the execution summary
// as an embed shaped like Kestra's discord-template.peb and DiscordTemplate.
#include "runwatch/tasks/core/properties.h"
#include "runwatch/model/json_text.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/notify_tasks.h"

namespace runwatch {
namespace {

constexpr const char* kReceiver = "Discord webhook";
constexpr const char* kUrlDescription = "The Discord webhook URL.";

std::string description_of(const ExecutionSummary& s) {
  std::string text = "Namespace: " + s.ns + "\nFlow ID: " + s.flow_id + "\nExecution ID: " + s.execution_id +
                     "\nExecution Status: " + std::string(to_string(s.state)) +
                     "\nFinal task ID: " + s.last_task.value_or("");
  for (auto it = s.custom_fields.begin(); it != s.custom_fields.end(); ++it) text += "\n" + it.key() + ": " + to_text(it.value());
  if (s.link) text += "\n\n[Link to the Execution page](" + *s.link + ")";
  return text;
}

// Kestra's `color: [r, g, b]` as the integer Discord expects.
int rgb_of(const Value& color) {
  if (!color.is_array() || color.size() < 3) return 0;
  int rgb = 0;
  for (int i = 0; i < 3; ++i) {
    if (!color[i].is_number_integer()) throw TaskFailure("An embed's color must be three integers [r, g, b]");
    rgb = (rgb << 8) + color[i].get<int>();
  }
  return rgb;
}

Value embed_of(const Value& item, const std::optional<std::string>& avatar_url) {
  if (!item.is_object()) throw TaskFailure("Each item of 'embedList' must be a map, got " + dump_json(item));
  Value embed = Value::object();
  if (auto v = optional_string(item, "title")) embed["title"] = *v;
  if (auto v = optional_string(item, "description")) embed["description"] = *v;
  if (auto v = optional_string(item, "websiteUrl")) embed["url"] = *v;
  if (auto v = optional_string(item, "thumbnail")) embed["thumbnail"] = {{"url", *v}};
  if (auto v = optional_string(item, "authorName"))
    embed["author"] = {{"name", *v}, {"url", string_or(item, "websiteUrl", "")}, {"icon_url", avatar_url.value_or("")}};
  if (const Value* color = find_property(item, "color")) embed["color"] = rgb_of(*color);
  if (auto v = optional_string(item, "footer")) embed["footer"] = {{"text", *v}};
  return embed;
}

std::string execution_payload(RunContext& ctx, const Value& properties) {
  ExecutionSummary s = execution_summary(ctx, properties);
  Value summary_embed = {{"description", description_of(s)}, {"footer", {{"text", outcome(s)}}}};
  Value message = Value::object();
  auto avatar_url = optional_string(properties, "avatarUrl");
  if (auto username = optional_string(properties, "username")) message["username"] = *username;
  if (avatar_url) message["avatar_url"] = *avatar_url;
  message["tts"] = false;
  Value embeds = Value::array({summary_embed});
  if (const Value* list = find_property(properties, "embedList"); list && list->is_array() && !list->empty()) {
    // Like DiscordTemplate: the flow's embeds replace the summary, which fills in the first.
    embeds = Value::array();
    for (const auto& item : *list) embeds.push_back(embed_of(item, avatar_url));
    embeds[0].update(summary_embed);
  }
  message["embeds"] = std::move(embeds);
  if (auto content = optional_string(properties, "content")) message["content"] = *content;
  else if (s.custom_message) message["content"] = *s.custom_message;
  return dump_json(message);
}

}  // namespace

std::shared_ptr<const TaskType> make_discord_incoming_webhook_task() {
  return make_notifier({.name = "io.kestra.plugin.discord.DiscordIncomingWebhook",
                        .aliases = {"io.kestra.plugin.notifications.discord.DiscordIncomingWebhook"},
                        .description = "Posts a message to a Discord webhook.",
                        .receiver = kReceiver,
                        .url = url_property(kUrlDescription),
                        .properties = {payload_property("The Discord message as JSON.")}});
}

std::shared_ptr<const TaskType> make_discord_execution_task() {
  return make_notifier(
      {.name = "io.kestra.plugin.discord.DiscordExecution",
       .aliases = {"io.kestra.plugin.notifications.discord.DiscordExecution"},
       .description = "Posts a summary of an execution to a Discord webhook as an embed: namespace, flow, execution, "
                      "state, final task, custom fields, a link when kestra.url is set, and the outcome in the footer.",
       .receiver = kReceiver,
       .url = url_property(kUrlDescription),
       .properties = {{.name = "username", .type = PropertyType::String, .description = "The webhook's user name."},
                      {.name = "avatarUrl", .type = PropertyType::String, .description = "The webhook's avatar URL."},
                      {.name = "content",
                       .type = PropertyType::String,
                       .description = "The message text; customMessage when not given."},
                      {.name = "embedList",
                       .type = PropertyType::List,
                       .description = "Embeds (title, description, websiteUrl, thumbnail, authorName, color [r, g, b], "
                                      "footer); the summary fills in the first."}},
       .summarizes_execution = true,
       .payload = execution_payload});
}

}  // namespace runwatch
