// Messenger: the Send API of a Facebook Page, one message per recipient, with the execution
// summary as Kestra's messenger-template.peb words it. The token goes in an Authorization
// header, as plugin-meta sends it (the older plugin put it in the URL's query).
#include <algorithm>
#include <cctype>

#include "runwatch/model/json_text.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/notify_tasks.h"

namespace runwatch {
namespace {

const std::vector<std::string> kMessagingTypes = {"RESPONSE", "UPDATE", "MESSAGE_TAG"};

// A page id that is not a number would change the URL's path: refused.
std::string send_api_url(const Value& properties) {
  if (auto url = optional_string(properties, "url")) return *url;
  std::string page = to_text(required_property(properties, "pageId"));
  if (page.empty() || !std::all_of(page.begin(), page.end(), [](unsigned char c) { return std::isdigit(c); }))
    throw TaskFailure("Property 'pageId' must be a Page ID (digits), got '" + page + "'");
  return "https://graph.facebook.com/v23.0/" + page + "/messages";
}

// Kestra ignores textBody once a template is set, as MessengerExecution's always is:
// runwatch sends it instead of the summary, as LINE's execution task does.
std::vector<std::string> messages(RunContext& ctx, const Value& properties) {
  std::vector<std::string> recipients = to_string_list(required_property(properties, "recipientIds"), "recipientIds");
  if (recipients.empty()) throw TaskFailure("Property 'recipientIds' must name at least one recipient");
  std::string type = one_of(properties, "messagingType", kMessagingTypes, "UPDATE");
  auto text = optional_string(properties, "textBody");
  if (!text) text = details_text(execution_summary(ctx, properties), "Failed on task `", "`");
  std::vector<std::string> bodies;
  for (const auto& recipient : recipients)
    bodies.push_back(
        dump_json({{"recipient", {{"id", recipient}}}, {"messaging_type", type}, {"message", {{"text", *text}}}}));
  return bodies;
}

}  // namespace

std::shared_ptr<const TaskType> make_messenger_execution_task() {
  return make_notifier(
      {.name = "io.kestra.plugin.meta.messenger.MessengerExecution",
       .aliases = {"io.kestra.plugin.notifications.messenger.MessengerExecution"},
       .description = "Sends a summary of an execution from a Facebook Page to each recipient with Messenger's Send "
                      "API: state, execution, namespace, flow, start, duration, the task that failed, custom message "
                      "and fields, and a link when kestra.url is set. A failure stops before the next recipient.",
       .receiver = "Messenger",
       .url_of = send_api_url,
       .secret_properties = {"accessToken"},
       .properties = {{.name = "pageId",
                       .type = PropertyType::String,
                       .required = true,
                       .description = "The Facebook Page that sends the messages."},
                      {.name = "accessToken",
                       .type = PropertyType::String,
                       .required = true,
                       .description = "The Page access token, sent as a Bearer token."},
                      {.name = "recipientIds",
                       .type = PropertyType::StringList,
                       .required = true,
                       .description = "The recipients' Page-scoped IDs (PSIDs); each gets a message of its own."},
                      {.name = "messagingType",
                       .type = PropertyType::String,
                       .description = "The Send API's messaging_type.",
                       .default_value = "UPDATE",
                       .allowed_values = kMessagingTypes},
                      {.name = "textBody",
                       .type = PropertyType::String,
                       .description = "Text sent instead of the execution summary."},
                      {.name = "url",
                       .type = PropertyType::String,
                       .description = "The URL to post to; https://graph.facebook.com/v23.0/<pageId>/messages by "
                                      "default."}},
       .summarizes_execution = true,
       .payloads = messages,
       .headers = bearer_authorization("accessToken")});
}

}  // namespace runwatch
