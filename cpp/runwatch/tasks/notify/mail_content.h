#pragma once
// What the mail channels (SMTP's MailSend and MailExecution, SendGrid's) share: the
// execution summary as an HTML part and a plain-text part, Kestra's plain part when there
// is none, and the refusal of Kestra's storage files.
#include <string>
#include <vector>

#include "runwatch/tasks/notify/execution_summary.h"

namespace runwatch {

// Kestra's plain part when a mail gives none.
inline constexpr const char* kNoPlainText = "Please view this email in a modern email client";

// mail-template.hbs.peb's content (SendGrid's template is the same but for its markup),
// in a plain layout.
std::string execution_html(const ExecutionSummary& summary);
// The same as text, where Kestra's plain part says only kNoPlainText.
std::string execution_text(const ExecutionSummary& summary);

// attachments and embeddedImages, which name files in Kestra's internal storage.
std::vector<PropertySpec> storage_file_properties();
// Fails the task when they name any: runwatch has no such storage.
void refuse_storage_files(const Value& properties);

}  // namespace runwatch
