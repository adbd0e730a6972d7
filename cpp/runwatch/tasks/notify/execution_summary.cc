#include "runwatch/tasks/notify/execution_summary.h"

#include <cstdio>
#include <thread>

#include "runwatch/model/json_text.h"
#include "runwatch/tasks/core/cancelled.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/notify/notification_task.h"

namespace runwatch {
namespace {

// Kestra's ExecutionService waits this long for the repository to show the execution ended.
constexpr auto kWaitForEnd = std::chrono::minutes(10);
// How often a wait looks at the task's cancellation.
constexpr auto kWaitSlice = std::chrono::milliseconds(200);
// How long to wait for the snapshot of the current execution that shows this task run.
constexpr auto kWaitForOwnRun = std::chrono::seconds(5);

bool in_errors_branch(const Execution& execution, const TaskRun* run) {
  for (; run; run = run->parent_task_run_id.empty() ? nullptr : execution.task_run(run->parent_task_run_id))
    if (run->branch == "errors") return true;
  return false;
}

State state_so_far(const Execution& execution, std::string_view reporting_task_run_id) {
  if (in_errors_branch(execution, execution.task_run(reporting_task_run_id))) return State::FAILED;
  State state = State::SUCCESS;
  for (const auto& run : execution.task_runs) {
    if (!run.parent_task_run_id.empty() || run.id == reporting_task_run_id) continue;
    if (run.state.current() == State::FAILED || run.state.current() == State::KILLED) return State::FAILED;
    if (run.state.current() == State::WARNING) state = State::WARNING;
  }
  return state;
}

bool has_failed_child(const Execution& execution, const TaskRun& parent) {
  for (const auto& run : execution.task_runs)
    if (run.parent_task_run_id == parent.id && run.state.current() == State::FAILED) return true;
  return false;
}

std::optional<std::string> first_failed_task(const Execution& execution, std::string_view reporting_task_run_id) {
  for (const auto& run : execution.task_runs)
    if (run.id != reporting_task_run_id && run.state.current() == State::FAILED && !has_failed_child(execution, run))
      return run.task_id;
  return std::nullopt;
}

// Like Kestra: the last task run that failed when one did, else the last that succeeded.
std::optional<std::string> last_task(const Execution& execution, std::string_view reporting_task_run_id, bool failed) {
  for (auto it = execution.task_runs.rbegin(); it != execution.task_runs.rend(); ++it) {
    if (it->id == reporting_task_run_id) continue;
    State s = it->state.current();
    if (failed ? s == State::FAILED : (s == State::SUCCESS || s == State::WARNING)) return it->task_id;
  }
  return std::nullopt;
}

Value custom_fields_of(const Value& properties) {
  const Value* fields = find_property(properties, "customFields");
  if (!fields) return Value::object();
  if (fields->is_object()) return *fields;
  if (fields->is_string()) {  // a template that rendered to a JSON map
    Value parsed = parse_json_or_discarded(fields->get<std::string>());
    if (parsed.is_object()) return parsed;
  }
  throw TaskFailure("Property 'customFields' must be a map, got " + fields->dump());
}

const ExecutionReader& reader_of(RunContext& ctx) {
  if (!ctx.executions()) throw TaskFailure("This task reads executions, and none can be read here");
  return *ctx.executions();
}

// The Flow trigger fired on this very execution in its present state (PAUSED, say), or
// on RUNNING, which Kestra also reports as it is.
bool triggered_on_current_state(const Value& variables, const Execution& execution) {
  const Value* trigger = find_property(variables, "trigger");
  if (!trigger || !trigger->is_object()) return false;
  auto state = optional_string(*trigger, "state");
  if (!state || optional_string(*trigger, "executionId") != execution.id) return false;
  return *state == "RUNNING" || *state == to_string(execution.state.current());
}

std::shared_ptr<const Execution> await_end(RunContext& ctx, const ExecutionReader& reader,
                                           std::shared_ptr<const Execution> execution) {
  auto deadline = std::chrono::steady_clock::now() + kWaitForEnd;
  while (!is_terminal(execution->state.current())) {
    if (ctx.cancelled()) throw cancelled_failure(ctx);
    if (std::chrono::steady_clock::now() >= deadline)
      throw TaskFailure("Execution '" + execution->id + "' is still " + std::string(to_string(execution->state.current())) +
                        " after waiting " + format_duration(kWaitForEnd) + " for it to end");
    execution = reader.wait_terminal(execution->id, kWaitSlice);
  }
  return execution;
}

// The executor may hand a task to a worker before it publishes the snapshot that shows
// it: wait (briefly, cancellably) for one that holds the task's own run.
std::shared_ptr<const Execution> await_own_run(RunContext& ctx, const ExecutionReader& reader,
                                               std::shared_ptr<const Execution> execution) {
  auto deadline = std::chrono::steady_clock::now() + kWaitForOwnRun;
  const std::string& own_run = ctx.identity().task_run_id;
  while (execution && !execution->task_run(own_run) && std::chrono::steady_clock::now() < deadline) {
    if (ctx.cancelled()) throw cancelled_failure(ctx);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    execution = reader.find(execution->id);
  }
  return execution;
}

// A notification lists at most this many alerts, and says how many more there are.
constexpr size_t kAlertsListed = 50;

std::optional<std::string> kestra_url(const Value& variables) {
  const Value* kestra = find_property(variables, "kestra");
  auto base = kestra ? optional_string(*kestra, "url") : std::nullopt;
  if (!base || base->empty()) return std::nullopt;
  while (base->ends_with('/')) base->pop_back();
  return base;
}

std::string executions_link(const std::string& base, const std::string& ns, const std::string& flow_id,
                            const std::string& id) {
  return base + "/ui/main/executions/" + ns + "/" + flow_id + "/" + id;
}

// A group as a notification names it: its labels' values joined ("company.team.nightly").
std::string group_name(const Value& alert) {
  std::string name;
  const Value labels = alert.is_object() ? alert.value("labels", Value::object()) : Value::object();
  for (const auto& [key, value] : labels.items())
    if (key != "executionId" && value.is_string()) name += (name.empty() ? "" : ".") + value.get<std::string>();
  return name;
}

// "FAILED", "RUNNING at `load`", "no run (resolved)": the state of a group's last
// execution (an absent run has none).
std::string alert_state(const Value& alert) {
  std::string state = string_or(alert, "lastState", "");
  std::string task = string_or(alert, "task", "");
  std::string text = state.empty() ? "no run" : state;
  if (!task.empty()) text += " at `" + task + "`";
  if (string_or(alert, "status", "") == "resolved") text += " (resolved)";
  return text;
}

// "company.team.nightly FAILED".
std::string alert_phrase(const Value& alert) { return group_name(alert) + " " + alert_state(alert); }

// The summary of an alerting trigger's notification as a whole.
ExecutionSummary alert_summary(RunContext& ctx, const Value& trigger, const Value& properties) {
  ExecutionSummary s;
  const TaskIdentity& self = ctx.identity();
  s.ns = self.ns;
  s.flow_id = self.flow_id;
  s.execution_id = self.execution_id;
  s.alert_status = string_or(trigger, "status", "");
  s.alert_reason = string_or(trigger, "reason", "");
  s.state = s.alert_status == "firing" ? State::FAILED : State::SUCCESS;
  s.start_date = ctx.clock().now();
  auto base = kestra_url(ctx.variables());
  for (Value alert : trigger.at("alerts")) {
    if (!alert.is_object()) continue;
    const Value labels = alert.value("labels", Value::object());
    std::string last = string_or(alert, "lastExecutionId", "");
    if (base && !last.empty())
      alert["link"] = executions_link(*base, string_or(labels, "namespace", ""), string_or(labels, "flowId", ""), last);
    s.alerts.push_back(std::move(alert));
  }
  s.custom_message = optional_string(properties, "customMessage");
  s.custom_fields = custom_fields_of(properties);
  return s;
}

// The alerts' links, each on a line of its own ("\n- company.team.nightly: <link>"): the
// outcome names the alerts, these lines take the reader to them.
std::string alert_links(const ExecutionSummary& s) {
  std::string text;
  for (size_t i = 0; i < s.alerts.size() && i < kAlertsListed; ++i)
    if (std::string link = string_or(s.alerts[i], "link", ""); !link.empty())
      text += "\n- " + group_name(s.alerts[i]) + ": " + link;
  return text;
}

}  // namespace

ExecutionSummary summarize_execution(const Execution& execution, TimePoint now, std::string_view reporting_task_run_id) {
  ExecutionSummary s;
  s.ns = execution.ns;
  s.flow_id = execution.flow_id;
  s.execution_id = execution.id;
  bool reporting_on_itself = !reporting_task_run_id.empty();
  s.state = reporting_on_itself ? state_so_far(execution, reporting_task_run_id) : execution.state.current();
  s.failed_task = first_failed_task(execution, reporting_task_run_id);
  s.last_task = last_task(execution, reporting_task_run_id, s.failed_task.has_value());
  s.start_date = execution.state.start_date();
  s.duration = execution.duration().value_or(now - s.start_date);
  return s;
}

std::optional<std::string> execution_link(const Value& variables, const Execution& execution) {
  auto base = kestra_url(variables);
  if (!base) return std::nullopt;
  return executions_link(*base, execution.ns, execution.flow_id, execution.id);
}

ExecutionSummary execution_summary(RunContext& ctx, const Value& properties) {
  std::string id = to_text(required_property(properties, "executionId"));
  const Value* trigger = find_property(ctx.variables(), "trigger");
  // Started by an alerting trigger, a notifier about its own execution (the default) or
  // none sends the notification as a whole: its own execution has nothing to report.
  if ((id.empty() || id == ctx.identity().execution_id) && trigger && trigger->is_object() &&
      trigger->contains("groupKey") && trigger->contains("alerts") && trigger->at("alerts").is_array())
    return alert_summary(ctx, *trigger, properties);
  const ExecutionReader& reader = reader_of(ctx);
  auto execution = reader.find(id);
  if (!execution) throw TaskFailure("Unable to find execution '" + id + "'");
  bool current = id == ctx.identity().execution_id;
  if (current) execution = await_own_run(ctx, reader, execution);
  else if (!triggered_on_current_state(ctx.variables(), *execution)) execution = await_end(ctx, reader, execution);
  if (!execution) throw TaskFailure("Unable to find execution '" + id + "'");
  ExecutionSummary s = summarize_execution(*execution, ctx.clock().now(), current ? ctx.identity().task_run_id : "");
  s.link = execution_link(ctx.variables(), *execution);
  s.custom_message = optional_string(properties, "customMessage");
  s.custom_fields = custom_fields_of(properties);
  return s;
}

std::string headline(const ExecutionSummary& s, std::string_view arrow) {
  std::string status(to_string(s.state));
  if (!s.alert_status.empty()) status = s.alert_status == "firing" ? "FIRING" : "RESOLVED";
  return "[" + s.ns + "] " + s.flow_id + " " + std::string(arrow) + " " + status;
}

std::string linked_headline(const ExecutionSummary& s, std::string_view arrow) {
  return "*" + (s.link ? "<" + *s.link + "|" + headline(s, arrow) + ">" : headline(s, arrow)) + "*";
}

std::string outcome(const ExecutionSummary& s) {
  if (s.alert_status.empty()) return verdict(s) + " after " + format_hms(s.duration);
  std::string text = verdict(s) + ":";
  for (size_t i = 0; i < s.alerts.size() && i < kAlertsListed; ++i)
    text += (i ? ", " : " ") + alert_phrase(s.alerts[i]);
  if (s.alerts.size() > kAlertsListed) text += " and " + std::to_string(s.alerts.size() - kAlertsListed) + " more";
  return text;
}

std::vector<AlertLine> alert_lines(const ExecutionSummary& s) {
  std::vector<AlertLine> lines;
  for (size_t i = 0; i < s.alerts.size() && i < kAlertsListed; ++i) {
    std::string link = string_or(s.alerts[i], "link", "");
    lines.push_back({group_name(s.alerts[i]), alert_state(s.alerts[i]),
                     link.empty() ? std::nullopt : std::optional<std::string>(link)});
  }
  return lines;
}

Value alert_details(const ExecutionSummary& s) {
  Value details = Value::object();
  for (const auto& alert : alert_lines(s)) details[alert.group] = alert.state + (alert.link ? " " + *alert.link : "");
  return details;
}

std::string verdict(const ExecutionSummary& s) {
  if (!s.alert_status.empty()) {
    size_t resolved = 0;
    for (const auto& alert : s.alerts) resolved += string_or(alert, "status", "") == "resolved";
    size_t firing = s.alerts.size() - resolved;
    std::string counts = firing ? std::to_string(firing) + " firing" : "";
    if (resolved) counts += (firing ? ", " : "") + std::to_string(resolved) + " resolved";
    return counts + " (" + s.alert_reason + ")";
  }
  if (s.failed_task) return "Failed on task `" + *s.failed_task + "`";
  if (s.state == State::KILLED) return "Killed";
  return s.state == State::FAILED ? "Failed" : "Succeeded";
}

std::string custom_lines(const ExecutionSummary& s) {
  std::string text = alert_links(s) + (s.custom_message ? "\n" + *s.custom_message : "");
  for (auto it = s.custom_fields.begin(); it != s.custom_fields.end(); ++it)
    text += "\n" + it.key() + ": " + to_text(it.value());
  return text;
}

std::string linked_outcome(const ExecutionSummary& s) { return linked_headline(s) + "\n> " + outcome(s); }

std::string detail_list(const ExecutionSummary& s, std::string_view separator) {
  const std::string sep(separator);
  return "Namespace " + s.ns + sep + "Flow ID " + s.flow_id + sep + "Execution ID " + s.execution_id + sep +
         "Execution Status " + std::string(to_string(s.state)) + sep + "Final task ID " + s.last_task.value_or("");
}

std::string details_text(const ExecutionSummary& s, std::string_view before_task, std::string_view after_task) {
  std::string text = "Execution " + std::string(to_string(s.state)) + "\n\nDetails:\n- ID: " + s.execution_id +
                     "\n- Namespace: " + s.ns + "\n- Flow: " + s.flow_id +
                     "\n- Started: " + format_instant(s.start_date) + "\n- Duration: " + format_hms(s.duration);
  if (s.failed_task) text += "\n- " + std::string(before_task) + *s.failed_task + std::string(after_task);
  if (!s.alerts.empty()) text += "\n\n" + outcome(s) + alert_links(s);
  if (s.custom_message) text += "\n\n" + *s.custom_message;
  if (!s.custom_fields.empty()) text += "\n";
  for (auto it = s.custom_fields.begin(); it != s.custom_fields.end(); ++it)
    text += "\n- " + it.key() + ": " + to_text(it.value());
  if (s.link) text += "\n\nView Execution: " + *s.link;
  return text;
}

std::string format_hms(Duration duration) {
  using namespace std::chrono;
  auto ms = std::max<long long>(0, duration_cast<milliseconds>(duration).count());
  char text[48];
  std::snprintf(text, sizeof text, "%02lld:%02lld:%02lld.%03lld", ms / 3'600'000, ms / 60'000 % 60, ms / 1000 % 60,
                ms % 1000);
  return text;
}

Value to_value(const ExecutionSummary& s) {
  auto optional = [](const std::optional<std::string>& text) { return text ? Value(*text) : Value(); };
  return {
      {"namespace", s.ns},
      {"flow_id", s.flow_id},
      {"execution_id", s.execution_id},
      {"state", std::string(to_string(s.state))},
      {"failed_task", optional(s.failed_task)},
      {"last_task", optional(s.last_task)},
      {"start_date", format_instant(s.start_date)},
      {"duration", to_seconds(s.duration)},
      {"duration_text", format_hms(s.duration)},
      {"link", optional(s.link)},
      {"custom_message", optional(s.custom_message)},
      {"custom_fields", s.custom_fields},
      {"headline", headline(s)},
      {"outcome", outcome(s)},
      {"alerts", s.alerts},
      {"alert_status", s.alert_status.empty() ? Value() : Value(s.alert_status)},
      {"alert_reason", s.alert_reason.empty() ? Value() : Value(s.alert_reason)},
  };
}

namespace {

std::string color_of(State state) {
  if (state == State::SUCCESS) return "good";
  if (state == State::WARNING) return "warning";
  return "danger";
}

Value field(std::string title, Value value) {
  return {{"title", std::move(title)}, {"value", std::move(value)}, {"short", true}};
}

Value mrkdwn_section(std::string text) {
  return {{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", std::move(text)}}}};
}

Value attachment(const ExecutionSummary& s, FinalTaskField final_task) {
  Value fields =
      Value::array({field("Namespace", s.ns), field("Flow ID", s.flow_id), field("Execution ID", s.execution_id),
                    field("Execution Status", std::string(to_string(s.state)))});
  Value final_task_field = field("Final task ID", s.last_task ? Value(*s.last_task) : Value());
  if (final_task == FinalTaskField::BeforeCustomFields) fields.push_back(final_task_field);
  for (auto it = s.custom_fields.begin(); it != s.custom_fields.end(); ++it)
    fields.push_back(field(it.key(), it.value()));
  if (final_task == FinalTaskField::AfterCustomFields) fields.push_back(final_task_field);
  for (const auto& alert : alert_lines(s))
    fields.push_back(field(alert.group, alert.state + (alert.link ? " <" + *alert.link + "|details>" : "")));
  auto started = std::chrono::duration_cast<std::chrono::seconds>(s.start_date.time_since_epoch()).count();
  return {{"color", color_of(s.state)}, {"fields", std::move(fields)}, {"ts", started}};
}

}  // namespace

Value slack_shaped_message(const ExecutionSummary& s, FinalTaskField final_task) {
  std::string text = linked_outcome(s);
  Value blocks = Value::array();
  if (s.custom_message) blocks.push_back(mrkdwn_section(*s.custom_message));
  Value summary = mrkdwn_section(text);
  if (s.link)
    summary["accessory"] = {
        {"type", "button"}, {"text", {{"type", "plain_text"}, {"text", "Details"}}}, {"url", *s.link}};
  blocks.push_back(std::move(summary));
  return {{"text", std::move(text)},
          {"blocks", std::move(blocks)},
          {"attachments", Value::array({attachment(s, final_task)})}};
}

std::vector<PropertySpec> sender_properties() {
  return {
      {.name = "channel",
       .type = PropertyType::String,
       .description = "The channel to post to, instead of the webhook's."},
      {.name = "username", .type = PropertyType::String, .description = "The author of the message."},
      {.name = "iconUrl", .type = PropertyType::String, .description = "The URL of the icon to show."},
      {.name = "iconEmoji", .type = PropertyType::String, .description = "The emoji to show as icon."},
  };
}

void set_sender(Value& message, const Value& properties) {
  static const std::pair<const char*, const char*> kFields[] = {
      {"channel", "channel"}, {"username", "username"}, {"iconUrl", "icon_url"}, {"iconEmoji", "icon_emoji"}};
  for (const auto& [property, key] : kFields)
    if (auto value = optional_string(properties, property)) message[key] = *value;
}

namespace {

class SummarizingNotifier final : public TaskType {
 public:
  SummarizingNotifier(std::shared_ptr<const TaskType> inner, std::string message_key)
      : TaskType(inner->schema()), inner_(std::move(inner)), message_key_(std::move(message_key)) {}

  TaskResult run(RunContext& ctx, const Value& properties) const override {
    Value message = to_value(execution_summary(ctx, properties));
    message["idempotency_key"] = idempotency_key(ctx.identity());
    Value with_message = properties;
    with_message[message_key_] = std::move(message);
    return inner_->run(ctx, with_message);
  }

 private:
  std::shared_ptr<const TaskType> inner_;
  std::string message_key_;
};

}  // namespace

std::shared_ptr<const TaskType> summarizing_notifier(std::shared_ptr<const TaskType> inner, std::string message_key) {
  return std::make_shared<SummarizingNotifier>(std::move(inner), std::move(message_key));
}

}  // namespace runwatch
