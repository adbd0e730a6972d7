#include "runwatch/flow/type_lookup.h"

#include <algorithm>
#include <set>

#include "runwatch/flow/suggest.h"

namespace runwatch {
namespace {

// The class names of Kestra's own plugin types (core tasks, triggers, conditions), so
// that one runwatch lacks reads as unsupported rather than misspelt.
bool is_kestra_class_name(std::string_view simple_name) {
  static const std::set<std::string, std::less<>> names = {
      // flow
      "AllowFailure", "Dag", "EachParallel", "EachSequential", "Flow", "ForEach", "ForEachItem", "If", "LoopUntil",
      "Parallel", "Pause", "Sequential", "Sleep", "Subflow", "Switch", "Template", "WaitFor", "WorkingDirectory",
      // execution, debug, log, output
      "Assert", "Count", "Exit", "Fail", "Labels", "PurgeExecutions", "Resume", "SetVariables", "UnsetVariables",
      "Echo", "Return", "Fetch", "Log", "PurgeLogs", "OutputValues",
      // state, storage, kv, namespace, http, templating, runner
      "Delete", "Get", "Set", "Concat", "DeduplicateItems", "FilterItems", "LocalFiles", "PurgeCurrentExecutionFiles",
      "PurgeExecution", "Reverse", "Size", "Split", "Write", "GetKeys", "PurgeKV", "DeleteFiles", "DownloadFiles",
      "UploadFiles", "Download", "Request", "SseRequest", "Trigger", "TemplatedTask", "Process",
      // triggers
      "Schedule", "ScheduleOnDates", "Toggle", "Webhook",
      // conditions
      "PublicHoliday", "PublicHolidayCondition", "ExecutionsCondition", "AdvancedExecutionsCondition",
      "FlowCondition", "FlowNamespaceCondition"};
  return names.count(simple_name) > 0;
}

std::string_view package_of(std::string_view name) {
  auto dot = name.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : name.substr(0, dot);
}

std::string_view class_of(std::string_view name) {
  auto dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

}  // namespace

TypeLookup lookup_type(const TypeCatalog& catalog, PluginKind kind, std::string_view name) {
  if (const auto* schema = catalog.find(kind, name)) return {schema, ""};

  auto known = catalog.names(kind);
  auto package = package_of(name);
  bool package_known = std::any_of(known.begin(), known.end(), [&](const auto& k) { return package_of(k) == package; });
  bool kestra_type = name.starts_with("io.kestra.") && is_kestra_class_name(class_of(name));
  std::string kind_name(to_string(kind));
  if (!package_known || kestra_type)
    return {nullptr, "unsupported " + kind_name + " type '" + std::string(name) + "' (not implemented by runwatch)"};

  std::vector<std::string> canonical;
  for (const auto& k : known)
    if (const auto* schema = catalog.find(kind, k)) canonical.push_back(schema->name);
  return {nullptr, "unknown " + kind_name + " type '" + std::string(name) + "'" + did_you_mean(closest_names(name, canonical))};
}

}  // namespace runwatch
