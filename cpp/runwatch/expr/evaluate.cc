// Expression evaluation with Pebble's semantics in Kestra's strict mode.
#include <stdexcept>
#include <utility>

#include "runwatch/expr/ast.h"
#include "runwatch/expr/errors.h"
#include "runwatch/expr/render_context.h"
#include "runwatch/expr/value_ops.h"
#include "runwatch/model/size_limits.h"

namespace runwatch::expr {
namespace {

constexpr int kMaxMacroDepth = 64;

// Runs `step`; a std::exception from value semantics becomes a RenderError at `offset`,
// its message prefixed by `what` and `name` (e.g. Filter "date": ...) when given.
template <typename Step>
auto guarded(const RenderContext& ctx, size_t offset, std::string_view what, std::string_view name, Step step) {
  try {
    return step();
  } catch (const RenderError&) {
    throw;
  } catch (const std::exception& e) {
    std::string prefix = what.empty() ? "" : std::string(what) + " \"" + std::string(name) + "\": ";
    ctx.fail(offset, prefix + e.what());
  }
}

template <typename Step>
auto guarded(const RenderContext& ctx, size_t offset, Step step) {
  return guarded(ctx, offset, "", "", step);
}

// A member of a value borrowed or owned like the value it comes from.
Operand member_of(const Operand& object, const Value& member) {
  if (object.is_owned()) return Operand::owned(member).taint(object.is_tainted());
  return Operand::borrowed(member, object.is_scoped()).taint(object.is_tainted());
}

std::optional<size_t> list_index(const Value& key, size_t size) {
  long long index = -1;
  if (key.is_number_integer()) {
    index = key.get<long long>();
  } else if (key.is_string()) {
    const auto& text = key.get_ref<const std::string&>();
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 18) return std::nullopt;
    index = std::stoll(text);
  }
  if (index < 0 || static_cast<size_t>(index) >= size) return std::nullopt;
  return static_cast<size_t>(index);
}

std::string key_text(const Value& key) { return key.is_string() ? key.get<std::string>() : printed(key); }

// Kestra's `in`: compares the string forms; a map matches on keys and values.
bool is_in(const Value& needle, const Value& haystack) {
  if (needle.is_null() || haystack.is_null()) return false;
  auto wanted = java_string(needle);
  if (haystack.is_array()) {
    for (const auto& item : haystack)
      if (java_string(item) == wanted) return true;
  } else if (haystack.is_object()) {
    for (auto it = haystack.begin(); it != haystack.end(); ++it)
      if (it.key() == wanted || java_string(it.value()) == wanted) return true;
  }
  return false;
}

// Pebble's `contains`: an element (or all elements of a list) of a list, a key of a map,
// a substring of a string.
bool contains(const Value& haystack, const Value& needle) {
  if (haystack.is_null()) return false;
  if (haystack.is_array()) {
    auto has = [&](const Value& wanted) {
      for (const auto& item : haystack)
        if (loosely_equal(item, wanted)) return true;
      return false;
    };
    if (!needle.is_array()) return has(needle);
    for (const auto& wanted : needle)
      if (!has(wanted)) return false;
    return true;
  }
  if (haystack.is_object()) return haystack.contains(key_text(needle));
  if (haystack.is_string()) return haystack.get_ref<const std::string&>().find(java_string(needle)) != std::string::npos;
  throw std::invalid_argument("contains needs a list, a map or a string on its left");
}

const char* comparison_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::Less: return "less than";
    case BinaryOp::Greater: return "greater than";
    case BinaryOp::LessEqual: return "less than or equals";
    default: return "greater than or equals";
  }
}

bool compare_op(BinaryOp op, const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return false;
  int c;
  try {
    c = compare(a, b);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("Could not perform ") + comparison_name(op) + " comparison: " + e.what());
  }
  switch (op) {
    case BinaryOp::Less: return c < 0;
    case BinaryOp::Greater: return c > 0;
    case BinaryOp::LessEqual: return c <= 0;
    default: return c >= 0;
  }
}

Value range_of(const Value& from, const Value& to) {
  if (!from.is_number_integer() || !to.is_number_integer()) throw std::invalid_argument("a range needs integer bounds");
  auto start = from.get<std::int64_t>(), end = to.get<std::int64_t>();
  return integer_range(start, end, start <= end ? 1 : -1);
}

// Evaluates `expr`; when it (or a path inside it) is undefined, null instead.
Operand resolve_or_null(const Expr& expr, RenderContext& ctx) {
  try {
    Operand result = expr.resolve(ctx);
    return result.is_undefined() ? Operand::owned(nullptr) : std::move(result);
  } catch (const UndefinedVariableError&) {
    return Operand::owned(nullptr);
  }
}

}  // namespace

// Taint flows up: a node is tainted when a value it was computed from is (ctx.tainted
// gathers its operands' taint while it resolves).
Operand Expr::evaluate(RenderContext& ctx) const {
  const bool outer = std::exchange(ctx.tainted, false);
  Operand result = resolve(ctx);
  if (result.is_undefined()) ctx.fail_undefined(result.missing_name(), result.missing_offset());
  if (ctx.limits.secret_values && !result.is_tainted() && ctx.is_secret_value(result.value())) result.taint();
  if (ctx.tainted || result.is_tainted()) {
    result.taint();
    ctx.derived_secret(result.value(), offset());
  }
  ctx.tainted = outer || result.is_tainted();
  return result;
}

Operand VariableRef::resolve(RenderContext& ctx) const {
  Operand found = ctx.scopes.find(name_);
  if (found.is_undefined()) return Operand::undefined(name_, offset());
  return found;
}

Operand MemberRef::resolve(RenderContext& ctx) const {
  Operand object = object_->resolve(ctx);
  if (object.is_undefined()) return object;
  Operand key_operand = key_->evaluate(ctx);
  const Value& key = key_operand.value();
  const Value& value = object.value();
  if (value.is_object()) {
    auto it = key.is_string() ? value.find(key.get_ref<const std::string&>()) : value.find(key_text(key));
    if (it != value.end()) return member_of(object, *it);
  } else if (value.is_array()) {
    if (auto index = list_index(key, value.size())) return member_of(object, value[*index]);
  } else if (value.is_null()) {
    // Pebble names the null root variable itself, else the attribute asked of null.
    if (auto* variable = dynamic_cast<const VariableRef*>(object_.get()))
      return Operand::undefined(variable->name(), object_->offset());
  }
  return Operand::undefined(key_text(key), offset());
}

Operand ListLiteral::resolve(RenderContext& ctx) const {
  Value out = Value::array();
  for (const auto& item : items_) out.push_back(item->evaluate(ctx).take());
  return Operand::owned(std::move(out));
}

Operand MapLiteral::resolve(RenderContext& ctx) const {
  Value out = Value::object();
  for (const auto& [key, value] : entries_) out[key_text(key->evaluate(ctx).value())] = value->evaluate(ctx).take();
  return Operand::owned(std::move(out));
}

Operand Unary::resolve(RenderContext& ctx) const {
  Operand operand = operand_->evaluate(ctx);
  return guarded(ctx, offset(), [&] {
    switch (op_) {
      case UnaryOp::Not: return Operand::owned(!condition_truth(operand.value(), "not operator"));
      case UnaryOp::Minus: return Operand::owned(negate(operand.value()));
      case UnaryOp::Plus: return Operand::owned(arithmetic(Arithmetic::Multiply, 1, operand.value()));
    }
    return Operand::owned(nullptr);
  });
}

Operand Binary::resolve(RenderContext& ctx) const {
  if (op_ == BinaryOp::And || op_ == BinaryOp::Or) {
    const char* where = op_ == BinaryOp::And ? "and operator" : "or operator";
    bool left = guarded(ctx, offset(), [&] { return condition_truth(left_->evaluate(ctx).value(), where); });
    if (left == (op_ == BinaryOp::Or)) return Operand::owned(left);
    return Operand::owned(guarded(ctx, offset(), [&] { return condition_truth(right_->evaluate(ctx).value(), where); }));
  }
  Operand left_operand = left_->evaluate(ctx);
  Operand right_operand = right_->evaluate(ctx);
  const Value& a = left_operand.value();
  const Value& b = right_operand.value();
  switch (op_) {
    case BinaryOp::Add:
    case BinaryOp::Subtract:
    case BinaryOp::Multiply:
    case BinaryOp::Divide:
    case BinaryOp::Modulus: {
      auto op = static_cast<Arithmetic>(static_cast<int>(op_) - static_cast<int>(BinaryOp::Add));
      return guarded(ctx, offset(), [&] { return Operand::owned(arithmetic(op, a, b)); });
    }
    case BinaryOp::Concat: {
      std::string text = a.is_null() ? "" : java_string(a);
      if (!b.is_null()) text += java_string(b);
      guarded(ctx, offset(), [&] { check_text_size(text.size(), "~"); });
      return Operand::owned(std::move(text));
    }
    case BinaryOp::Range: return guarded(ctx, offset(), [&] { return Operand::owned(range_of(a, b)); });
    case BinaryOp::Equal: return Operand::owned(loosely_equal(a, b));
    case BinaryOp::NotEqual: return Operand::owned(!loosely_equal(a, b));
    case BinaryOp::Less:
    case BinaryOp::Greater:
    case BinaryOp::LessEqual:
    case BinaryOp::GreaterEqual:
      return guarded(ctx, offset(), [&] { return Operand::owned(compare_op(op_, a, b)); });
    case BinaryOp::Contains: return guarded(ctx, offset(), [&] { return Operand::owned(contains(a, b)); });
    case BinaryOp::In: return Operand::owned(is_in(a, b));
    case BinaryOp::NotIn: return Operand::owned(!is_in(a, b));
    default: return Operand::owned(nullptr);
  }
}

Operand Coalesce::resolve(RenderContext& ctx) const {
  try {
    Operand left = left_->resolve(ctx);
    if (!left.is_undefined() && !(null_counts_ && left.value().is_null())) return left;
  } catch (const UndefinedVariableError&) {
  }
  return right_->resolve(ctx);
}

Operand Ternary::resolve(RenderContext& ctx) const {
  Operand condition = condition_->evaluate(ctx);
  bool truth = !condition.value().is_null() &&
               guarded(ctx, offset(), [&] { return condition_truth(condition.value(), "ternary operator"); });
  ctx.tainted = false;  // the branch taken is what the value is made of, not the condition
  return (truth ? then_ : otherwise_)->resolve(ctx);
}

Operand FilterCall::resolve(RenderContext& ctx) const {
  Operand input = filter_.accepts_undefined ? resolve_or_null(*input_, ctx) : input_->evaluate(ctx);
  std::vector<Value> arguments;
  arguments.reserve(arguments_.size());
  for (const auto& argument : arguments_)
    arguments.push_back(argument ? argument->evaluate(ctx).take() : Value(Value::value_t::discarded));
  return guarded(ctx, offset(), "Filter", filter_.name, [&] {
    Value result = filter_.apply(input.value(), FilterArgs(arguments));
    check_size(result, filter_.name);
    return Operand::owned(std::move(result));
  });
}

Operand TestCall::resolve(RenderContext& ctx) const {
  Operand input = test_.accepts_undefined ? resolve_or_null(*input_, ctx) : input_->evaluate(ctx);
  bool result = guarded(ctx, offset(), "Test", test_.name, [&] { return test_.apply(input.value()); });
  return Operand::owned(result != negated_);
}

Operand Call::resolve(RenderContext& ctx) const {
  const Functions::Fn* function = ctx.functions.find(name_);
  if (!function) {
    if (ctx.tmpl.find_macro(name_)) return call_macro(ctx);
    ctx.fail(offset(), "Function or macro \"" + name_ + "\" does not exist");
  }
  std::vector<Value> positional;
  positional.reserve(positional_.size());
  for (const auto& argument : positional_) positional.push_back(argument->evaluate(ctx).take());
  Value named;
  for (const auto& argument : named_) named[argument.name] = argument.value->evaluate(ctx).take();
  return guarded(ctx, offset(), "Function", name_, [&] {
    Value result = (*function)(positional, named);
    check_size(result, name_);
    return Operand::owned(std::move(result)).taint(ctx.functions.reveals_secret(name_));
  });
}

Operand Call::call_macro(RenderContext& ctx) const {
  const Macro& macro = *ctx.tmpl.find_macro(name_);
  if (ctx.macro_depth >= kMaxMacroDepth) ctx.fail(offset(), "Macro \"" + name_ + "\" calls itself too deeply");
  ctx.checkpoint(offset());
  for (const auto& argument : named_) {
    bool known = false;
    for (const auto& parameter : macro.parameters) known = known || parameter.name == argument.name;
    if (!known) ctx.fail(offset(), "Macro \"" + name_ + "\" has no parameter \"" + argument.name + "\"");
  }
  // Arguments are evaluated in the caller's scope, before the macro's scope hides it.
  std::vector<Operand> values;
  for (size_t i = 0; i < macro.parameters.size(); ++i) {
    const auto& parameter = macro.parameters[i];
    const ExprPtr* given = i < positional_.size() ? &positional_[i] : nullptr;
    for (const auto& argument : named_)
      if (argument.name == parameter.name) given = &argument.value;
    values.push_back(given ? (*given)->evaluate(ctx) : Operand::undefined(parameter.name, 0));
  }
  ctx.scopes.push(true);
  ++ctx.macro_depth;
  std::string out;
  NestedOutput nested(ctx);
  try {
    for (size_t i = 0; i < macro.parameters.size(); ++i) {
      const auto& parameter = macro.parameters[i];
      if (values[i].is_undefined())
        values[i] = parameter.default_value ? parameter.default_value->evaluate(ctx) : Operand::owned(nullptr);
      ctx.scopes.bind(parameter.name, std::move(values[i]));
    }
    render_body(macro.body, ctx, out);
  } catch (...) {
    --ctx.macro_depth;
    ctx.scopes.pop();
    throw;
  }
  --ctx.macro_depth;
  ctx.scopes.pop();
  return Operand::owned(std::move(out));
}

Operand BodyText::resolve(RenderContext& ctx) const {
  return Operand::owned(*ctx.block_text).taint(ctx.block_tainted);
}

}  // namespace runwatch::expr
