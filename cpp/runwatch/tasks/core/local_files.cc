// Kestra's LocalFiles (deprecated there for inputFiles / outputFiles, still in flows):
// writes `inputs` into the working directory (a WorkingDirectory's, where it belongs) and
// stores the files matching `outputs`, whose URIs are its output `uris`.
#include "runwatch/tasks/core/core_tasks.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/core/script_task.h"

namespace runwatch {
namespace {

std::vector<PropertyProblem> local_files_problems(const Value& values) {
  if (const Value* files = find_property(values, "inputs")) return check_input_files(*files, "inputs");
  return {};
}

TypeSchema local_files_schema() {
  TypeSchema schema;
  schema.name = "io.kestra.plugin.core.storage.LocalFiles";
  schema.aliases = {"io.kestra.core.tasks.storages.LocalFiles"};
  schema.description =
      "Writes `inputs` into the working directory and stores the files matching `outputs` (output `uris`: file name "
      "to kestra:/// URI). Outside a WorkingDirectory the directory is its own and goes with the task.";
  schema.properties = {
      {.name = "inputs",
       .type = PropertyType::Map,
       .description = "Files to write: relative file names to contents (text, or the kestra:/// URI of a file of the "
                      "execution, copied)."},
      {.name = "outputs",
       .type = PropertyType::StringList,
       .description = "Glob patterns of the files to store, relative to the working directory."},
  };
  schema.check = local_files_problems;
  return schema;
}

class LocalFiles final : public TaskType {
 public:
  LocalFiles() : TaskType(local_files_schema()) {}
  TaskResult run(RunContext& ctx, const Value& properties) const override {
    ScriptRun files(ctx, properties, "inputs");
    TaskResult result;
    const Value* patterns = find_property(properties, "outputs");
    result.outputs["uris"] = patterns ? files.store_output_files(*patterns, "outputs") : Value::object();
    return result;
  }
};

}  // namespace

std::shared_ptr<const TaskType> make_local_files_task() { return std::make_shared<LocalFiles>(); }

}  // namespace runwatch
