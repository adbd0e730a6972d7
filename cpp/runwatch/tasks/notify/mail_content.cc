#include "runwatch/tasks/notify/mail_content.h"

#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/notify/text.h"

namespace runwatch {
namespace {

std::string state_color(State state) {
  if (state == State::SUCCESS) return "green";
  if (state == State::WARNING) return "orange";
  return "red";
}

std::string paragraph(const std::string& inner) {
  return "<p style=\"font-family: sans-serif; font-size: 14px; margin: 0 0 15px;\">" + inner + "</p>\n";
}

std::string field(const std::string& name, const std::string& value) {
  return paragraph("<strong>" + html_escaped(name) + " :</strong> " + html_escaped(value));
}

std::string outcome_html(const ExecutionSummary& s) {
  std::string after = " after " + format_hms(s.duration);
  if (!s.failed_task) return "Succeeded" + after;
  return "Failed on task <code>" + html_escaped(*s.failed_task) + "</code>" + after;
}

}  // namespace

std::string execution_html(const ExecutionSummary& s) {
  std::string body;
  body += "<p style=\"font-family: sans-serif; font-size: 16px; margin: 0 0 15px;\">[" + html_escaped(s.ns) + "] " +
          html_escaped(s.flow_id) + " \xE2\x9E\x9B <span style=\"color: " + state_color(s.state) + ";\">" +
          std::string(to_string(s.state)) + "</span></p>\n";
  if (s.custom_message) body += paragraph(html_escaped(*s.custom_message));
  body += paragraph(outcome_html(s));
  if (s.link)
    body +=
        paragraph("<a href=\"" + html_escaped(*s.link) +
                  "\" style=\"display: inline-block; color: #ffffff; background-color: #3498db; padding: 12px 25px; "
                  "border-radius: 5px; text-decoration: none; font-weight: bold;\">See details</a>");
  body += field("Namespace", s.ns) + field("Flow", s.flow_id) + field("Execution", s.execution_id) +
          field("Status", std::string(to_string(s.state)));
  if (s.last_task) body += field("Final task ID", *s.last_task);
  for (auto it = s.custom_fields.begin(); it != s.custom_fields.end(); ++it)
    body += field(it.key(), it.value().is_string() ? it.value().get<std::string>() : to_text(it.value()));
  return "<!doctype html>\n<html>\n<head>\n<meta charset=\"UTF-8\">\n<title>Flow [" + html_escaped(s.ns) + "] " +
         html_escaped(s.flow_id) + " execution</title>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
}

std::string execution_text(const ExecutionSummary& s) {
  std::string text = headline(s) + "\n";
  if (s.custom_message) text += *s.custom_message + "\n";
  text += outcome(s) + "\n";
  if (s.link) text += "Details: " + *s.link + "\n";
  text += "\nNamespace: " + s.ns + "\nFlow: " + s.flow_id + "\nExecution: " + s.execution_id +
          "\nStatus: " + std::string(to_string(s.state)) + "\n";
  if (s.last_task) text += "Final task ID: " + *s.last_task + "\n";
  for (auto it = s.custom_fields.begin(); it != s.custom_fields.end(); ++it)
    text += it.key() + ": " + (it.value().is_string() ? it.value().get<std::string>() : to_text(it.value())) + "\n";
  return text;
}

std::vector<PropertySpec> storage_file_properties() {
  return {{.name = "attachments",
           .type = PropertyType::Any,
           .description = "Files from Kestra's internal storage: not supported by runwatch, which has none."},
          {.name = "embeddedImages",
           .type = PropertyType::Any,
           .description = "Images from Kestra's internal storage: not supported by runwatch, which has none."}};
}

void refuse_storage_files(const Value& properties) {
  for (const char* files : {"attachments", "embeddedImages"})
    if (const Value* given = find_property(properties, files); given && !(given->is_array() && given->empty()))
      throw TaskFailure(std::string("Property '") + files +
                        "' needs Kestra's internal storage (kestra:// files), which runwatch does not have");
}

}  // namespace runwatch
