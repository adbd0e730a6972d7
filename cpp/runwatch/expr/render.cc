// Statement rendering: text, {{ }}, if, for, set, filter blocks.
#include <utility>

#include "runwatch/expr/ast.h"
#include "runwatch/expr/errors.h"
#include "runwatch/expr/render_context.h"
#include "runwatch/expr/value_ops.h"

namespace runwatch::expr {

void render_body(const Body& body, RenderContext& ctx, std::string& out) {
  for (const auto& node : body) node->render(ctx, out);
}

namespace {

// Appends a printed value; in a JSON document, escaped when it lands inside a string.
void print(RenderContext& ctx, std::string& out, const Value& value) {
  if (!ctx.json_document || !ctx.json_string.inside(out)) return append_printed(out, value);
  if (value.is_string()) return append_json_escaped(out, value.get_ref<const std::string&>());
  append_json_escaped(out, printed(value));
}

}  // namespace

void PrintNode::render(RenderContext& ctx, std::string& out) const {
  auto operand = expr_->evaluate(ctx);
  print(ctx, out, operand.value());
}

void IfNode::render(RenderContext& ctx, std::string& out) const {
  for (const auto& branch : branches_) {
    Operand condition = branch.condition->evaluate(ctx);
    bool truth;
    try {
      truth = condition_truth(condition.value(), "if statement");
    } catch (const std::exception& e) {
      ctx.fail(branch.condition->offset(), e.what());
    }
    if (truth) return render_body(branch.body, ctx, out);
  }
  render_body(otherwise_, ctx, out);
}

namespace {

Value loop_variables(size_t index, size_t length) {
  Value loop = Value::object();
  loop["index"] = index;
  loop["revindex"] = length - index - 1;
  loop["first"] = index == 0;
  loop["last"] = index + 1 == length;
  loop["length"] = length;
  return loop;
}

}  // namespace

void ForNode::render(RenderContext& ctx, std::string& out) const {
  Operand iterable = iterable_->evaluate(ctx);
  // A value held by a scope may be reassigned by the loop body: iterate over a copy.
  if (iterable.is_scoped() && !iterable.is_owned()) iterable = Operand::owned(iterable.value());
  const Value& items = iterable.value();
  if (items.is_null()) return;  // Pebble renders nothing, not even the else branch
  if (!items.is_structured()) ctx.fail(iterable_->offset(), "Not an iterable object. Value = [" + java_string(items) + "]");
  if (items.empty()) return render_body(otherwise_, ctx, out);
  ctx.scopes.push(false);
  try {
    size_t index = 0, length = items.size();
    for (auto it = items.begin(); it != items.end(); ++it, ++index) {
      ctx.scopes.bind("loop", Operand::owned(loop_variables(index, length)));
      if (items.is_object())
        ctx.scopes.bind(variable_,
                        Operand::owned(Value{{"key", it.key()}, {"value", it.value()}}).taint(iterable.is_tainted()));
      else ctx.scopes.bind(variable_, Operand::borrowed(*it, true).taint(iterable.is_tainted()));
      render_body(body_, ctx, out);
      ctx.checkpoint(offset(), out.size());
    }
  } catch (...) {
    ctx.scopes.pop();
    throw;
  }
  ctx.scopes.pop();
}

void SetNode::render(RenderContext& ctx, std::string&) const { ctx.scopes.assign(name_, value_->evaluate(ctx)); }

void FilterBlockNode::render(RenderContext& ctx, std::string& out) const {
  std::string body;
  ctx.tainted = false;
  {
    NestedOutput nested(ctx);
    render_body(body_, ctx, body);
  }
  const std::string* outer = ctx.block_text;
  const bool outer_tainted = std::exchange(ctx.block_tainted, ctx.tainted);
  ctx.block_text = &body;
  try {
    print(ctx, out, chain_->evaluate(ctx).value());
  } catch (...) {
    ctx.block_text = outer;
    ctx.block_tainted = outer_tainted;
    throw;
  }
  ctx.block_text = outer;
  ctx.block_tainted = outer_tainted;
}

const Macro* CompiledTemplate::find_macro(std::string_view name) const {
  for (const auto& macro : macros)
    if (macro.name == name) return &macro;
  return nullptr;
}

}  // namespace runwatch::expr
