// Email: MailSend sends the flow's own message over SMTP, MailExecution the execution
// summary shaped like Kestra's mail-template.hbs.peb (its HTML part) with a plain-text
// part that says the same (Kestra's says only "Please view this email in a modern email
// client").
#include <array>

#include "runwatch/net/smtp_client.h"
#include "runwatch/net/url.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/notify/delivery.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/mail_content.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/notify_tasks.h"

namespace runwatch {
namespace {

SmtpOptions smtp_options(const Value& properties) {
  SmtpOptions o;
  o.host = to_text(required_property(properties, "host"));
  std::string strategy = string_or(properties, "transportStrategy", "SMTPS");
  auto transport = parse_smtp_transport(strategy);
  if (!transport)
    throw TaskFailure("Property 'transportStrategy' must be SMTP, SMTPS or SMTP_TLS, got '" + strategy +
                      "' (SMTP_OAUTH2 is not supported by runwatch)");
  o.transport = *transport;
  o.port = static_cast<int>(int_or(properties, "port", 0, 1, 65535));
  o.username = optional_string(properties, "username");
  o.password = optional_string(properties, "password");
  o.timeout = std::chrono::milliseconds(int_or(properties, "sessionTimeout", 10000, 1, 3'600'000));
  o.verify_host_name = bool_or(properties, "verifyServerIdentity", true);
  if (const Value* trusted = find_property(properties, "trustedHosts"))
    for (const auto& host : to_string_list(*trusted, "trustedHosts"))
      if (host == o.host) o.verify_certificate = false;
  return o;
}

// The parts of the message the properties give.
MailMessage message_of(const TaskIdentity& identity, const Value& properties) {
  refuse_storage_files(properties);
  MailMessage m;
  m.from = to_text(required_property(properties, "from"));
  m.to = split_addresses(to_text(required_property(properties, "to")));
  if (auto cc = optional_string(properties, "cc")) m.cc = split_addresses(*cc);
  m.subject = string_or(properties, "subject", "");
  m.html_text = string_or(properties, "htmlTextContent", "");
  m.plain_text = string_or(properties, "plainTextContent", kNoPlainText);
  m.message_id = identity.execution_id + "." + identity.task_run_id + "@runwatch";
  return m;
}

TaskResult send(RunContext& ctx, const Value& properties, const MailMessage& message) {
  const SmtpOptions options = smtp_options(properties);
  Delivery delivery{.ctx = ctx,
                    .receiver = "Mail server " + options.host,
                    .endpoint = endpoint_of("smtp", options.host, smtp_port(options))};
  const DeliveryStage send_stage = [&](Delivery& d, const DeliveryNext& next) {
    SmtpReceipt receipt;
    try {
      receipt = send_mail(options, message);
    } catch (const SmtpError& e) {
      throw DeliveryFailure(e.what(), e.transient() ? "unreachable" : "status");
    } catch (const Error& e) {
      throw TaskFailure(e.what());
    }
    d.answer = "accepted the mail (" + receipt.reply + ")";
    d.latency = receipt.latency;
    d.result.outputs = {
        {"reply", receipt.reply}, {"latencyMs", receipt.latency.count()}, {"messageId", message.message_id}};
    next(d);
  };
  const std::array<DeliveryStage, 3> stages = {record_stage, rate_limit_stage, send_stage};
  return run_stages(stages, delivery);
}

class MailSend final : public TaskType {
 public:
  using TaskType::TaskType;
  TaskResult run(RunContext& ctx, const Value& properties) const override {
    return send(ctx, properties, message_of(ctx.identity(), properties));
  }
};

class MailExecution final : public TaskType {
 public:
  using TaskType::TaskType;
  TaskResult run(RunContext& ctx, const Value& properties) const override {
    MailMessage message = message_of(ctx.identity(), properties);
    ExecutionSummary summary = execution_summary(ctx, properties);
    message.html_text = execution_html(summary);
    message.plain_text = execution_text(summary);
    if (message.subject.empty()) message.subject = headline(summary);
    return send(ctx, properties, message);
  }
};

std::vector<PropertySpec> smtp_properties() {
  std::vector<PropertySpec> properties = {
      {.name = "host", .type = PropertyType::String, .required = true, .description = "The SMTP server."},
      {.name = "port",
       .type = PropertyType::Integer,
       .description = "The SMTP port; by default 25 (SMTP), 465 (SMTPS) or 587 (SMTP_TLS)."},
      {.name = "username", .type = PropertyType::String, .description = "The user, for AUTH PLAIN or LOGIN."},
      {.name = "password", .type = PropertyType::String, .description = "The password, for AUTH PLAIN or LOGIN."},
      {.name = "transportStrategy",
       .type = PropertyType::String,
       .description = "SMTP (plain, STARTTLS when offered), SMTPS (TLS from the start) or SMTP_TLS (STARTTLS "
                      "required).",
       .default_value = "SMTPS",
       .allowed_values = {"SMTP", "SMTPS", "SMTP_TLS"}},
      {.name = "sessionTimeout",
       .type = PropertyType::Integer,
       .description = "Milliseconds allowed to connect and to each read and write (the whole session: six times "
                      "this).",
       .default_value = 10000},
      {.name = "verifyServerIdentity",
       .type = PropertyType::Boolean,
       .description = "Check that the server's certificate names the host.",
       .default_value = true},
      {.name = "trustedHosts",
       .type = PropertyType::StringList,
       .description = "Hosts whose certificate is trusted without verification."},
      {.name = "from", .type = PropertyType::String, .required = true, .description = "The sender's address."},
      {.name = "to",
       .type = PropertyType::String,
       .required = true,
       .description = "The recipients' addresses, separated by ';' or ','."},
      {.name = "cc", .type = PropertyType::String, .description = "Copied addresses, separated by ';' or ','."},
      {.name = "subject", .type = PropertyType::String, .description = "The subject."},
      {.name = "accessToken",
       .type = PropertyType::String,
       .description = "An OAuth2 token, for SMTP_OAUTH2: not supported by runwatch."},
  };
  auto files = storage_file_properties();
  properties.insert(properties.end(), files.begin(), files.end());
  return properties;
}

TypeSchema mail_schema(std::string name, std::string old_name, std::string description, std::vector<PropertySpec> own) {
  TypeSchema s;
  s.name = std::move(name);
  s.aliases = {std::move(old_name)};
  s.description = std::move(description);
  s.properties = smtp_properties();
  s.properties.insert(s.properties.end(), own.begin(), own.end());
  s.notifier = true;
  return s;
}

}  // namespace

std::shared_ptr<const TaskType> make_mail_send_task() {
  return std::make_shared<MailSend>(
      mail_schema("io.kestra.plugin.email.MailSend", "io.kestra.plugin.notifications.mail.MailSend",
                  "Sends an email over SMTP: an HTML part, a plain-text part, or both.",
                  {{.name = "htmlTextContent", .type = PropertyType::String, .description = "The HTML part."},
                   {.name = "plainTextContent",
                    .type = PropertyType::String,
                    .description = "The plain-text part.",
                    .default_value = kNoPlainText}}));
}

std::shared_ptr<const TaskType> make_mail_execution_task() {
  auto own = execution_properties();
  own.push_back({.name = "plainTextContent",
                 .type = PropertyType::String,
                 .description = "Replaced by the execution summary as text (runwatch; Kestra sends \"" +
                                std::string(kNoPlainText) + "\")."});
  return std::make_shared<MailExecution>(mail_schema(
      "io.kestra.plugin.email.MailExecution", "io.kestra.plugin.notifications.mail.MailExecution",
      "Emails a summary of an execution: namespace, flow, execution, state, the task that failed, the duration, a "
      "link when kestra.url is set, and custom fields, as HTML and as plain text. Without a subject, the headline "
      "is the subject (runwatch; Kestra sends none).",
      std::move(own)));
}

}  // namespace runwatch
