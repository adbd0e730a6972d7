#include "runwatch/expr/functions.h"

#include <stdexcept>

#include "runwatch/expr/date_format.h"
#include "runwatch/expr/value_ops.h"
#include "runwatch/model/json_text.h"

namespace runwatch::expr {

void Functions::add(std::string name, Fn fn, bool reveals_secret) {
  for (auto& existing : functions_) {
    if (existing.name == name) {
      existing.fn = std::move(fn);
      existing.reveals_secret = reveals_secret;
      return;
    }
  }
  functions_.push_back({std::move(name), std::move(fn), reveals_secret});
}

const Functions::Entry* Functions::entry(std::string_view name) const {
  for (const auto& existing : functions_)
    if (existing.name == name) return &existing;
  return fallback_ ? fallback_->entry(name) : nullptr;
}

const Functions::Fn* Functions::find(std::string_view name) const {
  const Entry* found = entry(name);
  return found ? &found->fn : nullptr;
}

bool Functions::reveals_secret(std::string_view name) const {
  const Entry* found = entry(name);
  return found && found->reveals_secret;
}

const Value* function_argument(const std::vector<Value>& args, const Value& named, size_t index, const char* name) {
  if (index < args.size()) return &args[index];
  if (named.is_object()) {
    auto it = named.find(name);
    if (it != named.end()) return &*it;
  }
  return nullptr;
}

namespace {

std::string string_argument(const std::vector<Value>& args, const Value& named, size_t index, const char* name,
                            std::string fallback) {
  const Value* value = function_argument(args, named, index, name);
  if (!value || value->is_null()) return fallback;
  if (!value->is_string()) throw std::invalid_argument(std::string("argument '") + name + "' must be a string");
  return value->get<std::string>();
}

Value from_json(const std::vector<Value>& args, const Value& named) {
  const Value* text = function_argument(args, named, 0, "json");
  if (!text || text->is_null()) return nullptr;
  if (!text->is_string()) throw std::invalid_argument("fromJson expects a string");
  try {
    return parse_json(text->get_ref<const std::string&>());
  } catch (const Value::parse_error&) {
    throw std::invalid_argument("fromJson: invalid JSON: " + text->get<std::string>());
  }
}

std::int64_t integer_argument(const Value* value, const char* name) {
  if (!value || !value->is_number_integer())
    throw std::invalid_argument(std::string("range: argument '") + name + "' must be an integer");
  return value->get<std::int64_t>();
}

// Pebble's range(start, end[, increment]): both ends included.
Value range(const std::vector<Value>& args, const Value& named) {
  auto start = integer_argument(function_argument(args, named, 0, "start"), "start");
  auto end = integer_argument(function_argument(args, named, 1, "end"), "end");
  const Value* step_value = function_argument(args, named, 2, "increment");
  return integer_range(start, end, step_value ? integer_argument(step_value, "increment") : 1);
}

Value extreme(const std::vector<Value>& args, bool want_max) {
  if (args.empty()) throw std::invalid_argument(want_max ? "max needs arguments" : "min needs arguments");
  const Value* best = &args[0];
  for (const auto& candidate : args) {
    bool better = want_max ? compare(candidate, *best) > 0 : compare(candidate, *best) < 0;
    if (better) best = &candidate;
  }
  return *best;
}

}  // namespace

Functions::Fn now_function(std::function<std::chrono::system_clock::time_point()> clock) {
  return [clock = std::move(clock)](const std::vector<Value>& args, const Value& named) -> Value {
    auto format = string_argument(args, named, 0, "format", "iso");
    auto zone = parse_zone(string_argument(args, named, 1, "timeZone", "UTC"));
    return format_date(clock(), format, zone);
  };
}

Functions builtin_functions() {
  Functions functions;
  functions.add("now", now_function([] { return std::chrono::system_clock::now(); }));
  functions.add("fromJson", from_json);
  functions.add("json", from_json);
  functions.add("range", range);
  functions.add("max", [](const std::vector<Value>& args, const Value&) { return extreme(args, true); });
  functions.add("min", [](const std::vector<Value>& args, const Value&) { return extreme(args, false); });
  return functions;
}

}  // namespace runwatch::expr
