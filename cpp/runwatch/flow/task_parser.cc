// Task definitions: common properties (id, retry, timeout, ...) and the type's own.
#include <map>

#include "runwatch/flow/parser.h"
#include "runwatch/flow/path.h"
#include "runwatch/flow/type_lookup.h"
#include "runwatch/flow/value_checks.h"
#include "runwatch/model/identifier.h"

namespace runwatch {
namespace {


const PropertySpec& log_level_spec() {
  static const PropertySpec spec{.name = "logLevel",
                                 .type = PropertyType::String,
                                 .description = "",
                                 .allowed_values = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"}};
  return spec;
}

}  // namespace

std::vector<TaskDef> DefinitionParser::tasks(const YAML::Node& list, const std::string& path, SourcePos pos) {
  std::vector<TaskDef> out;
  if (is_null(list)) return out;
  if (!list.IsSequence()) {
    issues_.error(path, pos, "expected a list of tasks, not " + describe(list));
    return out;
  }
  for (size_t i = 0; i < list.size(); ++i)
    if (auto parsed = task(list[i], index_path(path, i))) out.push_back(std::move(*parsed));
  return out;
}

std::optional<TaskDef> DefinitionParser::task(const YAML::Node& node, const std::string& path) {
  auto pos = position_of(node);
  if (!node.IsMap()) {
    issues_.error(path, pos, "a task must be a mapping with an id and a type, not " + describe(node));
    return std::nullopt;
  }
  TaskDef task;
  task.path = path;
  task.pos = pos;
  auto entries = entries_of(node);

  if (const auto* id = find_entry(entries, "id"); !id || is_null(id->value)) {
    issues_.error(key_path(path, "id"), id ? id->value_pos() : pos, "missing required property 'id'");
  } else {
    task.id = scalar_text(id->value);
    if (!is_identifier(task.id))
      issues_.error(key_path(path, "id"), id->value_pos(),
                    "invalid task id '" + shortened(task.id) + "': it must match ^[a-zA-Z0-9][a-zA-Z0-9_-]*$");
    task_ids_.push_back({task.id, path, id->value_pos()});
  }

  const auto* schema = schema_of(PluginKind::Task, entries, path, pos);
  std::vector<MappingEntry> own;
  for (const auto& entry : entries)
    if (entry.key != "id" && entry.key != "type" && !task_common_property(task, entry, path)) own.push_back(entry);
  if (schema) {
    auto parsed = properties(*schema, own, path, pos);
    check(*schema, parsed.values, node, path);
    task.type = schema->name;
    task.properties = std::move(parsed.values);
    task.branches = std::move(parsed.branches);
    task.inputs = std::move(parsed.inputs);
    if (schema->runnable_children_only) require_runnable_children(task);
    add_internal_tasks(*schema, task);
  }
  return task;
}

void DefinitionParser::add_internal_tasks(const TypeSchema& schema, TaskDef& task) {
  if (schema.internal_tasks.empty()) return;
  TaskBranch branch{"tasks", "", {}};
  for (const auto& internal : schema.internal_tasks) {
    TaskDef child;
    child.id = task.id + internal.suffix;
    child.type = internal.type;
    child.path = task.path;
    child.pos = task.pos;
    for (const auto& name : internal.properties)
      if (task.properties.contains(name)) child.properties[name] = task.properties[name];
    task_ids_.push_back({child.id, task.path, task.pos});
    branch.tasks.push_back(std::move(child));
  }
  task.branches.push_back(std::move(branch));
}

// Kestra's WorkingDirectoryTaskValidator: a child that is itself flowable cannot share
// the directory, since only tasks run on a worker work in it.
void DefinitionParser::require_runnable_children(const TaskDef& task) {
  const auto* children = task.branch("tasks");
  if (!children) return;
  for (const auto& child : children->tasks) {
    const TypeSchema* schema = catalog_.find(PluginKind::Task, child.type);
    if (schema && schema->flowable)
      issues_.error(
          child.path, child.pos,
          "Only runnable tasks are allowed as children of a " + task.type.substr(task.type.rfind('.') + 1) + " task");
  }
}

bool DefinitionParser::task_common_property(TaskDef& task, const MappingEntry& entry, const std::string& path) {
  const auto& key = entry.key;
  auto property_path = key_path(path, key);
  if (key == "description") {
    task.description = text(entry, path);
  } else if (key == "retry") {
    task.retry = retry(entry, path);
  } else if (key == "timeout") {
    auto duration = parse_duration(scalar_text(entry.value));
    if (duration) task.timeout = duration;
    else issues_.error(property_path, entry.value_pos(),
                       "'timeout' must be an ISO-8601 duration such as PT5M, not " +
                           (entry.value.IsScalar() ? "'" + entry.value.Scalar() + "'" : describe(entry.value)));
  } else if (key == "disabled" || key == "allowFailure" || key == "allowWarning" || key == "logToFile") {
    auto value = literal_bool(entry, path).value_or(false);
    if (key == "disabled") task.disabled = value;
    if (key == "allowFailure") task.allow_failure = value;
    if (key == "allowWarning") task.allow_warning = value;
    // logToFile only chooses where Kestra stores the task's logs: runwatch keeps them all alike.
  } else if (key == "runIf") {
    if (entry.value.IsScalar()) {
      task.run_if = entry.value.Scalar();
      if (scan_) scan_->check(entry.value, property_path, issues_);
    }
    else issues_.error(property_path, entry.value_pos(), "'runIf' must be an expression, not " + describe(entry.value));
  } else if (key == "logLevel") {
    if (auto error = type_error(log_level_spec(), entry.value); !error.empty())
      issues_.error(property_path, entry.value_pos(), error);
    else
      task.log_level = entry.value.Scalar();
  } else if (key == "version") {
    // The plugin version to use: runwatch has one version of each type.
  } else if (key == "workerGroup") {
    not_supported(entry, path, "worker groups are an Enterprise Edition feature of Kestra");
  } else if (key == "taskCache") {
    not_supported(entry, path, "task outputs are never cached");
  } else {
    return false;
  }
  return true;
}

std::optional<bool> DefinitionParser::literal_bool(const MappingEntry& entry, const std::string& path) {
  auto value = to_value(entry.value);
  if (value.is_boolean()) return value.get<bool>();
  if (entry.value.IsScalar() && (entry.value.Scalar() == "true" || entry.value.Scalar() == "false"))
    return entry.value.Scalar() == "true";
  issues_.error(key_path(path, entry.key), entry.value_pos(),
                "'" + entry.key + "' must be true or false, not " + describe(entry.value));
  return std::nullopt;
}

std::string DefinitionParser::text(const MappingEntry& entry, const std::string& path) {
  if (!entry.value.IsScalar() && !is_null(entry.value))
    issues_.error(key_path(path, entry.key), entry.value_pos(),
                  "'" + entry.key + "' must be a string, not " + describe(entry.value));
  return scalar_text(entry.value);
}

void DefinitionParser::not_supported(const MappingEntry& entry, const std::string& path, const std::string& why) {
  issues_.error(key_path(path, entry.key), entry.key_pos(),
                "'" + entry.key + "' is not supported by runwatch (" + why + ")");
}

const TypeSchema* DefinitionParser::schema_of(PluginKind kind, const std::vector<MappingEntry>& entries,
                                              const std::string& path, SourcePos owner_pos) {
  auto type_path = key_path(path, "type");
  const auto* type = find_entry(entries, "type");
  if (!type || is_null(type->value)) {
    issues_.error(type_path, type ? type->value_pos() : owner_pos, "missing required property 'type'");
    return nullptr;
  }
  if (!type->value.IsScalar()) {
    issues_.error(type_path, type->value_pos(), "'type' must be a type name, not " + describe(type->value));
    return nullptr;
  }
  auto lookup = lookup_type(catalog_, kind, type->value.Scalar());
  if (!lookup.schema) issues_.error(type_path, type->value_pos(), lookup.error);
  if (lookup.schema && lookup.schema->internal) {
    issues_.error(type_path, type->value_pos(),
                  "'" + lookup.schema->name + "' is internal: it runs only as a step of the task it belongs to");
    return nullptr;
  }
  return lookup.schema;
}

void DefinitionParser::report_duplicate_task_ids() {
  std::map<std::string, const TaskIdUse*> first_use;
  for (const auto& use : task_ids_) {
    auto [it, inserted] = first_use.emplace(use.id, &use);
    if (!inserted)
      issues_.error(key_path(use.path, "id"), use.pos,
                    "duplicate task id '" + use.id + "' (first used at " + it->second->path + ", line " +
                        std::to_string(it->second->pos.line) + ")");
  }
}

}  // namespace runwatch
