// Kestra's WorkingDirectory: runs its tasks one after the other in one directory they all
// work in (script tasks run there and leave their files for the next), made when it
// starts with its `inputFiles`, its `outputFiles` stored when they end, removed when the
// execution ends.
#include <filesystem>

#include "runwatch/tasks/core/core_tasks.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/core/script_task.h"
#include "runwatch/tasks/core/task_files.h"
#include "runwatch/tasks/flowable.h"

namespace runwatch {
namespace {

namespace fs = std::filesystem;

std::vector<PropertyProblem> working_directory_problems(const Value& values) {
  std::vector<PropertyProblem> problems = namespace_files_problems(values);
  if (const Value* files = find_property(values, "inputFiles"))
    for (auto& problem : check_input_files(*files, "inputFiles")) problems.push_back(std::move(problem));
  return problems;
}

std::vector<PropertyProblem> cache_notice(const Value& values) {
  if (!find_property(values, "cache")) return {};
  return {{"cache", "runwatch keeps no WorkingDirectory cache: each run starts with only its inputFiles"}};
}

TypeSchema working_directory_schema() {
  TypeSchema schema = flowable_schema(
      "WorkingDirectory",
      "Runs its tasks one after the other in one working directory they share: a file a task leaves there is "
      "there for the next. The directory is made when the task starts, with `inputFiles`, and removed when the "
      "execution ends.",
      {tasks_property("tasks", true, "The tasks to run, in order: runnable tasks only."),
       {.name = "inputFiles",
        .type = PropertyType::Map,
        .description = "Files written into the directory before the first task: file names to contents."},
       {.name = "outputFiles",
        .type = PropertyType::StringList,
        .description = "Glob patterns of the files stored when the tasks have ended (output `outputFiles`: file "
                       "name to kestra:/// URI)."},
       namespace_files_property(),
       {.name = "cache",
        .type = PropertyType::Map,
        .description = "Accepted and named once in the server log: runwatch keeps no cache of the directory."}});
  schema.runnable_children_only = true;
  schema.check = working_directory_problems;
  schema.notices = cache_notice;
  return schema;
}

class WorkingDirectory final : public FlowableTaskType {
 public:
  WorkingDirectory() : FlowableTaskType(working_directory_schema()) {}
  // After a restart the directory is still there: only a fresh one gets the input files.
  void start(FlowableContext& ctx) const override {
    const fs::path directory = ctx.working_directory();
    const Value* files = find_property(ctx.task().properties, "inputFiles");
    if (files && fs::is_empty(directory)) write_input_files(directory.string(), ctx.render(*files), "inputFiles");
  }
  // Kestra stores the output files whatever state the tasks ended in.
  std::optional<State> resolve(FlowableContext& ctx) const override {
    auto state = ctx.run_children(branch_tasks(ctx.task(), "tasks"), {});
    const Value* patterns = find_property(ctx.task().properties, "outputFiles");
    if (state && patterns)
      ctx.outputs()["outputFiles"] =
          store_matching_files(ctx.storage(), ctx.identity(), ctx.working_directory(), *patterns, "outputFiles",
                               [&](const std::string& warning) { ctx.log(LogLevel::WARN, warning); });
    return state;
  }
};

}  // namespace

std::shared_ptr<const TaskType> make_working_directory_task() { return std::make_shared<WorkingDirectory>(); }

}  // namespace runwatch
