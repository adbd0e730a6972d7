#include "runwatch/flow/yaml_node.h"

#include <charconv>
#include <regex>

namespace runwatch {
namespace {

bool is_plain(const YAML::Node& node) { return node.Tag() == "?"; }

std::string without_underscores(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c != '_') out += c;
  return out;
}

// YAML 1.1 integers as SnakeYAML resolves them: decimal, 0x hex, 0 octal, 0b binary,
// with optional sign and underscores. Sexagesimal (1:30) is left as text.
std::optional<Value> plain_integer(const std::string& text) {
  static const std::regex pattern(
      "[-+]?(0b[01_]+|0[0-7_]+|0|[1-9][0-9_]*|0x[0-9a-fA-F_]+)");
  if (!std::regex_match(text, pattern)) return std::nullopt;
  bool negative = text[0] == '-';
  std::string digits = without_underscores(text[0] == '-' || text[0] == '+' ? text.substr(1) : text);
  int base = 10;
  if (digits.size() > 1 && digits[0] == '0') {
    if (digits[1] == 'x') base = 16, digits = digits.substr(2);
    else if (digits[1] == 'b') base = 2, digits = digits.substr(2);
    else base = 8, digits = digits.substr(1);
  }
  std::int64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    // Beyond 64 bits: Jackson makes a BigInteger; a double keeps the magnitude.
    return Value(std::stod(text));
  }
  return Value(negative ? -magnitude : magnitude);
}

std::optional<Value> plain_float(const std::string& text) {
  static const std::regex pattern("[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?");
  if (!std::regex_match(text, pattern)) return std::nullopt;
  return Value(std::stod(without_underscores(text)));
}

Value plain_scalar(const std::string& text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (auto integer = plain_integer(text)) return *integer;
  if (auto number = plain_float(text)) return *number;
  return text;
}

}  // namespace

SourcePos position_of(const YAML::Node& node, SourcePos fallback) {
  auto mark = node.Mark();
  if (mark.is_null() || mark.line < 0) return fallback;
  return {mark.line + 1, mark.column + 1};
}

std::vector<MappingEntry> entries_of(const YAML::Node& mapping) {
  std::vector<MappingEntry> out;
  if (!mapping.IsMap()) return out;
  for (auto it = mapping.begin(); it != mapping.end(); ++it)
    out.push_back({scalar_text(it->first), it->first, it->second});
  return out;
}

const MappingEntry* find_entry(const std::vector<MappingEntry>& entries, std::string_view key) {
  for (const auto& entry : entries)
    if (entry.key == key) return &entry;
  return nullptr;
}

SourcePos position_at(const YAML::Node& mapping, std::string_view path, SourcePos fallback) {
  YAML::Node node = mapping;
  SourcePos pos = position_of(mapping, fallback);
  while (!path.empty()) {
    if (path.front() == '[') {
      auto close = path.find(']');
      if (close == std::string_view::npos || !node.IsSequence()) break;
      size_t index = std::stoul(std::string(path.substr(1, close - 1)));
      if (index >= node.size()) break;
      const YAML::Node& list = node;  // the const operator[] never adds to the document
      node.reset(list[index]);        // and reset rebinds, where operator= would assign into it
      pos = position_of(node, pos);
      path.remove_prefix(close + 1);
    } else {
      if (path.front() == '.') path.remove_prefix(1);
      auto end = path.find_first_of(".[");
      auto entries = entries_of(node);
      const auto* entry = find_entry(entries, path.substr(0, end));
      if (!entry) break;
      pos = entry->value_pos();
      node.reset(entry->value);
      path.remove_prefix(end == std::string_view::npos ? path.size() : end);
    }
  }
  return pos;
}

Value to_value(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return is_plain(node) ? plain_scalar(node.Scalar()) : Value(node.Scalar());
    case YAML::NodeType::Sequence: {
      Value out = Value::array();
      for (const auto& item : node) out.push_back(to_value(item));
      return out;
    }
    case YAML::NodeType::Map: {
      Value out = Value::object();
      for (auto it = node.begin(); it != node.end(); ++it) out[scalar_text(it->first)] = to_value(it->second);
      return out;
    }
    default:
      return nullptr;
  }
}

bool is_null(const YAML::Node& node) { return !node.IsDefined() || node.IsNull(); }

std::string scalar_text(const YAML::Node& node) { return node.IsScalar() ? node.Scalar() : std::string(); }

std::string describe(const YAML::Node& node) {
  if (is_null(node)) return "null";
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  Value value = to_value(node);
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  return "a string";
}

}  // namespace runwatch
