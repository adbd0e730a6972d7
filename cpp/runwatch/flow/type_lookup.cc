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

// How far a package may be from one runwatch has and still be read as a typo of it.
constexpr size_t kPackageTypos = 2;

std::string_view class_of(std::string_view name) {
  auto dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

// The first (closest) of the names each type has among `names`: a type is suggested once,
// under the name nearest to what was written.
std::vector<std::string> one_name_per_type(const TypeCatalog& catalog, PluginKind kind,
                                           const std::vector<std::string>& names) {
  std::vector<std::string> out;
  std::vector<const TypeSchema*> seen;
  for (const auto& name : names) {
    const TypeSchema* schema = catalog.find(kind, name);
    if (std::find(seen.begin(), seen.end(), schema) != seen.end()) continue;
    seen.push_back(schema);
    out.push_back(name);
  }
  return out;
}

}  // namespace

TypeLookup lookup_type(const TypeCatalog& catalog, PluginKind kind, std::string_view name) {
  if (const auto* schema = catalog.find(kind, name)) return {schema, ""};

  // Names and aliases: a suggestion keeps the generation of names the flow was written in.
  const auto known = catalog.names(kind);

  // A package runwatch has, or one a typo away from it (`core.flows` for `core.flow`): the
  // name was meant for a type runwatch has. Any other package may hold real Kestra types.
  auto package = package_of(name);
  bool package_near = std::any_of(known.begin(), known.end(), [&](const std::string& k) {
    return edit_distance(package_of(k), package) <= kPackageTypos;
  });
  std::string kind_name(to_string(kind));
  auto unknown = [&](const std::vector<std::string>& suggestions) {
    return TypeLookup{nullptr,
                      "unknown " + kind_name + " type '" + std::string(name) + "'" + did_you_mean(suggestions)};
  };
  if (package_near) {
    std::vector<std::string> same_class;
    for (const auto& k : known)
      if (class_of(k) == class_of(name) && edit_distance(package_of(k), package) <= kPackageTypos)
        same_class.push_back(k);
    if (!same_class.empty()) return unknown(same_class);  // the right class, its package misspelt
    bool kestra_type = name.starts_with("io.kestra.") && is_kestra_class_name(class_of(name));
    if (!kestra_type) return unknown(one_name_per_type(catalog, kind, closest_names(name, known)));
  }
  return {nullptr, "unsupported " + kind_name + " type '" + std::string(name) + "' (not implemented by runwatch)"};
}

}  // namespace runwatch
