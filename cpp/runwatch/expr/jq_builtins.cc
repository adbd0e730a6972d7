// jq's builtins that runwatch runs: the ones flows reach for to pick, filter, reshape and
// convert values. A function argument is either a value (each of its outputs, in turn)
// or a filter the builtin runs itself (`map(f)`, `select(f)`, `sort_by(f)`...).
#include <algorithm>
#include <cmath>

#include "runwatch/expr/jq_ast.h"
#include "runwatch/expr/value_ops.h"
#include "runwatch/model/json_text.h"
#include "runwatch/model/size_limits.h"

namespace runwatch::expr::jq {
namespace {

using Fn = void (*)(Evaluator&, const Node& call, const Value& in, const Sink& out);

struct Builtin {
  std::string_view name;
  size_t arity;
  Fn apply;
};

[[noreturn]] void fail(std::string_view function, const Value& in, std::string_view wants) {
  throw RuntimeError(std::string(function) + " cannot be applied to " + type_name(in) + " (it takes " +
                     std::string(wants) + ")");
}

// Each output of the argument, as a value.
template <typename F>
void each_argument(Evaluator& e, const Node& call, size_t i, const Value& in, F f) {
  e.eval(call.children[i], in, [&](const Value& argument) { f(argument); });
}

const std::string& text_of(std::string_view function, const Value& in) {
  if (!in.is_string()) fail(function, in, "a string");
  return in.get_ref<const std::string&>();
}

void length(Evaluator&, const Node&, const Value& in, const Sink& out) {
  if (in.is_null()) return out(std::int64_t{0});
  if (in.is_boolean()) fail("length", in, "a string, an array, an object, a number or null");
  if (in.is_number())
    return out(in.is_number_float() ? Value(std::fabs(in.get<double>())) : Value(std::llabs(in.get<std::int64_t>())));
  if (in.is_string()) return out(characters(in.get_ref<const std::string&>()).size());
  out(in.size());
}

void utf8bytelength(Evaluator&, const Node&, const Value& in, const Sink& out) {
  out(text_of("utf8bytelength", in).size());
}

void keys(bool sorted, const Value& in, const Sink& out) {
  if (in.is_array()) {
    Value indexes = Value::array();
    for (size_t i = 0; i < in.size(); ++i) indexes.push_back(i);
    return out(indexes);
  }
  if (!in.is_object()) fail(sorted ? "keys" : "keys_unsorted", in, "an object or an array");
  Value names = Value::array();
  for (auto it = in.begin(); it != in.end(); ++it) names.push_back(it.key());
  if (sorted) std::sort(names.begin(), names.end());
  out(names);
}

void has(Evaluator& e, const Node& call, const Value& in, const Sink& out) {
  each_argument(e, call, 0, in, [&](const Value& key) {
    if (in.is_object() && key.is_string()) return out(in.contains(key.get<std::string>()));
    if (in.is_array() && key.is_number()) {
      double at = key.get<double>();
      return out(at >= 0 && at < static_cast<double>(in.size()));
    }
    throw RuntimeError("Cannot check whether " + type_name(in) + " has a " + type_name(key) + " key");
  });
}

void to_entries(Evaluator& e, const Node&, const Value& in, const Sink& out) {
  if (!in.is_object()) fail("to_entries", in, "an object");
  Value entries = Value::array();
  for (auto it = in.begin(); it != in.end(); ++it) {
    e.charge_copy(it.value());
    entries.push_back(Value{{"key", it.key()}, {"value", it.value()}});
  }
  out(entries);
}

// jq accepts key, k, name, Name, K, Key for the key and value, v, Value, V for the value.
const Value* entry_part(const Value& entry, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto it = entry.find(name);
    if (it != entry.end() && truthy(*it)) return &*it;
  }
  for (const char* name : names) {
    auto it = entry.find(name);
    if (it != entry.end()) return &*it;
  }
  return nullptr;
}

void from_entries(Evaluator& e, const Node&, const Value& in, const Sink& out) {
  if (!in.is_array()) fail("from_entries", in, "an array of {key, value} objects");
  Value object = Value::object();
  for (const auto& entry : in) {
    if (!entry.is_object()) throw RuntimeError("from_entries takes objects, not " + type_name(entry));
    const Value* key = entry_part(entry, {"key", "k", "name", "Name", "K", "Key"});
    const Value* value = entry_part(entry, {"value", "v", "Value", "V"});
    std::string name;
    if (key && key->is_string())
      name = key->get<std::string>();
    else if (key && (key->is_number() || key->is_boolean()))
      name = key->dump();
    else
      throw RuntimeError("from_entries needs a string key, not " + type_name(key ? *key : Value()));
    if (value) e.charge_copy(*value);
    object[name] = value ? *value : Value();
  }
  out(object);
}

void add(Evaluator& e, const Node&, const Value& in, const Sink& out) {
  if (!in.is_structured()) fail("add", in, "an array or an object");
  Value sum;
  for (const auto& item : in) {
    sum = binary("+", sum, item);
    e.charge(sum.is_structured() ? sum.size() : 1);
  }
  out(sum);
}

void any_or_all(bool all, const Value& in, const Sink& out) {
  if (!in.is_structured()) fail(all ? "all" : "any", in, "an array or an object");
  for (const auto& item : in)
    if (truthy(item) != all) return out(!all);
  out(all);
}

void any_or_all_of(bool all, Evaluator& e, const Node& call, const Value& in, const Sink& out) {
  if (!in.is_structured()) fail(all ? "all" : "any", in, "an array or an object");
  for (const auto& item : in) {
    bool decided = false;
    e.eval(call.children[0], item, [&](const Value& v) { decided = decided || truthy(v) != all; });
    if (decided) return out(!all);
  }
  out(all);
}

void flatten_into(Value& flat, const Value& list, std::int64_t depth) {
  for (const auto& item : list) {
    if (item.is_array() && depth > 0) {
      flatten_into(flat, item, depth - 1);
    } else {
      check_collection_size(flat.size() + 1, "flatten");
      flat.push_back(item);
    }
  }
}

void flatten(Evaluator& e, const Value& in, std::int64_t depth, const Sink& out) {
  if (!in.is_array()) fail("flatten", in, "an array");
  if (depth < 0) throw RuntimeError("flatten depth must not be negative");
  e.charge_copy(in);
  Value flat = Value::array();
  flatten_into(flat, in, depth);
  out(flat);
}

void to_string(Evaluator&, const Node&, const Value& in, const Sink& out) {
  out(in.is_string() ? in : Value(dump_json(in)));
}

void to_number(Evaluator&, const Node&, const Value& in, const Sink& out) {
  if (in.is_number()) return out(in);
  Value parsed = parse_json_or_discarded(text_of("tonumber", in));
  if (!parsed.is_number()) throw RuntimeError("Cannot parse '" + in.get<std::string>() + "' as a number");
  out(parsed);
}

void from_json(Evaluator&, const Node&, const Value& in, const Sink& out) {
  Value parsed = parse_json_or_discarded(text_of("fromjson", in));
  if (parsed.is_discarded()) throw RuntimeError("fromjson: the string is not JSON");
  out(parsed);
}

void change_case(bool upper, const Value& in, const Sink& out) {
  std::string text = text_of(upper ? "ascii_upcase" : "ascii_downcase", in);
  for (char& ch : text)
    if (upper ? (ch >= 'a' && ch <= 'z') : (ch >= 'A' && ch <= 'Z')) ch = static_cast<char>(ch ^ 0x20);
  out(text);
}

// The items of `in` with their keys (the outputs of `f`, or themselves), in jq's order.
std::vector<std::pair<Value, const Value*>> keyed(Evaluator& e, std::string_view function, const Value& in,
                                                  const Node* f) {
  if (!in.is_array()) fail(function, in, "an array");
  std::vector<std::pair<Value, const Value*>> items;
  for (const auto& item : in) items.emplace_back(f ? e.collect(*f, item) : item, &item);
  e.charge(items.size() * (1 + static_cast<size_t>(std::log2(items.size() + 1))));
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return order(a.first, b.first) < 0; });
  return items;
}

void sorted(Evaluator& e, std::string_view function, const Value& in, const Node* f, const Sink& out) {
  Value result = Value::array();
  for (const auto& [key, item] : keyed(e, function, in, f)) result.push_back(*item);
  out(result);
}

void unique(Evaluator& e, std::string_view function, const Value& in, const Node* f, const Sink& out) {
  Value result = Value::array();
  const Value* last_key = nullptr;
  auto items = keyed(e, function, in, f);
  for (const auto& [key, item] : items) {
    if (last_key && equal(*last_key, key)) continue;
    result.push_back(*item);
    last_key = &key;
  }
  out(result);
}

void group(Evaluator& e, const Value& in, const Node& f, const Sink& out) {
  Value groups = Value::array();
  const Value* last_key = nullptr;
  auto items = keyed(e, "group_by", in, &f);
  for (const auto& [key, item] : items) {
    if (!last_key || !equal(*last_key, key)) groups.push_back(Value::array());
    groups.back().push_back(*item);
    last_key = &key;
  }
  out(groups);
}

void extreme(Evaluator& e, bool maximum, const Value& in, const Node* f, const Sink& out) {
  auto items = keyed(e, maximum ? "max" : "min", in, f);
  if (items.empty()) return out(nullptr);
  out(maximum ? *items.back().second : *items.front().second);
}

void reverse(Evaluator&, const Node&, const Value& in, const Sink& out) {
  if (in.is_null()) return out(Value::array());
  if (in.is_string()) {
    auto chars = characters(in.get_ref<const std::string&>());
    std::string reversed;
    for (auto it = chars.rbegin(); it != chars.rend(); ++it) reversed += *it;
    return out(reversed);
  }
  if (!in.is_array()) fail("reverse", in, "an array or a string");
  Value reversed = Value::array();
  for (auto it = in.rbegin(); it != in.rend(); ++it) reversed.push_back(*it);
  out(reversed);
}

void map(Evaluator& e, const Node& call, const Value& in, const Sink& out) {
  if (!in.is_structured()) throw RuntimeError("Cannot iterate over " + type_name(in));
  Value mapped = Value::array();
  for (const auto& item : in) {
    Value outputs = e.collect(call.children[0], item);
    check_collection_size(mapped.size() + outputs.size(), "map");
    for (auto& v : outputs) mapped.push_back(std::move(v));
  }
  out(mapped);
}

void map_values(Evaluator& e, const Node& call, const Value& in, const Sink& out) {
  if (!in.is_structured()) throw RuntimeError("Cannot iterate over " + type_name(in));
  Value mapped = in.is_object() ? Value::object() : Value::array();
  for (auto it = in.begin(); it != in.end(); ++it) {
    Value outputs = e.collect(call.children[0], it.value());
    if (outputs.empty()) continue;  // jq drops an entry whose filter outputs nothing
    if (in.is_object())
      mapped[it.key()] = std::move(outputs[0]);
    else
      mapped.push_back(std::move(outputs[0]));
  }
  out(mapped);
}

void select(Evaluator& e, const Node& call, const Value& in, const Sink& out) {
  e.eval(call.children[0], in, [&](const Value& keep) {
    if (truthy(keep)) out(in);
  });
}

void with_entries(Evaluator& e, const Node& call, const Value& in, const Sink& out) {
  to_entries(e, call, in, [&](const Value& entries) {
    Value changed = Value::array();
    for (const auto& entry : entries) {
      Value outputs = e.collect(call.children[0], entry);
      for (auto& v : outputs) changed.push_back(std::move(v));
    }
    from_entries(e, call, changed, out);
  });
}

void first_of(Evaluator& e, const Node& call, const Value& in, const Sink& out) {
  struct Found {};
  Value first;
  try {
    e.eval(call.children[0], in, [&](const Value& v) {
      first = v;
      throw Found{};
    });
  } catch (const Found&) {
    return out(first);
  }
}

void last_of(Evaluator& e, const Node& call, const Value& in, const Sink& out) {
  bool any = false;
  Value last;
  e.eval(call.children[0], in, [&](const Value& v) {
    any = true;
    last = v;
  });
  if (any) out(last);
}

void limit(Evaluator& e, const Node& call, const Value& in, const Sink& out) {
  each_argument(e, call, 0, in, [&](const Value& n) {
    if (!n.is_number()) throw RuntimeError("limit takes a number, not " + type_name(n));
    struct Enough {};
    double wanted = n.get<double>(), given = 0;
    if (wanted <= 0) return;
    try {
      e.eval(call.children[1], in, [&](const Value& v) {
        out(v);
        if (++given >= wanted) throw Enough{};
      });
    } catch (const Enough&) {
    }
  });
}

void range(Evaluator& e, const Value& from, const Value& to, const Sink& out) {
  if (!from.is_number() || !to.is_number()) throw RuntimeError("range takes numbers");
  for (double i = from.get<double>(); i < to.get<double>(); ++i) {
    e.charge(1);
    out(from.is_number_float() || to.is_number_float() ? Value(i) : Value(static_cast<std::int64_t>(i)));
  }
}

void with_text_argument(Evaluator& e, const Node& call, const Value& in, const Sink& out, std::string_view function,
                        Value (*apply)(const std::string& text, const std::string& argument)) {
  each_argument(e, call, 0, in, [&](const Value& argument) {
    if (!in.is_string() || !argument.is_string())
      throw RuntimeError(std::string(function) + " takes a string and a string argument");
    out(apply(in.get_ref<const std::string&>(), argument.get_ref<const std::string&>()));
  });
}

Value starts_with(const std::string& text, const std::string& prefix) { return text.starts_with(prefix); }
Value ends_with(const std::string& text, const std::string& suffix) { return text.ends_with(suffix); }
Value left_trimmed(const std::string& text, const std::string& prefix) {
  return text.starts_with(prefix) ? text.substr(prefix.size()) : text;
}
Value right_trimmed(const std::string& text, const std::string& suffix) {
  return text.ends_with(suffix) ? text.substr(0, text.size() - suffix.size()) : text;
}

void split(Evaluator& e, const Node& call, const Value& in, const Sink& out) {
  each_argument(e, call, 0, in, [&](const Value& separator) {
    if (!in.is_string() || !separator.is_string()) throw RuntimeError("split takes a string and a string separator");
    if (separator.get_ref<const std::string&>().empty()) {
      Value each = Value::array();
      for (std::string_view c : characters(in.get_ref<const std::string&>())) each.push_back(std::string(c));
      return out(each);
    }
    out(binary("/", in, separator));
  });
}

void join(Evaluator& e, const Node& call, const Value& in, const Sink& out) {
  each_argument(e, call, 0, in, [&](const Value& separator) {
    if (!in.is_structured()) fail("join", in, "an array");
    if (!separator.is_string()) throw RuntimeError("join takes a string separator");
    std::string joined;
    bool first = true;
    for (const auto& item : in) {
      if (!first) joined += separator.get_ref<const std::string&>();
      first = false;
      if (item.is_string())
        joined += item.get_ref<const std::string&>();
      else if (item.is_number() || item.is_boolean())
        joined += dump_json(item);
      else if (!item.is_null())
        throw RuntimeError("Cannot join with " + type_name(item));
      check_text_size(joined.size(), "join");
    }
    out(joined);
  });
}

bool contains(const Value& a, const Value& b) {
  if (a.is_object() && b.is_object()) {
    for (auto it = b.begin(); it != b.end(); ++it) {
      auto found = a.find(it.key());
      if (found == a.end() || !contains(*found, it.value())) return false;
    }
    return true;
  }
  if (a.is_array() && b.is_array())
    return std::all_of(b.begin(), b.end(), [&](const Value& wanted) {
      return std::any_of(a.begin(), a.end(), [&](const Value& item) { return contains(item, wanted); });
    });
  if (a.is_string() && b.is_string())
    return a.get_ref<const std::string&>().find(b.get_ref<const std::string&>()) != std::string::npos;
  if (a.type() == b.type() || (a.is_number() && b.is_number())) return equal(a, b);
  throw RuntimeError(type_name(a) + " and " + type_name(b) + " cannot have their containment checked");
}

void rounding(double (*f)(double), std::string_view function, const Value& in, const Sink& out) {
  if (!in.is_number()) fail(function, in, "a number");
  if (in.is_number_integer()) return out(in);
  double r = f(in.get<double>());
  if (std::fabs(r) < 9.2e18) return out(static_cast<std::int64_t>(r));
  out(r);
}

// `first` and `last` are `.[0]` and `.[-1]`.
void index_first_or_last(const Value& in, bool first, const Sink& out) {
  if (in.is_null()) return out(nullptr);
  if (!in.is_array()) throw RuntimeError("Cannot index " + type_name(in) + " with number");
  out(in.empty() ? Value() : first ? in.front() : in.back());
}

template <Value::value_t... Types>
void of_type(Evaluator&, const Node&, const Value& in, const Sink& out) {
  if (((in.type() == Types) || ...)) out(in);
}

const Builtin kBuiltins[] = {
    {"empty", 0, [](Evaluator&, const Node&, const Value&, const Sink&) {}},
    {"not", 0, [](Evaluator&, const Node&, const Value& in, const Sink& out) { out(!truthy(in)); }},
    {"length", 0, length},
    {"utf8bytelength", 0, utf8bytelength},
    {"keys", 0, [](Evaluator&, const Node&, const Value& in, const Sink& out) { keys(true, in, out); }},
    {"keys_unsorted", 0, [](Evaluator&, const Node&, const Value& in, const Sink& out) { keys(false, in, out); }},
    {"values", 0,
     [](Evaluator&, const Node&, const Value& in, const Sink& out) {
       if (!in.is_null()) out(in);
     }},
    {"has", 1, has},
    {"to_entries", 0, to_entries},
    {"from_entries", 0, from_entries},
    {"with_entries", 1, with_entries},
    {"add", 0, add},
    {"any", 0, [](Evaluator&, const Node&, const Value& in, const Sink& out) { any_or_all(false, in, out); }},
    {"all", 0, [](Evaluator&, const Node&, const Value& in, const Sink& out) { any_or_all(true, in, out); }},
    {"any", 1,
     [](Evaluator& e, const Node& c, const Value& in, const Sink& out) { any_or_all_of(false, e, c, in, out); }},
    {"all", 1,
     [](Evaluator& e, const Node& c, const Value& in, const Sink& out) { any_or_all_of(true, e, c, in, out); }},
    {"flatten", 0, [](Evaluator& e, const Node&, const Value& in, const Sink& out) { flatten(e, in, 1'000'000, out); }},
    {"flatten", 1,
     [](Evaluator& e, const Node& c, const Value& in, const Sink& out) {
       each_argument(e, c, 0, in, [&](const Value& depth) {
         if (!depth.is_number()) throw RuntimeError("flatten depth must be a number");
         flatten(e, in, static_cast<std::int64_t>(depth.get<double>()), out);
       });
     }},
    {"type", 0, [](Evaluator&, const Node&, const Value& in, const Sink& out) { out(type_name(in)); }},
    {"tostring", 0, to_string},
    {"tonumber", 0, to_number},
    {"tojson", 0, [](Evaluator&, const Node&, const Value& in, const Sink& out) { out(dump_json(in)); }},
    {"fromjson", 0, from_json},
    {"ascii_downcase", 0,
     [](Evaluator&, const Node&, const Value& in, const Sink& out) { change_case(false, in, out); }},
    {"ascii_upcase", 0, [](Evaluator&, const Node&, const Value& in, const Sink& out) { change_case(true, in, out); }},
    {"sort", 0,
     [](Evaluator& e, const Node&, const Value& in, const Sink& out) { sorted(e, "sort", in, nullptr, out); }},
    {"sort_by", 1,
     [](Evaluator& e, const Node& c, const Value& in, const Sink& out) {
       sorted(e, "sort_by", in, &c.children[0], out);
     }},
    {"unique", 0,
     [](Evaluator& e, const Node&, const Value& in, const Sink& out) { unique(e, "unique", in, nullptr, out); }},
    {"unique_by", 1,
     [](Evaluator& e, const Node& c, const Value& in, const Sink& out) {
       unique(e, "unique_by", in, &c.children[0], out);
     }},
    {"group_by", 1,
     [](Evaluator& e, const Node& c, const Value& in, const Sink& out) { group(e, in, c.children[0], out); }},
    {"min", 0,
     [](Evaluator& e, const Node&, const Value& in, const Sink& out) { extreme(e, false, in, nullptr, out); }},
    {"max", 0, [](Evaluator& e, const Node&, const Value& in, const Sink& out) { extreme(e, true, in, nullptr, out); }},
    {"min_by", 1,
     [](Evaluator& e, const Node& c, const Value& in, const Sink& out) { extreme(e, false, in, &c.children[0], out); }},
    {"max_by", 1,
     [](Evaluator& e, const Node& c, const Value& in, const Sink& out) { extreme(e, true, in, &c.children[0], out); }},
    {"reverse", 0, reverse},
    {"map", 1, map},
    {"map_values", 1, map_values},
    {"select", 1, select},
    {"first", 0, [](Evaluator&, const Node&, const Value& in, const Sink& out) { index_first_or_last(in, true, out); }},
    {"last", 0, [](Evaluator&, const Node&, const Value& in, const Sink& out) { index_first_or_last(in, false, out); }},
    {"first", 1, first_of},
    {"last", 1, last_of},
    {"limit", 2, limit},
    {"range", 1,
     [](Evaluator& e, const Node& c, const Value& in, const Sink& out) {
       each_argument(e, c, 0, in, [&](const Value& to) { range(e, std::int64_t{0}, to, out); });
     }},
    {"range", 2,
     [](Evaluator& e, const Node& c, const Value& in, const Sink& out) {
       each_argument(e, c, 0, in, [&](const Value& from) {
         each_argument(e, c, 1, in, [&](const Value& to) { range(e, from, to, out); });
       });
     }},
    {"startswith", 1,
     [](Evaluator& e, const Node& c, const Value& in, const Sink& out) {
       with_text_argument(e, c, in, out, "startswith", starts_with);
     }},
    {"endswith", 1,
     [](Evaluator& e, const Node& c, const Value& in, const Sink& out) {
       with_text_argument(e, c, in, out, "endswith", ends_with);
     }},
    {"ltrimstr", 1,
     [](Evaluator& e, const Node& c, const Value& in, const Sink& out) {
       if (!in.is_string()) return out(in);
       each_argument(e, c, 0, in, [&](const Value& p) {
         out(p.is_string() ? left_trimmed(in.get<std::string>(), p.get<std::string>()) : in);
       });
     }},
    {"rtrimstr", 1,
     [](Evaluator& e, const Node& c, const Value& in, const Sink& out) {
       if (!in.is_string()) return out(in);
       each_argument(e, c, 0, in, [&](const Value& s) {
         out(s.is_string() ? right_trimmed(in.get<std::string>(), s.get<std::string>()) : in);
       });
     }},
    {"split", 1, split},
    {"join", 1, join},
    {"contains", 1,
     [](Evaluator& e, const Node& c, const Value& in, const Sink& out) {
       each_argument(e, c, 0, in, [&](const Value& b) { out(contains(in, b)); });
     }},
    {"floor", 0,
     [](Evaluator&, const Node&, const Value& in, const Sink& out) { rounding(std::floor, "floor", in, out); }},
    {"ceil", 0,
     [](Evaluator&, const Node&, const Value& in, const Sink& out) { rounding(std::ceil, "ceil", in, out); }},
    {"round", 0,
     [](Evaluator&, const Node&, const Value& in, const Sink& out) { rounding(std::round, "round", in, out); }},
    {"arrays", 0, of_type<Value::value_t::array>},
    {"objects", 0, of_type<Value::value_t::object>},
    {"strings", 0, of_type<Value::value_t::string>},
    {"booleans", 0, of_type<Value::value_t::boolean>},
    {"nulls", 0, of_type<Value::value_t::null>},
    {"numbers", 0,
     of_type<Value::value_t::number_integer, Value::value_t::number_unsigned, Value::value_t::number_float>},
    {"iterables", 0, of_type<Value::value_t::array, Value::value_t::object>},
    {"scalars", 0,
     of_type<Value::value_t::null, Value::value_t::boolean, Value::value_t::number_integer,
             Value::value_t::number_unsigned, Value::value_t::number_float, Value::value_t::string>},
};

const Builtin* find(std::string_view name, size_t arity) {
  for (const Builtin& b : kBuiltins)
    if (b.name == name && b.arity == arity) return &b;
  return nullptr;
}

}  // namespace

bool builtin_exists(std::string_view name, size_t arity) { return find(name, arity) != nullptr; }

void call_builtin(Evaluator& evaluator, const Node& call, const Value& in, const Sink& out) {
  find(call.name, call.children.size())->apply(evaluator, call, in, out);
}

}  // namespace runwatch::expr::jq
