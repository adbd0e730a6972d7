// LINE: a broadcast to every follower of the Official Account, with the execution summary
// as Kestra's line-template.peb words it, or the flow's own textBody.
#include "runwatch/model/json_text.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/notify_tasks.h"

namespace runwatch {
namespace {

constexpr const char* kBroadcast = "https://api.line.me/v2/bot/message/broadcast";

// Kestra's textBody wins over the template; the execution is then not looked up.
std::string execution_payload(RunContext& ctx, const Value& properties) {
  auto text = optional_string(properties, "textBody");
  if (!text) text = details_text(execution_summary(ctx, properties), "Failed Task: ", "");
  return dump_json({{"messages", Value::array({{{"type", "text"}, {"text", *text}}})}});
}

}  // namespace

std::shared_ptr<const TaskType> make_line_execution_task() {
  return make_notifier(
      {.name = "io.kestra.plugin.line.LineExecution",
       .aliases = {"io.kestra.plugin.notifications.line.LineExecution"},
       .description = "Broadcasts a summary of an execution to the followers of a LINE Official Account (the "
                      "Messaging API's broadcast, limited by LINE to 60 requests an hour): state, execution, "
                      "namespace, flow, start, duration, the task that failed, custom message and fields, and a link "
                      "when kestra.url is set.",
       .receiver = "LINE",
       .url = url_property("The Messaging API's broadcast endpoint.", kBroadcast),
       .secret_properties = {"channelAccessToken"},
       .properties = {{.name = "channelAccessToken",
                       .type = PropertyType::String,
                       .required = true,
                       .description = "The channel's access token, sent as a Bearer token."},
                      {.name = "textBody",
                       .type = PropertyType::String,
                       .description = "Text sent instead of the execution summary."}},
       .summarizes_execution = true,
       .payload = execution_payload,
       .headers = bearer_authorization("channelAccessToken")});
}

}  // namespace runwatch
