#include "runwatch/flow/input_parser.h"

#include <map>
#include <set>

#include "runwatch/flow/path.h"
#include "runwatch/flow/suggest.h"
#include "runwatch/flow/value_checks.h"
#include "runwatch/model/identifier.h"

namespace runwatch {
namespace {

PropertySpec spec(const char* name, PropertyType type, bool required = false) {
  return {.name = name, .type = type, .required = required};
}

// Each input type with the properties it adds to the common ones.
const std::map<std::string, std::vector<PropertySpec>, std::less<>>& input_types() {
  using T = PropertyType;
  static const std::map<std::string, std::vector<PropertySpec>, std::less<>> types = {
      {"STRING", {spec("validator", T::String)}},
      {"SECRET", {spec("validator", T::String)}},
      {"ENUM", {spec("values", T::StringList, true)}},
      {"SELECT",
       {spec("values", T::StringList), spec("expression", T::String), spec("allowCustomValue", T::Boolean),
        spec("isRadio", T::Boolean), spec("autoSelectFirst", T::Boolean)}},
      {"MULTISELECT",
       {spec("values", T::StringList), spec("options", T::StringList), spec("expression", T::String),
        spec("itemType", T::String), spec("allowCustomValue", T::Boolean), spec("autoSelectFirst", T::Boolean)}},
      {"INT", {spec("min", T::Integer), spec("max", T::Integer)}},
      {"FLOAT", {spec("min", T::Number), spec("max", T::Number)}},
      {"BOOLEAN", {}},
      {"BOOL", {}},  // Kestra 1.0's name of the same input
      {"DATETIME", {spec("after", T::String), spec("before", T::String)}},
      {"DATE", {spec("after", T::String), spec("before", T::String)}},
      {"TIME", {spec("after", T::String), spec("before", T::String)}},
      {"DURATION", {spec("min", T::Duration), spec("max", T::Duration)}},
      {"FILE", {spec("extension", T::String), spec("allowedFileExtensions", T::StringList)}},
      {"JSON", {}},
      {"URI", {}},
      {"ARRAY", {spec("itemType", T::String, true)}},
      {"YAML", {}},
      {"EMAIL", {}},
  };
  return types;
}

// Properties of every input type besides id, name, type, required and defaults.
const std::vector<PropertySpec>& common_properties() {
  static const std::vector<PropertySpec> specs = {
      spec("description", PropertyType::String), spec("displayName", PropertyType::String),
      // What Kestra's UI form shows at first; never a default.
      spec("prefill", PropertyType::Any), spec("dependsOn", PropertyType::Map)};
  return specs;
}

// Kestra's ArrayInputValidator: items cannot themselves be lists or choices.
const std::set<std::string, std::less<>>& forbidden_item_types() {
  static const std::set<std::string, std::less<>> types = {"ARRAY", "SECRET", "MULTISELECT", "SELECT"};
  return types;
}

std::vector<std::string> type_names() {
  std::vector<std::string> out;
  for (const auto& [name, specs] : input_types()) out.push_back(name);
  return out;
}

class InputParser {
 public:
  InputParser(IssueList& issues, bool outputs) : issues_(issues), outputs_(outputs) {}

  std::optional<InputDef> parse(const YAML::Node& node, const std::string& path);

 private:
  void id(InputDef& input, const std::vector<MappingEntry>& entries);
  const std::vector<PropertySpec>* type(InputDef& input, const std::vector<MappingEntry>& entries);
  void property(InputDef& input, const MappingEntry& entry, const std::vector<PropertySpec>* type_specs);
  void type_rules(const InputDef& input, const std::vector<MappingEntry>& entries);

  IssueList& issues_;
  const bool outputs_;  // a flow's outputs: `value` instead of `defaults`
};

std::optional<InputDef> InputParser::parse(const YAML::Node& node, const std::string& path) {
  InputDef input;
  input.path = path;
  input.pos = position_of(node);
  if (!node.IsMap()) {
    issues_.error(path, input.pos, "an input must be a mapping with an id and a type, not " + describe(node));
    return std::nullopt;
  }
  auto entries = entries_of(node);
  id(input, entries);
  const auto* type_specs = type(input, entries);
  for (const auto& entry : entries) property(input, entry, type_specs);
  if (outputs_ && !find_entry(entries, "value"))
    issues_.error(key_path(path, "value"), input.pos, "missing required property 'value'");
  if (type_specs) {
    for (const auto& s : *type_specs)
      if (s.required && !outputs_ && !find_entry(entries, s.name))  // an output is typed by its type alone
        issues_.error(key_path(path, s.name), input.pos,
                      "missing required property '" + s.name + "' of an input of type " + input.type);
    type_rules(input, entries);
  }
  return input;
}

void InputParser::id(InputDef& input, const std::vector<MappingEntry>& entries) {
  // `name` is Kestra's deprecated spelling of `id`.
  const auto* id = find_entry(entries, "id");
  if (!id) id = find_entry(entries, "name");
  if (!id || is_null(id->value)) {
    issues_.error(key_path(input.path, "id"), input.pos, "missing required property 'id'");
    return;
  }
  input.id = scalar_text(id->value);
  if (!is_identifier(input.id, {false, "._-"}))
    issues_.error(key_path(input.path, id->key), id->value_pos(),
                  "invalid input id '" + shortened(input.id) + "': it must match ^[a-zA-Z0-9][.a-zA-Z0-9_-]*$");
}

const std::vector<PropertySpec>* InputParser::type(InputDef& input, const std::vector<MappingEntry>& entries) {
  const auto* type = find_entry(entries, "type");
  if (!type || is_null(type->value)) {
    issues_.error(key_path(input.path, "type"), type ? type->value_pos() : input.pos,
                  "missing required property 'type' (" + comma_joined(type_names()) + ")");
    return nullptr;
  }
  input.type = scalar_text(type->value);
  auto it = input_types().find(input.type);
  if (it == input_types().end()) {
    issues_.error(key_path(input.path, "type"), type->value_pos(),
                  "unknown input type '" + input.type + "'" + did_you_mean(closest_names(input.type, type_names())));
    return nullptr;
  }
  return &it->second;
}

void InputParser::property(InputDef& input, const MappingEntry& entry, const std::vector<PropertySpec>* type_specs) {
  const auto& key = entry.key;
  auto path = key_path(input.path, key);
  if (key == "id" || key == "name" || key == "type") return;
  if (key == "required") {
    auto value = to_value(entry.value);
    if (value.is_boolean()) input.required = value.get<bool>();
    else issues_.error(path, entry.value_pos(), "'required' must be true or false, not " + describe(entry.value));
    return;
  }
  if (outputs_ && key == "value") {
    input.properties["value"] = to_value(entry.value);
    return;
  }
  if (!outputs_ && key == "defaults") {
    if (!is_null(entry.value)) input.defaults = to_value(entry.value);
    return;
  }
  const PropertySpec* found = nullptr;
  for (const auto& s : common_properties())
    if (s.name == key) found = &s;
  if (type_specs)
    for (const auto& s : *type_specs)
      if (s.name == key) found = &s;
  if (!found) {
    if (!type_specs) return;  // the type is already reported: its properties are unknowable
    std::vector<std::string> names = {"id", "type", "required", outputs_ ? "value" : "defaults"};
    for (const auto& s : common_properties()) names.push_back(s.name);
    for (const auto& s : *type_specs) names.push_back(s.name);
    issues_.error(path, entry.key_pos(),
                  "unknown property '" + key + "' of an input of type " + input.type + did_you_mean(closest_names(key, names)));
    return;
  }
  if (is_null(entry.value)) return;
  if (auto error = type_error(*found, entry.value); !error.empty()) {
    issues_.error(path, entry.value_pos(), error);
    return;
  }
  if (key == "description") input.description = entry.value.Scalar();
  else input.properties[key] = to_value(entry.value);
}

void InputParser::type_rules(const InputDef& input, const std::vector<MappingEntry>& entries) {
  if (const auto* validator = find_entry(entries, "validator"); validator && validator->value.IsScalar()) {
    if (auto error = regex_error(validator->value.Scalar()); !error.empty())
      issues_.error(key_path(input.path, "validator"), validator->value_pos(),
                    "invalid regular expression '" + validator->value.Scalar() + "': " + error);
  }
  if (input.type == "ARRAY") {
    if (const auto* item = find_entry(entries, "itemType"); item && item->value.IsScalar()) {
      const auto& item_type = item->value.Scalar();
      if (forbidden_item_types().count(item_type) || !input_types().count(item_type))
        issues_.error(key_path(input.path, "itemType"), item->value_pos(), "`itemType` cannot be " + item_type);
    }
  }
  // Kestra's FileInputValidator: a FILE default names a local (file://) or namespace
  // (nsfile://) file.
  if (input.type == "FILE" && input.defaults) {
    const auto* defaults = find_entry(entries, "defaults");
    auto text = input.defaults->is_string() ? input.defaults->get<std::string>() : std::string();
    if (!text.starts_with("file://") && !text.starts_with("nsfile://"))
      issues_.error(key_path(input.path, "defaults"), defaults->value_pos(),
                    "inputs of type 'FILE' only support `defaults` as local files using a file URI or as "
                    "namespace files using a nsfile URI");
  }
}

}  // namespace

namespace {

std::vector<InputDef> parse_declarations(const MappingEntry& entry, IssueList& issues, const std::string& path,
                                         bool outputs) {
  std::vector<InputDef> out;
  if (is_null(entry.value)) return out;
  if (!entry.value.IsSequence()) {
    issues.error(
        path, entry.value_pos(),
        "'" + entry.key + "' must be a list of " + (outputs ? "outputs" : "inputs") + ", not " + describe(entry.value));
    return out;
  }
  InputParser parser(issues, outputs);
  std::map<std::string, size_t> first_index;
  for (size_t i = 0; i < entry.value.size(); ++i) {
    auto input = parser.parse(entry.value[i], index_path(path, i));
    if (!input) continue;
    if (!input->id.empty() && !first_index.emplace(input->id, i).second)
      issues.error(key_path(input->path, "id"), input->pos,
                   std::string("duplicate ") + (outputs ? "output" : "input") + " id '" + input->id +
                       "' (first declared at " + path + "[" + std::to_string(first_index[input->id]) + "])");
    out.push_back(std::move(*input));
  }
  return out;
}

}  // namespace

std::vector<InputDef> parse_inputs(const MappingEntry& entry, IssueList& issues, const std::string& path) {
  return parse_declarations(entry, issues, path, false);
}

std::vector<InputDef> parse_outputs(const MappingEntry& entry, IssueList& issues) {
  return parse_declarations(entry, issues, "outputs", true);
}

}  // namespace runwatch
