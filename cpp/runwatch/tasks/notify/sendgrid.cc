// SendGrid: a mail sent with the v3 Mail Send API, as sendgrid-java builds it for Kestra's
// SendGridMailSend (one personalization holding the recipients and the subject; the text
// part before the HTML part), and the execution summary as SendGridMailExecution's.
#include "runwatch/model/json_text.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/mail_content.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/notify_tasks.h"

namespace runwatch {
namespace {

constexpr const char* kMailSend = "https://api.sendgrid.com/v3/mail/send";

Value addresses(const Value& properties, std::string_view name) {
  Value list = Value::array();
  if (const Value* given = find_property(properties, name))
    for (auto& address : to_string_list(*given, name)) list.push_back({{"email", std::move(address)}});
  return list;
}

// Kestra's SendGridMailSend: a text part when textContent is given (Kestra's stand-in text
// when it is empty), an HTML part when htmlContent is not empty.
std::string mail_json(const Value& properties, const std::optional<std::string>& text,
                      const std::optional<std::string>& html, const std::optional<std::string>& subject) {
  refuse_storage_files(properties);
  Value content = Value::array();
  if (text) content.push_back({{"type", "text/plain"}, {"value", text->empty() ? kNoPlainText : *text}});
  if (html && !html->empty()) content.push_back({{"type", "text/html"}, {"value", *html}});
  if (content.empty()) throw TaskFailure("Either 'htmlContent' or 'textContent' is required");
  Value to = addresses(properties, "to");
  if (to.empty()) throw TaskFailure("Property 'to' must name at least one recipient");
  Value personalization = {{"to", std::move(to)}};
  if (Value cc = addresses(properties, "cc"); !cc.empty()) personalization["cc"] = std::move(cc);
  if (subject) personalization["subject"] = *subject;
  return dump_json({{"from", {{"email", to_text(required_property(properties, "from"))}}},
                    {"personalizations", Value::array({std::move(personalization)})},
                    {"content", std::move(content)}});
}

std::string send_payload(RunContext&, const Value& properties) {
  return mail_json(properties, optional_string(properties, "textContent"), optional_string(properties, "htmlContent"),
                   optional_string(properties, "subject"));
}

// As MailExecution: Kestra's plain part says only "Please view this email in a modern
// email client", runwatch's says what the HTML part says; and without a subject (SendGrid
// refuses a mail without one) the headline is the subject.
std::string execution_payload(RunContext& ctx, const Value& properties) {
  ExecutionSummary s = execution_summary(ctx, properties);
  return mail_json(properties, execution_text(s), execution_html(s), string_or(properties, "subject", headline(s)));
}

std::vector<PropertySpec> mail_properties(std::vector<PropertySpec> contents) {
  std::vector<PropertySpec> properties = {
      {.name = "sendgridApiKey",
       .type = PropertyType::String,
       .required = true,
       .description = "The SendGrid API key, sent as a Bearer token."},
      {.name = "from", .type = PropertyType::String, .required = true, .description = "The sender's address."},
      {.name = "to", .type = PropertyType::StringList, .required = true, .description = "The recipients' addresses."},
      {.name = "cc", .type = PropertyType::StringList, .description = "Copied addresses."},
      {.name = "subject", .type = PropertyType::String, .description = "The subject."}};
  properties.insert(properties.end(), contents.begin(), contents.end());
  auto files = storage_file_properties();
  properties.insert(properties.end(), files.begin(), files.end());
  return properties;
}

NotifierSpec sendgrid_spec(std::vector<PropertySpec> contents) {
  return {.receiver = "SendGrid",
          .url = url_property("runwatch's, not Kestra's (which always posts to SendGrid): the Mail Send endpoint to "
                              "post to, for a proxy or a test server.",
                              kMailSend),
          .secret_properties = {"sendgridApiKey"},
          .properties = mail_properties(std::move(contents)),
          .headers = bearer_authorization("sendgridApiKey")};
}

}  // namespace

std::shared_ptr<const TaskType> make_sendgrid_mail_send_task() {
  NotifierSpec spec =
      sendgrid_spec({{.name = "htmlContent", .type = PropertyType::String, .description = "The HTML part."},
                     {.name = "textContent",
                      .type = PropertyType::String,
                      .description = "The plain-text part; when empty, \"" + std::string(kNoPlainText) + "\"."}});
  spec.name = "io.kestra.plugin.twilio.sendgrid.SendGridMailSend";
  spec.aliases = {"io.kestra.plugin.notifications.sendgrid.SendGridMailSend"};
  spec.description = "Sends an email with SendGrid's Mail Send API: an HTML part, a plain-text part, or both.";
  spec.requires_any = {"htmlContent", "textContent"};
  spec.payload = send_payload;
  return make_notifier(std::move(spec));
}

std::shared_ptr<const TaskType> make_sendgrid_mail_execution_task() {
  NotifierSpec spec = sendgrid_spec(
      {replaced_property("htmlContent", "SendGridMailSend"), replaced_property("textContent", "SendGridMailSend")});
  spec.name = "io.kestra.plugin.twilio.sendgrid.SendGridMailExecution";
  spec.aliases = {"io.kestra.plugin.notifications.sendgrid.SendGridMailExecution"};
  spec.description =
      "Emails a summary of an execution with SendGrid: namespace, flow, execution, state, the task that failed, the "
      "duration, a link when kestra.url is set, and custom fields, as HTML and as plain text. Without a subject, the "
      "headline is the subject (runwatch; Kestra sends none).";
  spec.summarizes_execution = true;
  spec.payload = execution_payload;
  return make_notifier(std::move(spec));
}

}  // namespace runwatch
