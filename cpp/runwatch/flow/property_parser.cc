// A plugin type's own properties, checked against its schema; child task lists and
// conditions are parsed recursively.
#include <algorithm>

#include "runwatch/flow/input_parser.h"
#include "runwatch/flow/parser.h"
#include "runwatch/flow/path.h"
#include "runwatch/flow/suggest.h"
#include "runwatch/flow/value_checks.h"

namespace runwatch {
namespace {

bool is_empty_collection(const YAML::Node& node) { return (node.IsSequence() || node.IsMap()) && node.size() == 0; }

bool given(const std::vector<MappingEntry>& entries, const std::string& name) {
  const auto* entry = find_entry(entries, name);
  return entry && !is_null(entry->value);
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "'" : ", '") + name + "'";
  return out;
}

}  // namespace

DefinitionParser::Properties DefinitionParser::properties(const TypeSchema& schema, const std::vector<MappingEntry>& own,
                                                          const std::string& path, SourcePos owner_pos) {
  Properties out;
  for (const auto& entry : own) {
    const auto* spec = schema.property(entry.key);
    auto refused = std::find_if(schema.refused_properties.begin(), schema.refused_properties.end(),
                                [&](const auto& r) { return r.first == entry.key; });
    if (refused != schema.refused_properties.end()) {
      issues_.error(key_path(path, entry.key), entry.key_pos(), refused->second);
    } else if (!spec) {
      std::vector<std::string> names;
      for (const auto& p : schema.properties) names.push_back(p.name);
      issues_.error(key_path(path, entry.key), entry.key_pos(),
                    "unknown property '" + entry.key + "' of " + std::string(to_string(schema.kind)) + " type " +
                        schema.name + did_you_mean(closest_names(entry.key, names)));
    } else if (!is_null(entry.value)) {  // null stands for "not given", as in Kestra
      property(*spec, entry, path, out);
    }
  }

  for (const auto& spec : schema.properties) {
    if (given(own, spec.name)) continue;
    if (spec.required) {
      const auto* entry = find_entry(own, spec.name);
      issues_.error(key_path(path, spec.name), entry ? entry->value_pos() : owner_pos,
                    "missing required property '" + spec.name + "'");
    } else if (!spec.default_value.is_null()) {
      out.values[spec.name] = spec.default_value;
    }
  }

  if (!schema.requires_any.empty()) {
    bool any = std::any_of(schema.requires_any.begin(), schema.requires_any.end(), [&](const auto& name) {
      const auto* entry = find_entry(own, name);
      return entry && !is_null(entry->value) && !is_empty_collection(entry->value);
    });
    if (!any)
      issues_.error(path, owner_pos,
                    "at least one of " + quoted_list(schema.requires_any) + " must be given and not empty");
  }
  return out;
}

void DefinitionParser::check(const TypeSchema& schema, const Value& values, const YAML::Node& node,
                             const std::string& path) {
  if (!schema.check) return;
  for (const auto& problem : schema.check(values))
    issues_.error(problem.path.empty() ? path : key_path(path, problem.path),
                  position_at(node, problem.path, position_of(node)), problem.message);
}

void DefinitionParser::property(const PropertySpec& spec, const MappingEntry& entry, const std::string& path,
                                Properties& out) {
  auto property_path = key_path(path, entry.key);
  if (spec.required && is_empty_collection(entry.value)) {
    issues_.error(property_path, entry.value_pos(), "'" + spec.name + "' must not be empty");
    return;
  }
  switch (spec.type) {
    case PropertyType::Tasks:
      out.branches.push_back({spec.name, "", tasks(entry.value, property_path, entry.value_pos())});
      break;
    case PropertyType::TaskMap:
      for (auto& branch : task_map(spec, entry, property_path)) out.branches.push_back(std::move(branch));
      break;
    case PropertyType::DagTasks:
      dag_tasks(spec, entry, property_path, out);
      break;
    case PropertyType::Conditions:
      out.conditions = conditions(entry.value, property_path, entry.value_pos());
      break;
    case PropertyType::Inputs:
      out.inputs = parse_inputs(entry, issues_, property_path);
      break;
    default:
      if (auto error = type_error(spec, entry.value); !error.empty()) {
        issues_.error(property_path, entry.value_pos(), error);
      } else {
        out.values[spec.name] = to_value(entry.value);
        if (scan_) scan_->check(entry.value, property_path, issues_);
      }
  }
}

std::vector<TaskBranch> DefinitionParser::task_map(const PropertySpec& spec, const MappingEntry& entry,
                                                   const std::string& path) {
  std::vector<TaskBranch> out;
  if (!entry.value.IsMap()) {
    issues_.error(path, entry.value_pos(),
                  "'" + spec.name + "' must be a mapping of names to task lists, not " + describe(entry.value));
    return out;
  }
  for (const auto& item : entries_of(entry.value))
    out.push_back({spec.name, item.key, tasks(item.value, key_path(path, item.key), item.value_pos())});
  return out;
}

void DefinitionParser::dag_tasks(const PropertySpec& spec, const MappingEntry& entry, const std::string& path,
                                 Properties& out) {
  if (!entry.value.IsSequence()) {
    issues_.error(path, entry.value_pos(),
                  "'" + spec.name + "' must be a list of {task, dependsOn}, not " + describe(entry.value));
    return;
  }
  TaskBranch branch{spec.name, "", {}};
  // One entry per item, a bad one included, so the Dag's own check names items by index.
  Value dependencies = Value::array();
  for (size_t i = 0; i < entry.value.size(); ++i) {
    dependencies.push_back({{"id", ""}, {"dependsOn", Value::array()}});
    const YAML::Node& item = entry.value[i];
    auto item_path = index_path(path, i);
    if (!item.IsMap()) {
      issues_.error(item_path, position_of(item),
                    "expected a mapping with 'task' and 'dependsOn', not " + describe(item));
      continue;
    }
    auto entries = entries_of(item);
    for (const auto& e : entries)
      if (e.key != "task" && e.key != "dependsOn")
        issues_.error(key_path(item_path, e.key), e.key_pos(),
                      "unknown property '" + e.key + "': a Dag entry has only 'task' and 'dependsOn'");
    const auto* task_entry = find_entry(entries, "task");
    if (!task_entry || is_null(task_entry->value)) {
      issues_.error(key_path(item_path, "task"), position_of(item), "missing required property 'task'");
      continue;
    }
    auto parsed = task(task_entry->value, key_path(item_path, "task"));
    if (!parsed) continue;
    Value& depends = dependencies.back()["dependsOn"];
    if (const auto* depends_entry = find_entry(entries, "dependsOn"); depends_entry && !is_null(depends_entry->value)) {
      const auto& node = depends_entry->value;
      bool ids =
          node.IsSequence() && std::all_of(node.begin(), node.end(), [](const YAML::Node& n) { return n.IsScalar(); });
      if (!ids)
        issues_.error(key_path(item_path, "dependsOn"), depends_entry->value_pos(),
                      "'dependsOn' must be a list of task ids, not " + describe(node));
      else
        for (const auto& id : node) depends.push_back(id.Scalar());
    }
    dependencies.back()["id"] = parsed->id;
    branch.tasks.push_back(std::move(*parsed));
  }
  out.values[spec.name] = std::move(dependencies);
  out.branches.push_back(std::move(branch));
}

std::vector<ConditionDef> DefinitionParser::conditions(const YAML::Node& node, const std::string& path, SourcePos pos) {
  std::vector<ConditionDef> out;
  if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i)
      if (auto parsed = condition(node[i], index_path(path, i))) out.push_back(std::move(*parsed));
  } else if (node.IsMap()) {
    for (const auto& item : entries_of(node)) {
      if (auto parsed = condition(item.value, key_path(path, item.key))) {
        parsed->key = item.key;
        out.push_back(std::move(*parsed));
      }
    }
  } else if (!is_null(node)) {
    issues_.error(path, pos, "expected a list of conditions, not " + describe(node));
  }
  return out;
}

std::optional<ConditionDef> DefinitionParser::condition(const YAML::Node& node, const std::string& path) {
  auto pos = position_of(node);
  if (!node.IsMap()) {
    issues_.error(path, pos, "a condition must be a mapping with a type, not " + describe(node));
    return std::nullopt;
  }
  auto entries = entries_of(node);
  const auto* schema = schema_of(PluginKind::Condition, entries, path, pos);
  if (!schema) return std::nullopt;
  std::vector<MappingEntry> own;
  std::copy_if(entries.begin(), entries.end(), std::back_inserter(own), [](const auto& e) { return e.key != "type"; });
  auto parsed = properties(*schema, own, path, pos);
  check(*schema, parsed.values, node, path);
  ConditionDef condition;
  condition.type = schema->name;
  condition.properties = std::move(parsed.values);
  condition.conditions = std::move(parsed.conditions);
  condition.path = path;
  condition.pos = pos;
  return condition;
}

}  // namespace runwatch
