// Runs a compiled jq program: each node sends its outputs, one by one, to a sink (jq's
// generators), so `.[] | select(...)` never builds the intermediate list.
#include <cmath>
#include <exception>

#include "runwatch/expr/jq.h"
#include "runwatch/expr/jq_ast.h"
#include "runwatch/model/size_limits.h"

namespace runwatch::expr {
namespace jq {
namespace {

const Value kNull;

// The error a sink threw, carried through a `?` that must not suppress it.
struct DownstreamError {
  std::exception_ptr error;
};

Sink passing_errors_through(const Sink& out) {
  return [&out](const Value& v) {
    try {
      out(v);
    } catch (...) {
      throw DownstreamError{std::current_exception()};
    }
  };
}

std::string quoted(const Value& key) { return key.is_string() ? "\"" + key.get<std::string>() + "\"" : key.dump(); }

[[noreturn]] void cannot_index(const Value& target, const Value& key) {
  throw RuntimeError("Cannot index " + type_name(target) + " with " + (key.is_string() ? quoted(key) : type_name(key)));
}

const Value& field(const Value& target, const std::string& name) {
  if (target.is_null()) return kNull;
  if (!target.is_object()) cannot_index(target, name);
  auto it = target.find(name);
  return it == target.end() ? kNull : *it;
}

// jq floors a fractional index and counts a negative one from the end.
std::optional<size_t> array_position(const Value& array, double index) {
  double at = std::floor(index);
  if (at < 0) at += static_cast<double>(array.size());
  if (!(at >= 0) || at >= static_cast<double>(array.size())) return std::nullopt;
  return static_cast<size_t>(at);
}

void index_into(const Value& target, const Value& key, const Sink& out) {
  if (key.is_string()) return out(field(target, key.get<std::string>()));
  if (target.is_null() && (key.is_number() || key.is_null())) return out(kNull);
  if (target.is_array() && key.is_number()) {
    auto at = array_position(target, key.get<double>());
    return out(at ? target[*at] : kNull);
  }
  cannot_index(target, key);
}

// A bound of a slice: null is the end, negative counts from the end, clamped.
size_t slice_bound(const Value& bound, size_t length, size_t if_null) {
  if (bound.is_null()) return if_null;
  if (!bound.is_number()) throw RuntimeError("Start and end indices of an array slice must be numbers");
  double at = std::floor(bound.get<double>());
  if (at < 0) at += static_cast<double>(length);
  return static_cast<size_t>(std::clamp(at, 0.0, static_cast<double>(length)));
}

Value slice(const Value& target, const Value& from, const Value& to) {
  if (target.is_null()) return nullptr;
  if (target.is_array()) {
    size_t begin = slice_bound(from, target.size(), 0), end = slice_bound(to, target.size(), target.size());
    Value part = Value::array();
    for (size_t i = begin; i < end; ++i) part.push_back(target[i]);
    return part;
  }
  if (target.is_string()) {
    auto chars = characters(target.get_ref<const std::string&>());
    size_t begin = slice_bound(from, chars.size(), 0), end = slice_bound(to, chars.size(), chars.size());
    if (begin >= end) return "";
    const char* first = chars[begin].data();
    return std::string(first, chars[end - 1].data() + chars[end - 1].size() - first);
  }
  throw RuntimeError("Cannot index " + type_name(target) + " with object");
}

void iterate(const Value& target, const Sink& out) {
  if (!target.is_structured()) throw RuntimeError("Cannot iterate over " + type_name(target));
  for (const auto& item : target) out(item);
}

}  // namespace

void Evaluator::charge(size_t units) {
  work_ += units;
  if (work_ > max_work_)
    throw std::length_error("jq: the program did more than " + std::to_string(max_work_) + " steps of work");
}

void Evaluator::charge_copy(const Value& v) {
  charge(1);
  if (v.is_structured())
    for (const auto& item : v) charge_copy(item);
}

Value Evaluator::collect(const Node& n, const Value& in) {
  Value all = Value::array();
  eval(n, in, [&](const Value& v) {
    charge_copy(v);
    check_collection_size(all.size() + 1, "jq");
    all.push_back(v);
  });
  return all;
}

void Evaluator::recurse_all(const Value& in, const Sink& out) {
  charge(1);
  out(in);
  if (in.is_structured())
    for (const auto& item : in) recurse_all(item, out);
}

void Evaluator::build_object(const Node& n, size_t entry, const Value& in, Value& partial, const Sink& out) {
  if (entry == n.children.size()) return out(partial);
  eval(n.children[entry], in, [&](const Value& key) {
    if (!key.is_string()) throw RuntimeError("Object keys must be strings, not " + type_name(key));
    eval(n.children[entry + 1], in, [&](const Value& value) {
      charge_copy(value);
      Value with_entry = partial;
      with_entry[key.get<std::string>()] = value;
      build_object(n, entry + 2, in, with_entry, out);
    });
  });
}

void Evaluator::conditional(const Node& n, size_t part, const Value& in, const Sink& out) {
  if (part + 1 == n.children.size()) return eval(n.children[part], in, out);  // the else branch
  eval(n.children[part], in, [&](const Value& condition) {
    if (truthy(condition))
      eval(n.children[part + 1], in, out);
    else
      conditional(n, part + 2, in, out);
  });
}

// Runs n; its own runtime errors end its outputs quietly, errors further down the pipe do not.
void Evaluator::suppressing_errors(const Node& n, const Value& in, const Sink& out) {
  try {
    eval(n, in, passing_errors_through(out));
  } catch (const DownstreamError& downstream) {
    std::rethrow_exception(downstream.error);
  } catch (const RuntimeError&) {
  }
}

void Evaluator::eval(const Node& n, const Value& in, const Sink& out) {
  charge(1);
  const auto& c = n.children;
  switch (n.kind) {
    case Kind::Identity:
      return out(in);
    case Kind::RecurseAll:
      return recurse_all(in, out);
    case Kind::Literal:
      return out(n.literal);
    case Kind::Field:
      return eval(c[0], in, [&](const Value& t) { out(field(t, n.name)); });
    case Kind::Index:
      return eval(c[0], in,
                  [&](const Value& t) { eval(c[1], in, [&](const Value& key) { index_into(t, key, out); }); });
    case Kind::Slice:
      return eval(c[0], in, [&](const Value& t) {
        eval(c[1], in, [&](const Value& from) {
          eval(c[2], in, [&](const Value& to) {
            Value part = slice(t, from, to);
            charge_copy(part);
            out(part);
          });
        });
      });
    case Kind::Iterate:
      return eval(c[0], in, [&](const Value& t) { iterate(t, out); });
    case Kind::Try:
      return suppressing_errors(c[0], in, out);
    case Kind::Pipe:
      return eval(c[0], in, [&](const Value& v) { eval(c[1], v, out); });
    case Kind::Comma:
      eval(c[0], in, out);
      return eval(c[1], in, out);
    case Kind::Alternative: {
      bool any = false;
      suppressing_errors(c[0], in, [&](const Value& v) {
        if (!truthy(v)) return;
        any = true;
        out(v);
      });
      if (!any) eval(c[1], in, out);
      return;
    }
    case Kind::And:
    case Kind::Or: {
      const bool short_circuit = n.kind == Kind::Or;
      return eval(c[0], in, [&](const Value& left) {
        if (truthy(left) == short_circuit) return out(short_circuit);
        eval(c[1], in, [&](const Value& right) { out(truthy(right)); });
      });
    }
    case Kind::Binary:
      return eval(c[1], in, [&](const Value& right) {
        eval(c[0], in, [&](const Value& left) {
          Value result = binary(n.name, left, right);
          charge(result.is_structured() ? result.size() : 1);
          out(result);
        });
      });
    case Kind::Negate:
      return eval(c[0], in, [&](const Value& v) {
        if (!v.is_number()) throw RuntimeError(type_name(v) + " cannot be negated");
        out(binary("-", std::int64_t{0}, v));
      });
    case Kind::Array:
      return out(c.empty() ? Value::array() : collect(c[0], in));
    case Kind::Object: {
      Value partial = Value::object();
      return build_object(n, 0, in, partial, out);
    }
    case Kind::If:
      return conditional(n, 0, in, out);
    case Kind::Call:
      return call_builtin(*this, n, in, out);
  }
}

}  // namespace jq

std::vector<Value> JqProgram::run(const Value& input, size_t max_work) const {
  jq::Evaluator evaluator(max_work);
  Value all = evaluator.collect(*root_, input);
  return std::vector<Value>(std::make_move_iterator(all.begin()), std::make_move_iterator(all.end()));
}

}  // namespace runwatch::expr
