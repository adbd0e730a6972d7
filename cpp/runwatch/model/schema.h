#pragma once
// The property schemas of plugin types (tasks, triggers, conditions), and the catalog
// interface through which the flow loader looks types up without depending on the
// modules that implement them.
#include <string>
#include <utility>
#include <vector>

#include "runwatch/model/value.h"

namespace runwatch {

enum class PluginKind { Task, Trigger, Condition };
std::string_view to_string(PluginKind kind);

enum class PropertyType {
  String,
  Integer,
  Number,
  Boolean,
  Duration,    // ISO-8601 text such as PT5M
  State,       // one of Kestra's state names
  List,        // a list of any values
  StringList,  // a list of strings (a single string is accepted as a one-item list)
  StateList,   // a list of state names
  Map,         // a mapping of any values
  Any,         // anything, including a JSON text
  Tasks,       // a list of task definitions (flowable tasks' children)
  TaskMap,     // a mapping of names to task lists (Switch cases)
  DagTasks,    // a list of {task, dependsOn} (Dag): the tasks become a branch, the
               // dependencies the property's value ([{id, dependsOn}] in the same order)
  Conditions,  // a list of condition definitions
  Inputs,      // a list of input declarations, as a flow's `inputs` (Pause's onResume)
};
std::string_view to_string(PropertyType type);

struct PropertySpec {
  std::string name;
  PropertyType type = PropertyType::String;
  bool required = false;
  std::string description;
  Value default_value = nullptr;            // null: no default
  std::vector<std::string> allowed_values;  // for String: an enumeration (case-sensitive)
  // The value is a JSON document (a webhook payload): values its templates print inside
  // JSON strings are escaped for them.
  bool json_document = false;
};

// A problem a type's own check finds in its properties. `path` is relative to the
// definition ("preconditions.flows[0].namespace"); empty for the definition itself.
struct PropertyProblem {
  std::string path;
  std::string message;
  bool operator==(const PropertyProblem&) const = default;
};
// Checks a definition's properties (each already of its declared type) for what their
// types cannot say: a cron expression, a time zone, a time window's fields.
using PropertiesCheck = std::vector<PropertyProblem> (*)(const Value& properties);

struct TypeSchema {
  PluginKind kind = PluginKind::Task;
  std::string name;                  // full Kestra name
  std::vector<std::string> aliases;  // other names that resolve to this type
  std::string description;
  std::vector<PropertySpec> properties;
  // At least one of these properties must be given and non-empty (Switch: cases or
  // defaults). Empty: no such rule.
  std::vector<std::string> requires_any;
  PropertiesCheck check = nullptr;  // null: no such rules
  // Keys refused with a reason rather than as unknown ones: {key, why} (the Alert
  // trigger's `for`, a duration elsewhere, where it counts executions).
  std::vector<std::pair<std::string, std::string>> refused_properties;
  // What runwatch does otherwise than a definition asks while still accepting it (a
  // container image for a task it runs as a local process): the engine writes each
  // notice once to the server log (WARN, on the logger named after the type) when it
  // installs a flow holding the definition. Null: none.
  PropertiesCheck notices = nullptr;
  bool notifier = false;            // delivers notifications (and counts them in notification.*)
  bool flowable = false;            // decides its child task runs rather than running on a worker
  // Its child tasks must all run on a worker, none flowable (WorkingDirectory's).
  bool runnable_children_only = false;
  // Starts an execution of the flow its `namespace` and `flowId` name (Subflow): the
  // loader refuses one that names its own flow.
  bool starts_flow = false;
  // Run only as another type's internal task (Kestra's internal plugins): never written in
  // a flow, not in the plugin reference.
  bool internal = false;
  // Children the type always has, whatever the definition says (ForEachItem's three
  // steps): each's id is the task's own followed by `suffix`, its properties the task's
  // `properties` (those given). They make the task's `tasks` branch.
  struct InternalTask {
    std::string suffix;
    std::string type;
    std::vector<std::string> properties;
  };
  std::vector<InternalTask> internal_tasks;

  const PropertySpec* property(std::string_view name) const {
    for (const auto& p : properties)
      if (p.name == name) return &p;
    return nullptr;
  }
};

// Lookup of plugin schemas by name or alias.
class TypeCatalog {
 public:
  virtual ~TypeCatalog() = default;
  virtual const TypeSchema* find(PluginKind kind, std::string_view name) const = 0;
  // Every name and alias of that kind (for "did you mean" suggestions).
  virtual std::vector<std::string> names(PluginKind kind) const = 0;
};

}  // namespace runwatch
