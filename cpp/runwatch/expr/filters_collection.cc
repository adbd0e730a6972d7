// List and map filters, JSON, numbers.
#include <algorithm>
#include <cmath>

#include "runwatch/expr/filter_support.h"
#include "runwatch/expr/filters.h"
#include "runwatch/expr/jq.h"
#include "runwatch/model/json_text.h"
#include "runwatch/model/size_limits.h"

namespace runwatch::expr {
namespace {

size_t code_points(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

Value length(const Value& input, const FilterArgs&) {
  if (input.is_string()) return code_points(input.get_ref<const std::string&>());
  if (input.is_structured()) return input.size();
  return 0;
}

// The UTF-8 character at either end of a string.
std::string end_char(const std::string& s, bool first) {
  if (s.empty()) return s;
  size_t start = first ? 0 : s.size() - 1;
  if (!first)
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  size_t end = start + 1;
  while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) ++end;
  return s.substr(start, end - start);
}

template <bool First>
Value first_or_last(const Value& input, const FilterArgs&) {
  if (input.is_string()) return end_char(input.get_ref<const std::string&>(), First);
  if (input.is_array()) return input.empty() ? Value() : First ? input.front() : input.back();
  if (input.is_object()) {
    if (input.empty()) return nullptr;
    auto it = First ? input.begin() : std::prev(input.end());
    return Value{{"key", it.key()}, {"value", it.value()}};
  }
  return input;
}

Value join(const Value& input, const FilterArgs& args) {
  if (input.is_null()) return nullptr;
  if (!input.is_array()) throw std::invalid_argument("The 'join' filter expects that the input is either a collection or an array.");
  std::string separator = args.has(0) ? string_argument(args[0], "separator") : "";
  std::string out;
  bool first = true;
  for (const auto& item : input) {
    if (!first) out += separator;
    first = false;
    out += java_string(item);
    check_text_size(out.size(), "join");
  }
  return out;
}

const Value& list_input(const Value& input, const char* filter) {
  if (!input.is_array()) throw std::invalid_argument(std::string("'") + filter + "' filter can only be applied to a list, got " + java_string(input));
  return input;
}

template <bool Descending>
Value sort(const Value& input, const FilterArgs&) {
  if (input.is_null()) return nullptr;
  Value out = list_input(input, Descending ? "rsort" : "sort");
  std::stable_sort(out.begin(), out.end(), [](const Value& a, const Value& b) {
    return Descending ? compare(a, b) > 0 : compare(a, b) < 0;
  });
  return out;
}

Value reverse(const Value& input, const FilterArgs&) {
  if (input.is_null()) return nullptr;
  if (input.is_string()) {
    std::string out;
    const auto& s = input.get_ref<const std::string&>();
    for (size_t end = s.size(); end > 0;) {
      size_t start = end - 1;
      while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
      out += s.substr(start, end - start);
      end = start;
    }
    return out;
  }
  Value out = list_input(input, "reverse");
  std::reverse(out.begin(), out.end());
  return out;
}

Value slice(const Value& input, const FilterArgs& args) {
  if (input.is_null()) return nullptr;
  std::int64_t from = args.has(0) ? integer_argument(args[0], "fromIndex") : 0;
  if (from < 0) throw std::invalid_argument("fromIndex must be greater than 0");
  std::int64_t size = input.is_string() ? static_cast<std::int64_t>(code_points(input.get_ref<const std::string&>()))
                      : input.is_array() ? static_cast<std::int64_t>(input.size())
                                         : throw std::invalid_argument("Slice filter can only be applied to String and List inputs");
  std::int64_t to = args.has(1) ? integer_argument(args[1], "toIndex") : size;
  if (to > size) throw std::invalid_argument("toIndex must be smaller than input size: " + std::to_string(size));
  if (args.has(1) && from >= to) throw std::invalid_argument("toIndex must be greater than fromIndex");
  if (input.is_array()) return Value(input.begin() + from, input.begin() + std::max(from, to));
  std::string out;
  const auto& s = input.get_ref<const std::string&>();
  std::int64_t index = -1;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++index;
    if (index >= from && index < to) out += static_cast<char>(c);
  }
  return out;
}

Value keys(const Value& input, const FilterArgs&) {
  if (input.is_null()) return nullptr;
  if (!input.is_object()) throw std::invalid_argument("'keys' filter can only be applied to a map");
  Value out = Value::array();
  for (auto it = input.begin(); it != input.end(); ++it) out.push_back(it.key());
  return out;
}

Value values(const Value& input, const FilterArgs&) {
  if (input.is_null()) return nullptr;
  if (!input.is_object()) throw std::invalid_argument("'values' filter can only be applied to a map");
  Value out = Value::array();
  for (const auto& value : input) out.push_back(value);
  return out;
}

// Pebble's merge: lists concatenate, maps merge with the argument's entries winning.
Value merge(const Value& input, const FilterArgs& args) {
  if (input.is_null()) return nullptr;
  const Value& other = args[0];
  Value out = input;
  if (input.is_array()) {
    if (other.is_array()) out.insert(out.end(), other.begin(), other.end());
    else if (other.is_object()) for (auto it = other.begin(); it != other.end(); ++it) out.push_back(Value{{it.key(), it.value()}});
    else throw std::invalid_argument("The object being merged is not a list or a map");
    return out;
  }
  if (!input.is_object() || !other.is_object())
    throw std::invalid_argument("The merge filter only merges a map into a map or a list or map into a list");
  for (auto it = other.begin(); it != other.end(); ++it) out[it.key()] = it.value();
  return out;
}

Value chunk(const Value& input, const FilterArgs& args) {
  if (input.is_null()) return nullptr;
  if (!args.has(0)) throw std::invalid_argument("'chunk' filter expects an argument 'size'.");
  const Value& list = list_input(input, "chunk");
  auto size = integer_argument(args[0], "size");
  if (size <= 0) throw std::invalid_argument("'chunk' filter argument 'size' must be positive");
  Value out = Value::array();
  for (size_t i = 0; i < list.size(); i += static_cast<size_t>(size))
    out.push_back(Value(list.begin() + i, list.begin() + std::min(list.size(), i + static_cast<size_t>(size))));
  return out;
}

Value distinct(const Value& input, const FilterArgs&) {
  if (input.is_null()) return nullptr;
  Value out = Value::array();
  for (const auto& item : list_input(input, "distinct"))
    if (std::none_of(out.begin(), out.end(), [&](const Value& seen) { return loosely_equal(seen, item); })) out.push_back(item);
  return out;
}

// Kestra's flatten: one level of nested lists.
Value flatten(const Value& input, const FilterArgs&) {
  if (input.is_null()) return nullptr;
  Value out = Value::array();
  for (const auto& item : list_input(input, "flatten")) {
    if (item.is_array()) out.insert(out.end(), item.begin(), item.end());
    else out.push_back(item);
  }
  return out;
}

Value to_json_filter(const Value& input, const FilterArgs& args) {
  return to_json(input, args.has(0) && args[0].is_boolean() && args[0].get<bool>());
}

// Kestra's jq filter: every output of the program, in a list; a string input is JSON text.
Value jq_filter(const Value& input, const FilterArgs& args) {
  if (input.is_null()) return nullptr;
  if (!args.has(0)) throw std::invalid_argument("The 'jq' filter expects an argument 'expression'.");
  const std::string& program = string_argument(args[0], "expression");
  Value document = input.is_string() ? parse_json_or_discarded(input.get_ref<const std::string&>()) : input;
  if (document.is_discarded()) throw std::invalid_argument("jq: the input is a string that is not JSON text");
  Value outputs = Value::array();
  for (Value& output : JqProgram::compile(program).run(document)) outputs.push_back(std::move(output));
  return outputs;
}

Value abs(const Value& input, const FilterArgs&) {
  if (input.is_null()) return nullptr;
  if (input.is_number_float()) return std::fabs(input.get<double>());
  if (input.is_number()) return std::llabs(input.get<std::int64_t>());
  throw std::invalid_argument("abs expects a number, got " + java_string(input));
}

}  // namespace

void add_collection_filters(std::vector<FilterDef>& filters) {
  filters.push_back({"length", {}, length});
  filters.push_back({"first", {}, first_or_last<true>});
  filters.push_back({"last", {}, first_or_last<false>});
  filters.push_back({"join", {"separator"}, join});
  filters.push_back({"sort", {}, sort<false>});
  filters.push_back({"rsort", {}, sort<true>});
  filters.push_back({"reverse", {}, reverse});
  filters.push_back({"slice", {"fromIndex", "toIndex"}, slice});
  filters.push_back({"keys", {}, keys});
  filters.push_back({"values", {}, values});
  filters.push_back({"merge", {"items"}, merge});
  filters.push_back({"chunk", {"size"}, chunk});
  filters.push_back({"distinct", {}, distinct});
  filters.push_back({"flatten", {}, flatten});
  filters.push_back({"toJson", {"includeNulls"}, to_json_filter});
  filters.push_back({"json", {"includeNulls"}, to_json_filter});
  filters.push_back({"abs", {}, abs});
  filters.push_back({"jq", {"expression"}, jq_filter});
}

}  // namespace runwatch::expr
