#include "runwatch/model/schema.h"

namespace runwatch {

std::string_view to_string(PluginKind kind) {
  switch (kind) {
    case PluginKind::Task: return "task";
    case PluginKind::Trigger: return "trigger";
    case PluginKind::Condition: return "condition";
  }
  return "?";
}

std::string_view to_string(PropertyType type) {
  switch (type) {
    case PropertyType::String: return "string";
    case PropertyType::Integer: return "integer";
    case PropertyType::Number: return "number";
    case PropertyType::Boolean: return "boolean";
    case PropertyType::Duration: return "duration";
    case PropertyType::State: return "state";
    case PropertyType::List: return "list";
    case PropertyType::StringList: return "list of strings";
    case PropertyType::StateList: return "list of states";
    case PropertyType::Map: return "map";
    case PropertyType::Any: return "any";
    case PropertyType::Tasks: return "list of tasks";
    case PropertyType::TaskMap: return "map of task lists";
    case PropertyType::DagTasks:
      return "list of tasks with their dependencies";
    case PropertyType::Conditions: return "list of conditions";
    case PropertyType::Inputs:
      return "list of inputs";
  }
  return "?";
}

}  // namespace runwatch
