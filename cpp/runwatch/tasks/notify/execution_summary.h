#pragma once
// What every *Execution notification says about an execution: where it ran, how it ended
// (or stands), which task failed, how long it took, a link to it, and the user's custom
// message and fields. Shared by the C++ channels and Python's runwatch.Notifier.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runwatch/model/execution.h"
#include "runwatch/tasks/run_context.h"
#include "runwatch/tasks/task.h"

namespace runwatch {

struct ExecutionSummary {
  std::string ns;
  std::string flow_id;
  std::string execution_id;
  State state = State::SUCCESS;
  std::optional<std::string> failed_task;  // the first task that failed (not a parent failing for it)
  std::optional<std::string> last_task;    // Kestra's "Final task ID"
  TimePoint start_date;
  Duration duration{};
  std::optional<std::string> link;
  std::optional<std::string> custom_message;
  Value custom_fields = Value::object();
  // Started by an alerting trigger (beyond Kestra), about its own execution or none: the
  // notification as a whole, its `trigger.alerts` (each with its `link` when there is
  // one), status and reason. Empty otherwise.
  Value alerts = Value::array();
  std::string alert_status, alert_reason;
};

// Summarises `execution` as it stands at `now`. When a notification reports on its own
// execution, `reporting_task_run_id` is its task run: that run is left out, and since the
// execution cannot end while it runs, the state is the one it is heading for: FAILED
// inside an errors branch or after a top-level task failed, else WARNING if a top-level
// task warned, else SUCCESS. (Kestra reports RUNNING there.)
ExecutionSummary summarize_execution(const Execution& execution, TimePoint now,
                                     std::string_view reporting_task_run_id = {});

// {kestra.url}/ui/main/executions/{namespace}/{flowId}/{id}, as Kestra links executions
// (main: the tenant of its open-source edition), when the variables carry kestra.url.
std::optional<std::string> execution_link(const Value& variables, const Execution& execution);

// The summary of the execution named by the properties executionId, customFields and
// customMessage. The current execution is read as it stands; another one is awaited until
// it ends (at most 10 minutes, like Kestra; a kill ends the wait), unless the Flow trigger
// that started this execution fired on the state it is in now. In a notification of an
// alerting trigger, about its own execution (the default) or none: the summary of its
// alerts (headline "[ns] flow ➛ FIRING", each group in the outcome).
ExecutionSummary execution_summary(RunContext& ctx, const Value& properties);

inline constexpr std::string_view kHeadlineArrow = "\xE2\x9E\x9B";  // ➛

// "[company.team] my_flow ➛ FAILED" (Squadcast's template writes the arrow "&rarr;").
std::string headline(const ExecutionSummary& summary, std::string_view arrow = kHeadlineArrow);
// The headline in bold, a link to the execution when there is one, in the markup Slack
// and Google Chat share: "*<https://...|[ns] flow ➛ FAILED>*" or "*[ns] flow ➛ FAILED*".
std::string linked_headline(const ExecutionSummary& summary, std::string_view arrow = kHeadlineArrow);
// "Failed on task `fail` after 00:00:01.500", "Succeeded after 00:01:00.000"; for alerts,
// "2 firing (first): company.team.a FAILED, company.team.b FAILED".
std::string outcome(const ExecutionSummary& summary);
// The outcome without its duration: "Failed on task `fail`", "Killed", "Failed", "Succeeded".
std::string verdict(const ExecutionSummary& summary);
// The custom message and fields, each on a line of its own after a line break:
// "\nCheck the ETL\nenv: prod", after the alerts' links, one per line. Empty when there
// are none.
std::string custom_lines(const ExecutionSummary& summary);
// linked_headline, then the outcome quoted on the next line, as Slack's template writes
// them (and Twilio's and WhatsApp's after it): "*<link|[ns] flow ➛ FAILED>*\n> Failed on ...".
std::string linked_outcome(const ExecutionSummary& summary);
// "Namespace ns<separator>Flow ID flow<separator>Execution ID id<separator>Execution Status
// FAILED<separator>Final task ID load", the details Twilio's and WhatsApp's templates list.
std::string detail_list(const ExecutionSummary& summary, std::string_view separator);
// The text LINE's and Messenger's templates render: the state, the execution's details,
// the failed task (between `before_task` and `after_task`, when a task failed), the custom
// message and fields, and the link. Kestra renders their tag-only lines as blank lines
// (its Pebble engine keeps them); runwatch leaves those out, and the link's line when
// kestra.url is not set.
std::string details_text(const ExecutionSummary& summary, std::string_view before_task, std::string_view after_task);
// A listed alert of a notification (the first 50) as channels that list details show it:
// its group's name ("company.team.nightly"), its state ("FAILED at `load`", "FAILED
// (resolved)") and its link when kestra.url is set.
struct AlertLine {
  std::string group;
  std::string state;
  std::optional<std::string> link;
};
std::vector<AlertLine> alert_lines(const ExecutionSummary& summary);
// Those lines as one detail per group, the link after the state: PagerDuty's
// custom_details, Opsgenie's and Zenduty's details.
Value alert_details(const ExecutionSummary& summary);
// Kestra's humanDuration (commons-lang formatDurationHMS): "HH:mm:ss.SSS".
std::string format_hms(Duration duration);
// Every field by its snake_case name, plus "headline", "outcome" and "duration_text":
// what Python notifiers receive.
Value to_value(const ExecutionSummary& summary);

// The message Kestra's slack-template.peb and zulip-template.peb render: the linked
// headline and the outcome as text; blocks (the custom message, then the text with a
// Details button when there is a link); an attachment coloured by the state with a field
// per detail and custom field. Slack's lists the final task after the custom fields,
// Zulip's before them.
enum class FinalTaskField { AfterCustomFields, BeforeCustomFields };
Value slack_shaped_message(const ExecutionSummary& summary, FinalTaskField final_task);
// channel, username, iconUrl and iconEmoji, which SlackTemplate and ZulipTemplate declare.
std::vector<PropertySpec> sender_properties();
// Those of them the properties give, as the message's channel, username, icon_url and
// icon_emoji (over the message's own).
void set_sender(Value& message, const Value& properties);

// `inner` (a task type written elsewhere: a Python notifier) as a notifier: each run first
// builds the execution summary the *Execution tasks send, with the task run's
// idempotency_key, and hands it to `inner` as the property `message_key`.
std::shared_ptr<const TaskType> summarizing_notifier(std::shared_ptr<const TaskType> inner, std::string message_key);

}  // namespace runwatch
