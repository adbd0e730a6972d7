// WhatsApp: a POST of a document shaped like the WhatsApp on-premises API's inbound
// message webhook (contacts and messages) to a URL of the flow's, as Kestra's
// WhatsAppIncomingWebhook and WhatsAppExecution send; neither calls the Cloud API.
#include "runwatch/model/json_text.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/notify_tasks.h"

namespace runwatch {
namespace {

constexpr const char* kReceiver = "WhatsApp webhook";
constexpr const char* kUrlDescription = "The webhook URL to post to.";

// Kestra's template makes text.body an array of six strings, which no WhatsApp message
// has: runwatch sends them as one text, a line each, with the custom message and fields
// (which the template leaves out) after them.
std::string summary_text(const ExecutionSummary& s) {
  return detail_list(s, "\n") + "\n" + linked_outcome(s) + custom_lines(s);
}

// WhatsAppTemplate's merge: contacts when a profile name and ids are given, the message,
// then recipient_id. Kestra uses textBody and messageId only with `from`, and keeps its
// template's message without it; runwatch uses each whenever it is given.
std::string execution_payload(RunContext& ctx, const Value& properties) {
  Value payload = Value::object();
  Value contacts = Value::array();
  auto profile = optional_string(properties, "profileName");
  if (const Value* ids = find_property(properties, "whatsAppIds"); profile && ids)
    for (auto& id : to_string_list(*ids, "whatsAppIds"))
      contacts.push_back({{"profile", {{"name", *profile}}}, {"wa_id", std::move(id)}});
  payload["contacts"] = std::move(contacts);
  Value message = Value::object();
  if (auto from = optional_string(properties, "from")) message["from"] = *from;
  if (auto id = optional_string(properties, "messageId")) message["id"] = *id;
  auto text = optional_string(properties, "textBody");
  message["text"] = {{"body", text ? *text : summary_text(execution_summary(ctx, properties))}};
  message["type"] = "text";
  payload["messages"] = Value::array({std::move(message)});
  if (auto recipient = optional_string(properties, "recipientId")) payload["recipient_id"] = *recipient;
  return dump_json(payload);
}

}  // namespace

std::shared_ptr<const TaskType> make_whatsapp_incoming_webhook_task() {
  return make_notifier({.name = "io.kestra.plugin.meta.whatsapp.WhatsAppIncomingWebhook",
                        .aliases = {"io.kestra.plugin.notifications.whatsapp.WhatsAppIncomingWebhook"},
                        .description = "Posts a WhatsApp webhook document (contacts and messages) to a URL.",
                        .receiver = kReceiver,
                        .url = url_property(kUrlDescription),
                        .secret_properties = {"url"},
                        .properties = {payload_property("The document as JSON.")}});
}

std::shared_ptr<const TaskType> make_whatsapp_execution_task() {
  auto text = [](const char* name, const char* description) {
    return PropertySpec{.name = name, .type = PropertyType::String, .description = description};
  };
  return make_notifier(
      {.name = "io.kestra.plugin.meta.whatsapp.WhatsAppExecution",
       .aliases = {"io.kestra.plugin.notifications.whatsapp.WhatsAppExecution"},
       .description = "Posts a summary of an execution to a URL as a WhatsApp webhook document: a text message with "
                      "the namespace, flow, execution, state, final task, outcome, a link when kestra.url is set, "
                      "and custom fields.",
       .receiver = kReceiver,
       .url = url_property(kUrlDescription),
       .secret_properties = {"url"},
       .properties = {text("profileName", "The contacts' profile name; contacts are sent with whatsAppIds."),
                      {.name = "whatsAppIds",
                       .type = PropertyType::StringList,
                       .description = "The contacts' WhatsApp ids, one contact each, when profileName is set."},
                      text("from", "The sender's WhatsApp id."),
                      text("messageId", "The message's id."),
                      text("textBody", "Text sent instead of the execution summary."),
                      text("recipientId", "Sent as recipient_id."),
                      replaced_property("payload", "WhatsAppIncomingWebhook")},
       .summarizes_execution = true,
       .payload = execution_payload});
}

}  // namespace runwatch
