#include "runwatch/yaml/yaml_node.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace runwatch {
namespace {

bool is_plain(const YAML::Node& node) { return node.Tag() == "?"; }

std::string without_underscores(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c != '_') out += c;
  return out;
}

bool all_of(std::string_view text, std::string_view allowed) {
  return !text.empty() && text.find_first_not_of(allowed) == std::string_view::npos;
}

std::string_view without_sign(std::string_view text) {
  return !text.empty() && (text[0] == '-' || text[0] == '+') ? text.substr(1) : text;
}

// YAML 1.1 integers as SnakeYAML resolves them: decimal, 0x hex, 0 octal, 0b binary,
// with optional sign and underscores. Sexagesimal (1:30) is left as text.
std::optional<Value> plain_integer(const std::string& text, const YAML::Mark& mark) {
  std::string_view body = without_sign(text);
  int base = 10;
  std::string_view digits = body;
  if (body == "0") {
  } else if (body.starts_with("0b") && all_of(body.substr(2), "01_")) {
    base = 2, digits = body.substr(2);
  } else if (body.starts_with("0x") && all_of(body.substr(2), "0123456789abcdefABCDEF_")) {
    base = 16, digits = body.substr(2);
  } else if (body.starts_with('0') && all_of(body.substr(1), "01234567_")) {
    base = 8, digits = body.substr(1);
  } else if (body.empty() || body[0] < '1' || body[0] > '9' || !all_of(body, "0123456789_")) {
    return std::nullopt;
  }
  std::string cleaned = without_underscores(digits);
  std::int64_t magnitude = 0;
  auto [end, ec] = std::from_chars(cleaned.data(), cleaned.data() + cleaned.size(), magnitude, base);
  if (ec != std::errc() || end != cleaned.data() + cleaned.size())
    throw YamlValueError({mark.line + 1, mark.column + 1}, "the number " +
                                                               (text.size() > 40 ? text.substr(0, 40) + "..." : text) +
                                                               " is out of range (a 64-bit integer at most)");
  return Value(text[0] == '-' ? -magnitude : magnitude);
}

// [-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?
bool is_float_text(std::string_view text) {
  std::string_view rest = without_sign(text);
  size_t exponent = rest.find_first_of("eE");
  std::string_view mantissa = rest.substr(0, exponent);
  if (exponent != std::string_view::npos && !all_of(without_sign(rest.substr(exponent + 1)), "0123456789"))
    return false;
  if (mantissa.starts_with('.')) return all_of(mantissa.substr(1), "0123456789");
  size_t dot = mantissa.find('.');
  std::string_view whole = mantissa.substr(0, dot);
  if (whole.empty() || whole[0] < '0' || whole[0] > '9' || !all_of(whole, "0123456789_")) return false;
  return dot == std::string_view::npos || mantissa.size() == dot + 1 || all_of(mantissa.substr(dot + 1), "0123456789_");
}

std::optional<Value> plain_float(const std::string& text, const YAML::Mark& mark) {
  if (!is_float_text(text)) return std::nullopt;
  double value = std::strtod(without_underscores(text).c_str(), nullptr);
  if (!std::isfinite(value))
    throw YamlValueError({mark.line + 1, mark.column + 1},
                         "the number " + (text.size() > 40 ? text.substr(0, 40) + "..." : text) + " is out of range");
  return Value(value);
}

Value plain_scalar(const std::string& text, const YAML::Mark& mark) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (auto integer = plain_integer(text, mark)) return *integer;
  if (auto number = plain_float(text, mark)) return *number;
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
      return is_plain(node) ? plain_scalar(node.Scalar(), node.Mark()) : Value(node.Scalar());
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
