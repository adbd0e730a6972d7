// Kestra's Split, and ForEachItem's internal split task (the first of its three children:
// the batches its subflows get as `taskrun.items`).

#include "runwatch/storage/local_storage.h"
#include "runwatch/tasks/core/core_tasks.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/core/storage_split.h"
#include "runwatch/tasks/core/task_files.h"
#include "runwatch/tasks/for_each_item.h"

namespace runwatch {
namespace {

std::vector<PropertySpec> split_properties() {
  return {
      {.name = "bytes",
       .type = PropertyType::String,
       .description = "Split by size: a new file once one has this many bytes (`10MB`, `512`)."},
      {.name = "partitions",
       .type = PropertyType::Integer,
       .description = "Split into this many files, the lines going round them (at most 1,000)."},
      {.name = "rows",
       .type = PropertyType::Integer,
       .description = "Split by lines: a new file once one has this many (the default, 1)."},
      {.name = "separator",
       .type = PropertyType::String,
       .description = "What follows each line in the files written.",
       .default_value = "\n"},
  };
}

class Split final : public TaskType {
 public:
  Split() : TaskType(schema()) {}
  TaskResult run(RunContext& ctx, const Value& properties) const override {
    TaskResult result;
    auto from = to_text(required_property(properties, "from"));
    result.outputs["uris"] = split_file(ctx, from, split_options(properties, ""));
    return result;
  }

 private:
  static TypeSchema schema() {
    TypeSchema s;
    s.name = "io.kestra.plugin.core.storage.Split";
    s.aliases = {"io.kestra.core.tasks.storages.Split"};
    s.description =
        "Splits the lines of a stored file into files by `rows`, `bytes` or `partitions` (output `uris`, in order).";
    s.properties = split_properties();
    s.properties.insert(s.properties.begin(), {.name = "from",
                                               .type = PropertyType::String,
                                               .required = true,
                                               .description = "The kestra:/// URI of the file to split."});
    return s;
  }
};

class ForEachItemSplit final : public TaskType {
 public:
  ForEachItemSplit() : TaskType(schema()) {}
  TaskResult run(RunContext& ctx, const Value& properties) const override {
    auto items = to_text(required_property(properties, "items"));
    const Value* batch = find_property(properties, "batch");
    auto uris = split_file(ctx, items, split_options(batch ? *batch : Value::object(), "batch"));
    auto splits = store_lines(ctx.storage(), ctx.identity(), "splits.txt", uris);
    TaskResult result;
    result.outputs["splits"] = splits.text();
    return result;
  }

 private:
  static TypeSchema schema() {
    TypeSchema s;
    s.name = std::string(kForEachItemSplitType);
    s.internal = true;
    s.description = "ForEachItem's first step: splits `items` into batch files, listed in the file `splits`.";
    s.properties = {{.name = "items", .type = PropertyType::String, .required = true, .description = "The file."},
                    {.name = "batch", .type = PropertyType::Map, .description = "How to split it."}};
    return s;
  }
};

}  // namespace

std::vector<std::shared_ptr<const TaskType>> make_split_tasks() {
  return {std::make_shared<Split>(), std::make_shared<ForEachItemSplit>()};
}

}  // namespace runwatch
