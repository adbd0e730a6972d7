#pragma once
// The schema-driven part of flow loading: tasks, conditions and triggers, each checked
// against its type's schema. Task ids are gathered so that the flow can require them to
// be unique across every branch.
#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "runwatch/flow/issues.h"
#include "runwatch/flow/template_scan.h"
#include "runwatch/model/flow.h"
#include "runwatch/model/schema.h"
#include "runwatch/yaml/yaml_node.h"

namespace runwatch {

class DefinitionParser {
 public:
  DefinitionParser(const TypeCatalog& catalog, IssueList& issues, const TemplateScan* scan)
      : catalog_(catalog), issues_(issues), scan_(scan) {}

  // A list of task definitions at `path` (e.g. "tasks" or "tasks[2].then").
  std::vector<TaskDef> tasks(const YAML::Node& list, const std::string& path, SourcePos pos);
  // A list of condition definitions, or (MultipleCondition) a mapping of named ones.
  std::vector<ConditionDef> conditions(const YAML::Node& node, const std::string& path, SourcePos pos);
  std::optional<TriggerDef> trigger(const YAML::Node& node, const std::string& path);
  // A task's or the flow's `retry`, at `path` (the owner's).
  std::optional<RetryPolicy> retry(const MappingEntry& entry, const std::string& path);

  // Reports each task id used more than once in the flow; call once everything is parsed.
  void report_duplicate_task_ids();

 private:
  // A type's own properties, checked against its schema, child lists set apart.
  struct Properties {
    Value values = Value::object();
    std::vector<TaskBranch> branches;
    std::vector<ConditionDef> conditions;
    std::vector<InputDef> inputs;
  };
  struct TaskIdUse {
    std::string id;
    std::string path;
    SourcePos pos;
  };

  std::optional<TaskDef> task(const YAML::Node& node, const std::string& path);
  bool task_common_property(TaskDef& task, const MappingEntry& entry, const std::string& path);
  void require_runnable_children(const TaskDef& task);
  void add_internal_tasks(const TypeSchema& schema, TaskDef& task);
  std::optional<ConditionDef> condition(const YAML::Node& node, const std::string& path);
  // The `type` entry resolved through the catalog, or null after reporting why not.
  const TypeSchema* schema_of(PluginKind kind, const std::vector<MappingEntry>& entries, const std::string& path,
                              SourcePos owner_pos);
  Properties properties(const TypeSchema& schema, const std::vector<MappingEntry>& own, const std::string& path,
                        SourcePos owner_pos);
  // Reports what the type's own check finds in its parsed properties, placed in `node`.
  void check(const TypeSchema& schema, const Value& values, const YAML::Node& node, const std::string& path);
  void property(const PropertySpec& spec, const MappingEntry& entry, const std::string& path, Properties& out);
  std::vector<TaskBranch> task_map(const PropertySpec& spec, const MappingEntry& entry, const std::string& path);
  void dag_tasks(const PropertySpec& spec, const MappingEntry& entry, const std::string& path, Properties& out);
  // A boolean as Kestra's plain (non-templated) boolean fields take it.
  std::optional<bool> literal_bool(const MappingEntry& entry, const std::string& path);
  // A scalar's text; reports anything else.
  std::string text(const MappingEntry& entry, const std::string& path);
  void not_supported(const MappingEntry& entry, const std::string& path, const std::string& why);

  const TypeCatalog& catalog_;
  IssueList& issues_;
  const TemplateScan* scan_;  // null: templates are not checked
  std::vector<TaskIdUse> task_ids_;
};

}  // namespace runwatch
