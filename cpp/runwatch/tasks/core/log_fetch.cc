// Kestra's log Fetch: the log lines of an execution (this one by default) at or above a
// level, of some tasks only, stored in the internal storage one JSON object per line
// (valid Ion text: Kestra stores Ion); outputs `uri` and `size`.
#include <algorithm>

#include "runwatch/model/json_text.h"
#include "runwatch/model/log_json.h"
#include "runwatch/storage/local_storage.h"
#include "runwatch/tasks/core/core_tasks.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/core/task_files.h"

namespace runwatch {
namespace {

// Past it the first lines are stored and the task ends WARNING (Kestra reads them all).
constexpr size_t kMaxFetchedLines = 100'000;

// The execution the properties name, and the flow it must be an execution of.
struct Target {
  std::string execution_id;
  std::string ns;
  std::string flow_id;
  bool named_flow = false;  // `namespace` and `flowId` were given
};

Target target_of(const TaskIdentity& who, const Value& properties) {
  if (auto problems = execution_target_problems(properties); !problems.empty())
    throw TaskFailure(problems.front().message);
  auto id = optional_string(properties, "executionId");
  if (!id) return {who.execution_id, who.ns, who.flow_id};
  if (id->empty()) throw TaskFailure("Property 'executionId' is empty");
  auto ns = optional_string(properties, "namespace");
  if (!ns) return {*id, who.ns, who.flow_id};
  return {*id, *ns, to_text(required_property(properties, "flowId")), true};
}

void check_flow(const Execution& execution, const Target& target) {
  if (execution.ns == target.ns && execution.flow_id == target.flow_id) return;
  std::string why = "Property 'executionId': execution '" + execution.id + "' is not an execution of flow '" +
                    target.ns + "." + target.flow_id + "'";
  throw TaskFailure(target.named_flow ? why + " (`namespace` and `flowId`)"
                                      : why + "; set `namespace` and `flowId` to fetch another flow's logs");
}

// What a task id may be given as: a string, or a number YAML did not quote.
bool is_task_id(const Value& item) { return item.is_string() || item.is_number_integer(); }

[[noreturn]] void refuse_task_ids(const std::string& why) {
  throw TaskFailure("Property 'tasksId' must be a list of task ids: " + why);
}

std::optional<std::vector<std::string>> task_ids_of(const Value& properties) {
  const Value* value = find_property(properties, "tasksId");
  if (!value) return std::nullopt;
  if (!value->is_array() && !is_task_id(*value)) refuse_task_ids(std::string("it is ") + value->type_name());
  if (value->is_array())
    for (size_t i = 0; i < value->size(); ++i)
      if (!is_task_id((*value)[i])) refuse_task_ids("item " + std::to_string(i) + " is " + (*value)[i].type_name());
  auto ids = to_string_list(*value, "tasksId");
  if (std::find(ids.begin(), ids.end(), "") != ids.end()) refuse_task_ids("one is empty");
  return ids;
}

// Writes the lines to the task run's `logs.ion`; returns its URI.
std::string store(const RunContext& ctx, const LogSelection& selection) {
  auto uri = task_run_file(ctx.identity(), "logs.ion");
  auto upload = ctx.storage().upload();
  for (const LogEntry* line : selection.lines) {
    std::string text = dump_json(log_json(*selection.execution, *line)) + '\n';
    upload.write(text.data(), text.size());
  }
  upload.commit(uri);
  return uri.text();
}

class FetchTask final : public TaskType {
 public:
  FetchTask() : TaskType(schema()) {}

  TaskResult run(RunContext& ctx, const Value& properties) const override {
    const Target target = target_of(ctx.identity(), properties);
    auto selection = ctx.read_logs({.execution_id = target.execution_id,
                                    .task_ids = task_ids_of(properties),
                                    .min_level = log_level_of(properties),
                                    .limit = kMaxFetchedLines});
    if (!selection) throw TaskFailure("Property 'executionId': no execution '" + target.execution_id + "' was found");
    check_flow(*selection->execution, target);
    TaskResult result;
    result.outputs = {{"uri", store(ctx, *selection)}, {"size", selection->lines.size()}};
    if (selection->matched > selection->lines.size()) {
      ctx.log(LogLevel::WARN, "Stored the first " + std::to_string(selection->lines.size()) + " of the " +
                                  std::to_string(selection->matched) +
                                  " matching log lines; narrow them with `tasksId` or `level`");
      result.state = State::WARNING;
    }
    return result;
  }

 private:
  static TypeSchema schema() {
    TypeSchema s;
    s.name = "io.kestra.plugin.core.log.Fetch";
    s.aliases = {"io.kestra.core.tasks.log.Fetch"};
    s.description =
        "Fetches the log lines of an execution into a file of the internal storage, one JSON object per line (Ion "
        "text, as Kestra stores them); outputs `uri` (the file) and `size` (the number of lines). Of this execution "
        "it fetches the lines written before it started. At most " +
        std::to_string(kMaxFetchedLines) + " lines: past them it stores the first and ends WARNING.";
    s.properties = {
        {.name = "executionId",
         .description = "The execution; default: this one. Without `namespace` and `flowId`, an execution of this "
                        "flow."},
        {.name = "namespace", .description = "The namespace of the flow of `executionId` (with `flowId`)."},
        {.name = "flowId", .description = "The flow of `executionId` (with `namespace`)."},
        {.name = "tasksId",
         .type = PropertyType::StringList,
         .description = "Only the lines of these tasks, task by task in this order; default: every line."},
        log_level_property("The lowest level fetched."),
    };
    s.check = execution_target_problems;
    return s;
  }
};

}  // namespace

std::shared_ptr<const TaskType> make_log_fetch_task() { return std::make_shared<FetchTask>(); }

}  // namespace runwatch
