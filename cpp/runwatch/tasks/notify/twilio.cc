// Twilio Notify: a notification posted as a form (Twilio's API takes no JSON), with HTTP
// Basic authentication by the account SID and auth token. TwilioAlert sends the fields of
// the flow's payload, TwilioExecution the execution summary as twilio-template.peb words it.
#include "runwatch/crypto/base64.h"
#include "runwatch/model/json_text.h"
#include "runwatch/net/url.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/notify_tasks.h"

namespace runwatch {
namespace {

constexpr const char* kReceiver = "Twilio";
constexpr const char* kUrlDescription =
    "The Notify API URL of the service: https://notify.twilio.com/v1/Services/IS.../Notifications.";

// Kestra sends each value as Java prints it ("[a, b]" for a list). A list is a repeated
// field in Twilio's API (Identity, Tag, ToBinding): runwatch sends one field per item, and
// a map as JSON text (Data, Apn, Fcm take JSON).
void add_field(FormFields& form, const std::string& name, const Value& value) {
  if (value.is_array()) {
    for (const auto& item : value) add_field(form, name, item);
  } else if (!value.is_null()) {
    form.emplace_back(name, value.is_string() ? value.get<std::string>() : dump_json(value));
  }
}

std::string alert_payload(RunContext&, const Value& properties) {
  Value payload = parse_json(json_property(properties, "payload"));
  if (!payload.is_object())
    throw TaskFailure("Property 'payload' must be a JSON object (its fields are the form's), got " +
                      dump_json(payload));
  FormFields form;
  for (auto it = payload.begin(); it != payload.end(); ++it) add_field(form, it.key(), it.value());
  return form_encoded(form);
}

// Kestra's template sends the summary as "body", which Twilio does not read (it takes
// "Body"), and the body property as another field, "Body": runwatch sends one Body, the
// property's or the summary. The template leaves out the custom message and fields:
// runwatch adds them.
std::string execution_payload(RunContext& ctx, const Value& properties) {
  auto body = optional_string(properties, "body");
  if (!body) {
    ExecutionSummary s = execution_summary(ctx, properties);
    body = detail_list(s, ", ") + ". " + linked_outcome(s) + custom_lines(s);
  }
  FormFields form = {{"Body", *body}};
  for (const auto& [property, field] : {std::pair{"identity", "Identity"}, std::pair{"tag", "Tag"}})
    if (const Value* value = find_property(properties, property)) add_field(form, field, *value);
  return form_encoded(form);
}

HttpHeaders basic_authorization(RunContext&, const Value& properties, const HttpRequest&) {
  std::string credentials =
      to_text(required_property(properties, "accountSID")) + ":" + to_text(required_property(properties, "authToken"));
  return {{"Authorization", "Basic " + crypto::base64_encode(credentials)}};
}

NotifierSpec twilio_spec(std::vector<PropertySpec> own) {
  std::vector<PropertySpec> properties = {
      {.name = "accountSID", .type = PropertyType::String, .required = true, .description = "The account SID."},
      {.name = "authToken",
       .type = PropertyType::String,
       .required = true,
       .description = "The account's auth token."}};
  properties.insert(properties.end(), own.begin(), own.end());
  return {.receiver = kReceiver,
          .url = url_property(kUrlDescription),
          .secret_properties = {"authToken"},
          .properties = std::move(properties),
          .content_type = "application/x-www-form-urlencoded",
          .headers = basic_authorization};
}

}  // namespace

std::shared_ptr<const TaskType> make_twilio_alert_task() {
  NotifierSpec spec = twilio_spec({payload_property(
      "The notification as a JSON object, one form field per key (Body, Identity, Tag...): a list is a repeated "
      "field, a map is sent as JSON.")});
  spec.name = "io.kestra.plugin.twilio.notify.TwilioAlert";
  spec.aliases = {"io.kestra.plugin.notifications.twilio.TwilioAlert"};
  spec.description = "Sends a notification with Twilio Notify.";
  spec.payload = alert_payload;
  return make_notifier(std::move(spec));
}

std::shared_ptr<const TaskType> make_twilio_execution_task() {
  NotifierSpec spec = twilio_spec(
      {{.name = "body",
        .type = PropertyType::String,
        .description = "The notification's text, sent as Body instead of the execution summary."},
       {.name = "identity",
        .type = PropertyType::StringList,
        .description = "Who to notify: the Identity of their bindings (one or several)."},
       {.name = "tag", .type = PropertyType::StringList, .description = "The Tag of the bindings to notify."},
       replaced_property("payload", "TwilioAlert")});
  spec.name = "io.kestra.plugin.twilio.notify.TwilioExecution";
  spec.aliases = {"io.kestra.plugin.notifications.twilio.TwilioExecution"};
  spec.description =
      "Sends a summary of an execution with Twilio Notify: namespace, flow, execution, state, final task, outcome, a "
      "link when kestra.url is set, and custom fields.";
  spec.summarizes_execution = true;
  spec.payload = execution_payload;
  return make_notifier(std::move(spec));
}

}  // namespace runwatch
