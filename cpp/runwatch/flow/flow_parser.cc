#include "runwatch/flow/flow_parser.h"

#include <map>

#include "runwatch/flow/input_parser.h"
#include "runwatch/flow/labels_parser.h"
#include "runwatch/flow/parser.h"
#include "runwatch/flow/path.h"
#include "runwatch/flow/plugin_defaults.h"
#include "runwatch/flow/sla_parser.h"
#include "runwatch/flow/suggest.h"
#include "runwatch/model/identifier.h"

namespace runwatch {
namespace {

// Keys Kestra accepts whose behaviour runwatch lacks. Ignoring them would change what
// the flow does, so they are refused with the reason.
const std::map<std::string, std::string, std::less<>>& unsupported_keys() {
  static const std::map<std::string, std::string, std::less<>> keys = {
      {"listeners", "deprecated in Kestra; use a flow with a Flow trigger"},
      {"workerGroup", "worker groups are an Enterprise Edition feature of Kestra"},
      {"workerSelector", "worker groups are an Enterprise Edition feature of Kestra"},
  };
  return keys;
}

// Keys Kestra accepts that describe the stored flow, not its behaviour.
bool is_tolerated(std::string_view key) { return key == "deleted" || key == "tenantId" || key == "updated"; }

// Keys read before the flow is built (apply_plugin_defaults).
bool is_read_before(std::string_view key) { return is_plugin_defaults_key(key); }

const std::vector<std::string>& known_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out = {"id",           "namespace",   "revision", "description", "labels",
                                    "inputs",       "variables",   "tasks",    "errors",      "triggers",
                                    "disabled",     "deleted",     "tenantId", "updated",     "pluginDefaults",
                                    "taskDefaults", "concurrency", "outputs",  "finally",     "afterExecution",
                                    "sla",          "retry"};
    for (const auto& [key, why] : unsupported_keys()) out.push_back(key);
    return out;
  }();
  return keys;
}

class FlowBuilder {
 public:
  FlowBuilder(const TypeCatalog& catalog, IssueList& issues, const TemplateScan* scan)
      : catalog_(catalog), issues_(issues), parser_(catalog, issues, scan) {}

  std::shared_ptr<Flow> build(const YAML::Node& root) {
    auto flow = std::make_shared<Flow>();
    auto pos = position_of(root, {1, 1});
    if (!root.IsMap()) {
      issues_.error("", pos, is_null(root) ? "the file is empty: a flow needs an id, a namespace and tasks"
                                           : "a flow must be a YAML mapping, not " + describe(root));
      return flow;
    }
    auto entries = entries_of(root);
    identity(*flow, entries, pos);
    for (const auto& entry : entries) property(*flow, entry);
    if (!find_entry(entries, "tasks"))
      issues_.error("tasks", pos, "missing required property 'tasks': a flow needs at least one task");
    parser_.report_duplicate_task_ids();
    refuse_recursive_subflows(*flow);
    return flow;
  }

 private:
  void identity(Flow& flow, const std::vector<MappingEntry>& entries, SourcePos pos) {
    flow.id = required_text(entries, "id", pos);
    flow.ns = required_text(entries, "namespace", pos);
    if (const auto* id = find_entry(entries, "id"); id && !is_null(id->value) &&
        (!is_identifier(flow.id, {false, "._-"}) || flow.id.size() > 100))
      issues_.error("id", id->value_pos(),
                    "invalid flow id '" + shortened(flow.id) + "': it must match ^[a-zA-Z0-9][a-zA-Z0-9._-]*$ and have at most 100 characters");
    if (const auto* ns = find_entry(entries, "namespace"); ns && !is_null(ns->value) &&
        (!is_identifier(flow.ns, {true, "._-"}) || flow.ns.size() > 150))
      issues_.error("namespace", ns->value_pos(),
                    "invalid namespace '" + shortened(flow.ns) + "': it must match ^[a-z0-9][a-z0-9._-]*$ and have at most 150 characters");
  }

  std::string required_text(const std::vector<MappingEntry>& entries, const std::string& key, SourcePos pos) {
    const auto* entry = find_entry(entries, key);
    if (!entry || is_null(entry->value)) {
      issues_.error(key, entry ? entry->value_pos() : pos, "missing required property '" + key + "'");
      return "";
    }
    if (!entry->value.IsScalar()) {
      issues_.error(key, entry->value_pos(), "'" + key + "' must be a string, not " + describe(entry->value));
      return "";
    }
    return entry->value.Scalar();
  }

  std::string optional_text(const MappingEntry& entry) {
    if (!entry.value.IsScalar() && !is_null(entry.value))
      issues_.error(entry.key, entry.value_pos(), "'" + entry.key + "' must be a string, not " + describe(entry.value));
    return scalar_text(entry.value);
  }

  void property(Flow& flow, const MappingEntry& entry) {
    const auto& key = entry.key;
    if (key == "id" || key == "namespace" || is_tolerated(key) || is_read_before(key)) return;
    if (key == "tasks") tasks(flow, entry);
    else if (key == "description") flow.description = optional_text(entry);
    else if (key == "revision") revision(flow, entry);
    else if (key == "labels") flow.labels = parse_labels(entry, issues_);
    else if (key == "inputs") flow.inputs = parse_inputs(entry, issues_);
    else if (key == "variables") variables(flow, entry);
    else if (key == "errors") flow.errors = parser_.tasks(entry.value, "errors", entry.value_pos());
    else if (key == "finally")
      flow.finally_tasks = parser_.tasks(entry.value, "finally", entry.value_pos());
    else if (key == "outputs")
      flow.outputs = parse_outputs(entry, issues_);
    else if (key == "afterExecution")
      flow.after_execution = parser_.tasks(entry.value, "afterExecution", entry.value_pos());
    else if (key == "sla")
      flow.slas = parse_slas(entry, issues_);
    else if (key == "retry")
      flow.retry = parser_.retry(entry, "");
    else if (key == "triggers") triggers(flow, entry);
    else if (key == "disabled") disabled(flow, entry);
    else if (key == "concurrency")
      concurrency(flow, entry);
    else if (auto it = unsupported_keys().find(key); it != unsupported_keys().end())
      issues_.error(key, entry.key_pos(), "'" + key + "' is not supported by runwatch (" + it->second + ")");
    else
      issues_.error(key, entry.key_pos(), "unknown property '" + key + "' of a flow" + did_you_mean(closest_names(key, known_keys())));
  }

  void revision(Flow& flow, const MappingEntry& entry) {
    auto value = to_value(entry.value);
    if (value.is_number_integer() && value.get<long long>() >= 1) flow.revision = value.get<int>();
    else issues_.error("revision", entry.value_pos(), "'revision' must be an integer of at least 1");
  }

  void variables(Flow& flow, const MappingEntry& entry) {
    if (entry.value.IsMap()) flow.variables = to_value(entry.value);
    else if (!is_null(entry.value))
      issues_.error("variables", entry.value_pos(), "'variables' must be a mapping, not " + describe(entry.value));
  }

  void disabled(Flow& flow, const MappingEntry& entry) {
    auto value = to_value(entry.value);
    if (value.is_boolean()) flow.disabled = value.get<bool>();
    else issues_.error("disabled", entry.value_pos(), "'disabled' must be true or false, not " + describe(entry.value));
  }

  // Kestra's Concurrency: limit (an integer of at least 1, required), behavior (QUEUE by default).
  void concurrency(Flow& flow, const MappingEntry& entry) {
    if (!entry.value.IsMap()) {
      issues_.error("concurrency", entry.value_pos(),
                    "'concurrency' must be a mapping with a limit and a behavior, not " + describe(entry.value));
      return;
    }
    ConcurrencyLimit limit;
    bool has_limit = false;
    for (const auto& field : entries_of(entry.value)) {
      const std::string path = key_path("concurrency", field.key);
      Value value = to_value(field.value);
      if (field.key == "limit") {
        has_limit = value.is_number_integer() && value.get<long long>() >= 1 && value.get<long long>() <= 1'000'000;
        if (has_limit)
          limit.limit = value.get<int>();
        else
          issues_.error(path, field.value_pos(),
                        "'limit' must be an integer from 1 to 1000000, not " +
                            (field.value.IsScalar() ? shortened(field.value.Scalar()) : describe(field.value)));
      } else if (field.key == "behavior") {
        const std::string text = scalar_text(field.value);
        if (text == "QUEUE")
          limit.behavior = ConcurrencyLimit::Behavior::Queue;
        else if (text == "CANCEL")
          limit.behavior = ConcurrencyLimit::Behavior::Cancel;
        else if (text == "FAIL")
          limit.behavior = ConcurrencyLimit::Behavior::Fail;
        else
          issues_.error(path, field.value_pos(),
                        "'behavior' must be one of QUEUE, CANCEL, FAIL, not '" + shortened(text) + "'");
      } else {
        issues_.error(path, field.key_pos(), "unknown property '" + field.key + "' of 'concurrency' (limit, behavior)");
      }
    }
    if (!find_entry(entries_of(entry.value), "limit"))
      issues_.error("concurrency.limit", entry.value_pos(), "missing required property 'limit'");
    if (has_limit) flow.concurrency = limit;
  }

  void triggers(Flow& flow, const MappingEntry& entry) {
    if (is_null(entry.value)) return;
    if (!entry.value.IsSequence()) {
      issues_.error("triggers", entry.value_pos(), "'triggers' must be a list of triggers, not " + describe(entry.value));
      return;
    }
    std::map<std::string, std::string> first_path;
    for (size_t i = 0; i < entry.value.size(); ++i) {
      auto trigger = parser_.trigger(entry.value[i], index_path("triggers", i));
      if (!trigger) continue;
      if (!trigger->id.empty() && !first_path.emplace(trigger->id, trigger->path).second)
        issues_.error(key_path(trigger->path, "id"), trigger->pos,
                      "duplicate trigger id '" + trigger->id + "' (first used at " + first_path[trigger->id] + ")");
      flow.triggers.push_back(std::move(*trigger));
    }
  }

  // As Kestra: a Subflow that starts its own flow would start it forever.
  void refuse_recursive_subflows(const Flow& flow) {
    for_each_task(flow, [&](const TaskDef& task) {
      const TypeSchema* schema = catalog_.find(PluginKind::Task, task.type);
      if (!schema || !schema->starts_flow) return;
      if (task.properties.value("namespace", Value()) == flow.ns && task.properties.value("flowId", Value()) == flow.id)
        issues_.error(key_path(task.path, "flowId"), task.pos,
                      "recursive call to flow '" + flow.key() + "': a Subflow cannot start the flow it belongs to");
    });
  }

  void tasks(Flow& flow, const MappingEntry& entry) {
    if (is_null(entry.value)) {
      issues_.error("tasks", entry.value_pos(), "missing required property 'tasks': a flow needs at least one task");
      return;
    }
    if (entry.value.IsSequence() && entry.value.size() == 0) {
      issues_.error("tasks", entry.value_pos(), "'tasks' must not be empty");
      return;
    }
    flow.tasks = parser_.tasks(entry.value, "tasks", entry.value_pos());
  }

  const TypeCatalog& catalog_;
  IssueList& issues_;
  DefinitionParser parser_;
};

}  // namespace

std::shared_ptr<Flow> build_flow(const YAML::Node& root, const TypeCatalog& catalog, IssueList& issues,
                                 const TemplateScan* scan) {
  return FlowBuilder(catalog, issues, scan).build(root);
}

}  // namespace runwatch
