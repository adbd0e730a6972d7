#include "runwatch/flow/plugin_defaults.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runwatch/flow/path.h"
#include "runwatch/model/json_text.h"
#include "runwatch/yaml/yaml_node.h"

namespace runwatch {
namespace {

struct PluginDefault {
  std::string type;  // a full type name or a prefix of some
  bool forced = false;
  YAML::Node values;  // a mapping
};

// Every name a plugin mapping's type goes by: as written, and the names of the type it
// resolves to.
std::vector<std::string> names_of(const std::string& written, const TypeCatalog& catalog) {
  std::vector<std::string> names = {written};
  for (PluginKind kind : {PluginKind::Task, PluginKind::Trigger, PluginKind::Condition})
    if (const TypeSchema* schema = catalog.find(kind, written)) {
      names.push_back(schema->name);
      names.insert(names.end(), schema->aliases.begin(), schema->aliases.end());
      break;
    }
  return names;
}

bool matches(const PluginDefault& d, const std::vector<std::string>& names) {
  for (const auto& name : names)
    if (name.starts_with(d.type)) return true;
  return false;
}

// The entry of `key` in a mapping, found without adding it (yaml-cpp's non-const [] would);
// its key node's mark is where the key is written.
struct Entry {
  YAML::Node key;
  YAML::Node value;
};
std::optional<Entry> entry_of(const YAML::Node& mapping, std::string_view key) {
  for (auto it = mapping.begin(); it != mapping.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return Entry{it->first, it->second};
  return std::nullopt;
}

// A new mapping holding the same entries: merging into it leaves the original alone.
YAML::Node shallow_copy(const YAML::Node& mapping) {
  YAML::Node copy(YAML::NodeType::Map);
  for (auto it = mapping.begin(); it != mapping.end(); ++it) copy.force_insert(it->first, it->second);
  return copy;
}

// Kestra's deepMerge into `target`: mappings merge key by key; otherwise the default's
// value is set when forced or when the target has none. A default's nodes are shared,
// not copied, so that their marks place any error where the default is written; so
// nothing here ever changes a node in place but `target`, and a mapping merged into is
// copied first (it may be a default's, shared with other plugins).
void merge(YAML::Node target, const YAML::Node& defaults, bool forced) {
  for (auto it = defaults.begin(); it != defaults.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    const std::string key = it->first.Scalar();
    auto existing = entry_of(target, key);
    if (existing && existing->value.IsMap() && it->second.IsMap()) {
      YAML::Node merged = shallow_copy(existing->value);
      merge(merged, it->second, forced);
      target.remove(key);
      target.force_insert(existing->key, merged);
    } else if (!existing) {
      target.force_insert(it->first, it->second);
    } else if (forced) {
      target.remove(key);
      target.force_insert(it->first, it->second);
    }
  }
}

class Applier {
 public:
  Applier(const TypeCatalog& catalog, std::vector<PluginDefault> defaults)
      : catalog_(catalog), defaults_(std::move(defaults)) {}

  void apply(YAML::Node node, bool top) {
    if (node.IsSequence()) {
      for (auto child : node) apply(child, false);
      return;
    }
    if (!node.IsMap()) return;
    for (auto it = node.begin(); it != node.end(); ++it)
      if (!(top && it->first.IsScalar() && is_plugin_defaults_key(it->first.Scalar()))) apply(it->second, false);
    auto type = entry_of(node, "type");
    if (top || !type || !type->value.IsScalar()) return;
    auto names = names_of(type->value.Scalar(), catalog_);
    for (const auto& d : defaults_)
      if (!d.forced && matches(d, names)) merge(node, d.values, false);
    // Forced ones go last, the most important (the flow's first) last of all.
    for (auto d = defaults_.rbegin(); d != defaults_.rend(); ++d)
      if (d->forced && matches(*d, names)) merge(node, d->values, true);
  }

 private:
  const TypeCatalog& catalog_;
  std::vector<PluginDefault> defaults_;
};

// The flow's defaults under `entry`, each checked.
void read_flow_defaults(const MappingEntry& entry, IssueList& issues, std::vector<PluginDefault>& out) {
  if (is_null(entry.value)) return;
  if (!entry.value.IsSequence()) {
    issues.error(entry.key, entry.value_pos(),
                 "'" + entry.key + "' must be a list of {type, values, forced}, not " + describe(entry.value));
    return;
  }
  for (size_t i = 0; i < entry.value.size(); ++i) {
    const YAML::Node& node = entry.value[i];
    const std::string path = index_path(entry.key, i);
    if (!node.IsMap()) {
      issues.error(path, position_of(node, entry.value_pos()),
                   "a plugin default must be a mapping with a type and values, not " + describe(node));
      continue;
    }
    PluginDefault d;
    bool ok = true;
    for (const auto& field : entries_of(node)) {
      const std::string field_path = key_path(path, field.key);
      if (field.key == "type" && field.value.IsScalar() && !is_null(field.value)) {
        d.type = field.value.Scalar();
      } else if (field.key == "forced" && to_value(field.value).is_boolean()) {
        d.forced = to_value(field.value).get<bool>();
      } else if (field.key == "values" && field.value.IsMap()) {
        d.values = field.value;
      } else if (field.key == "type" || field.key == "forced" || field.key == "values") {
        issues.error(field_path, field.value_pos(),
                     "'" + field.key + "' must be " +
                         (field.key == "type"     ? "a type name or a prefix of type names"
                          : field.key == "forced" ? "true or false"
                                                  : "a mapping of property values") +
                         ", not " + describe(field.value));
        ok = false;
      } else {
        issues.error(field_path, field.key_pos(),
                     "unknown property '" + field.key + "' of a plugin default (type, values, forced)");
        ok = false;
      }
    }
    for (const char* required : {"type", "values"})
      if (!find_entry(entries_of(node), required)) {
        issues.error(key_path(path, required), position_of(node),
                     std::string("missing required property '") + required + "'");
        ok = false;
      }
    if (ok) out.push_back(std::move(d));
  }
}

// Server defaults come from the configuration, already a Value: read as YAML, they merge
// like the flow's (without positions; the configuration checked their shape).
void read_server_defaults(const Value& list, std::vector<PluginDefault>& out) {
  if (!list.is_array()) return;
  for (const auto& item : list) {
    if (!item.is_object() || !item.contains("type") || !item["type"].is_string()) continue;
    PluginDefault d;
    d.type = item["type"].get<std::string>();
    d.forced = item.contains("forced") && item["forced"].is_boolean() && item["forced"].get<bool>();
    d.values = YAML::Load(dump_json(item.contains("values") ? item["values"] : Value::object()));
    if (d.values.IsMap()) out.push_back(std::move(d));
  }
}

}  // namespace

bool is_plugin_defaults_key(std::string_view key) { return key == "pluginDefaults" || key == "taskDefaults"; }

void apply_plugin_defaults(YAML::Node root, const Value& server_defaults, const TypeCatalog& catalog,
                           IssueList& issues) {
  if (!root.IsMap()) return;
  std::vector<PluginDefault> defaults;
  for (const auto& entry : entries_of(root))
    if (is_plugin_defaults_key(entry.key)) read_flow_defaults(entry, issues, defaults);
  read_server_defaults(server_defaults, defaults);
  if (defaults.empty()) return;
  Applier(catalog, std::move(defaults)).apply(root, true);
}

}  // namespace runwatch
