#pragma once
// Reading yaml-cpp nodes: positions, mapping entries in file order, and conversion to
// Value with the scalar typing Kestra's YAML reader (Jackson over SnakeYAML) applies.
#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <vector>

#include "runwatch/model/error.h"
#include "runwatch/model/flow.h"
#include "runwatch/model/value.h"

namespace runwatch {

// 1-based position of a node; `fallback` when yaml-cpp has none (empty values).
SourcePos position_of(const YAML::Node& node, SourcePos fallback = {});

// One `key: value` of a mapping. yaml-cpp keeps duplicate keys, so entries may repeat.
struct MappingEntry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
  SourcePos key_pos() const { return position_of(key_node); }
  // The value's position; the key's for a null value, which yaml-cpp places at the next token.
  SourcePos value_pos() const { return value.IsNull() ? key_pos() : position_of(value, key_pos()); }
};

std::vector<MappingEntry> entries_of(const YAML::Node& mapping);
// The first entry with that key, or nullptr.
const MappingEntry* find_entry(const std::vector<MappingEntry>& entries, std::string_view key);

// The position of the value at a property path below a mapping ("a.b[1].c"); where the
// path leaves the document (a missing property), that of the deepest value it reaches.
SourcePos position_at(const YAML::Node& mapping, std::string_view path, SourcePos fallback);

// A value that cannot be read (a number out of range), where it is written.
class YamlValueError : public Error {
 public:
  YamlValueError(SourcePos pos, const std::string& message) : Error(message), pos_(pos) {}
  SourcePos pos() const { return pos_; }

 private:
  SourcePos pos_;
};

// A plain (unquoted) scalar is typed as Jackson types it: true/True/TRUE and
// false/False/FALSE are booleans (yes/no/on/off stay strings), YAML 1.1 integers and
// floats are numbers, null/~/empty are null. Quoted and block scalars stay strings.
// Throws YamlValueError for a number out of range.
Value to_value(const YAML::Node& node);

// Whether a value is null: an empty value, `null` or `~`.
bool is_null(const YAML::Node& node);
// A scalar's text; empty for anything else.
std::string scalar_text(const YAML::Node& node);
// A short name of the node's kind for messages: "a mapping", "a list", "a string", ...
std::string describe(const YAML::Node& node);

}  // namespace runwatch
