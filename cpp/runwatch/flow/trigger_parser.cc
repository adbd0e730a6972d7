// Trigger definitions: common properties, then the type's own.

#include "runwatch/flow/labels_parser.h"
#include "runwatch/flow/parser.h"
#include "runwatch/flow/path.h"
#include "runwatch/model/identifier.h"

namespace runwatch {
namespace {

// Properties every Kestra trigger has, besides id, type, description and disabled.
const std::vector<PropertySpec>& common_trigger_properties() {
  static const std::vector<PropertySpec> specs = {
      {.name = "conditions",
       .type = PropertyType::Conditions,
       .description = "Conditions that must all hold for the trigger to fire."},
      {.name = "stopAfter",
       .type = PropertyType::StateList,
       .description = "Disables the trigger once an execution it started ends in one of these states."},
      {.name = "logLevel",
       .type = PropertyType::String,
       .description = "The minimum level of the trigger's logs.",
       .allowed_values = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"}},
      {.name = "logToFile",
       .type = PropertyType::Boolean,
       .description = "Where Kestra stores the trigger's logs; runwatch keeps them alike."},
  };
  return specs;
}

std::string key_at(const MappingEntry& entry) {
  auto pos = entry.key_pos();
  return "`" + entry.key + "` (line " + std::to_string(pos.line) + ", column " + std::to_string(pos.column) + ")";
}

// Kestra 2.0 replaced a trigger's `conditions` and `preconditions` with `when` and
// `dependsOn`; one trigger never mixes the two (Kestra 2.0 refuses the old keys, its
// intermediate builds ANDed them).
void refuse_mixed_generations(const TypeSchema& schema, const std::vector<MappingEntry>& entries,
                              const std::string& path, IssueList& issues) {
  if (!schema.property("dependsOn")) return;
  const MappingEntry* old = nullptr;
  const MappingEntry* current = nullptr;
  for (const auto& entry : entries) {
    bool is_old = entry.key == "conditions" || entry.key == "preconditions";
    bool is_current = entry.key == "dependsOn" || entry.key == "window" || entry.key == "mode" ||
                      entry.key == "minSatisfied" || entry.key == "when";
    if (is_old && !old) old = &entry;
    if (is_current && !current) current = &entry;
  }
  if (old && current)
    issues.error(key_path(path, current->key), current->key_pos(),
                 key_at(*current) + " is a Kestra 2.0 key and " + key_at(*old) +
                     " a 1.x one: a trigger takes one or the other (2.0 replaces `conditions` with `when` and "
                     "`preconditions` with `dependsOn`, `window` and `mode`)");
}

TypeSchema with_common_properties(const TypeSchema& schema) {
  TypeSchema out = schema;
  for (const auto& spec : common_trigger_properties())
    if (!out.property(spec.name)) out.properties.push_back(spec);
  return out;
}

}  // namespace

std::optional<TriggerDef> DefinitionParser::trigger(const YAML::Node& node, const std::string& path) {
  auto pos = position_of(node);
  if (!node.IsMap()) {
    issues_.error(path, pos, "a trigger must be a mapping with an id and a type, not " + describe(node));
    return std::nullopt;
  }
  TriggerDef trigger;
  trigger.path = path;
  trigger.pos = pos;
  auto entries = entries_of(node);
  if (const auto* id = find_entry(entries, "id"); !id || is_null(id->value)) {
    issues_.error(key_path(path, "id"), id ? id->value_pos() : pos, "missing required property 'id'");
  } else {
    trigger.id = scalar_text(id->value);
    if (!is_identifier(trigger.id))
      issues_.error(key_path(path, "id"), id->value_pos(),
                    "invalid trigger id '" + shortened(trigger.id) + "': it must match ^[a-zA-Z0-9][a-zA-Z0-9_-]*$");
  }

  const auto* schema = schema_of(PluginKind::Trigger, entries, path, pos);
  std::vector<MappingEntry> own;
  for (const auto& entry : entries) {
    if (entry.key == "id" || entry.key == "type" || entry.key == "version") continue;
    if (entry.key == "description") trigger.description = text(entry, path);
    else if (entry.key == "disabled") trigger.disabled = literal_bool(entry, path).value_or(false);
    else if (entry.key == "labels")
      trigger.labels = parse_labels(entry, issues_, path);
    else if (entry.key == "workerGroup") not_supported(entry, path, "worker groups are an Enterprise Edition feature of Kestra");
    else own.push_back(entry);
  }
  if (!schema) return trigger;
  refuse_mixed_generations(*schema, entries, path, issues_);
  auto parsed = properties(with_common_properties(*schema), own, path, pos);
  check(*schema, parsed.values, node, path);
  trigger.type = schema->name;
  trigger.properties = std::move(parsed.values);
  trigger.conditions = std::move(parsed.conditions);
  return trigger;
}

}  // namespace runwatch
