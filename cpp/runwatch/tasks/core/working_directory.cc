// Kestra's WorkingDirectory: runs its tasks one after the other in one directory they all
// work in (script tasks run there and leave their files for the next), made when it
// starts with its `inputFiles`, removed when the execution ends.
#include <filesystem>

#include "runwatch/tasks/core/core_tasks.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/core/script_task.h"
#include "runwatch/tasks/flowable.h"

namespace runwatch {
namespace {

namespace fs = std::filesystem;

std::vector<PropertyProblem> working_directory_problems(const Value& values) {
  std::vector<PropertyProblem> problems;
  if (const Value* files = find_property(values, "inputFiles")) problems = check_input_files(*files, "inputFiles");
  return problems;
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
        .description = "Files written into the directory before the first task: file names to contents."}});
  schema.runnable_children_only = true;
  schema.check = working_directory_problems;
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
  std::optional<State> resolve(FlowableContext& ctx) const override {
    return ctx.run_children(branch_tasks(ctx.task(), "tasks"), {});
  }
};

}  // namespace

std::shared_ptr<const TaskType> make_working_directory_task() { return std::make_shared<WorkingDirectory>(); }

}  // namespace runwatch
