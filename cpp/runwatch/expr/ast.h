#pragma once
// The compiled form of a template: immutable expression and statement trees. Rendering
// walks them with a RenderContext; nothing here changes after compile().
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "runwatch/expr/filters.h"
#include "runwatch/expr/operand.h"
#include "runwatch/expr/value_tests.h"

namespace runwatch::expr {

struct RenderContext;

class Expr;
using ExprPtr = std::unique_ptr<Expr>;

// Every node knows how deep its tree is, so the parser can refuse a tree too deep to
// walk (rendering and destruction recurse once per level).
class Expr {
 public:
  explicit Expr(size_t offset, int depth = 1) : offset_(offset), depth_(depth) {}
  virtual ~Expr() = default;
  // The value, or an undefined Operand naming what was not found (paths only).
  virtual Operand resolve(RenderContext& ctx) const = 0;
  // The value; an undefined one is a RenderError.
  Operand evaluate(RenderContext& ctx) const;
  size_t offset() const { return offset_; }
  int depth() const { return depth_; }

 private:
  size_t offset_;
  int depth_;
};

// 1 + the depth of the deepest child (null children count 0).
template <class... Children>
int depth_above(const Children&... children) {
  int deepest = 0;
  ((deepest = std::max(deepest, children ? children->depth() : 0)), ...);
  return deepest + 1;
}
inline int depth_above(const std::vector<ExprPtr>& children) {
  int deepest = 0;
  for (const auto& child : children) deepest = std::max(deepest, child ? child->depth() : 0);
  return deepest + 1;
}

class Literal final : public Expr {
 public:
  Literal(size_t offset, Value value) : Expr(offset), value_(std::move(value)) {}
  Operand resolve(RenderContext&) const override { return Operand::borrowed(value_); }
  const Value& value() const { return value_; }

 private:
  Value value_;
};

class VariableRef final : public Expr {
 public:
  VariableRef(size_t offset, std::string name) : Expr(offset), name_(std::move(name)) {}
  Operand resolve(RenderContext& ctx) const override;
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

// a.b and a['b'] and a[0].
class MemberRef final : public Expr {
 public:
  MemberRef(size_t offset, ExprPtr object, ExprPtr key) : Expr(offset, depth_above(object, key)), object_(std::move(object)), key_(std::move(key)) {}
  Operand resolve(RenderContext& ctx) const override;

 private:
  ExprPtr object_, key_;
};

class ListLiteral final : public Expr {
 public:
  ListLiteral(size_t offset, std::vector<ExprPtr> items) : Expr(offset, depth_above(items)), items_(std::move(items)) {}
  Operand resolve(RenderContext& ctx) const override;

 private:
  std::vector<ExprPtr> items_;
};

class MapLiteral final : public Expr {
 public:
  MapLiteral(size_t offset, std::vector<std::pair<ExprPtr, ExprPtr>> entries)
      : Expr(offset, depth_of(entries)), entries_(std::move(entries)) {}
  Operand resolve(RenderContext& ctx) const override;

 private:
  static int depth_of(const std::vector<std::pair<ExprPtr, ExprPtr>>& entries) {
    int deepest = 0;
    for (const auto& [key, value] : entries) deepest = std::max(deepest, depth_above(key, value));
    return deepest + 1;
  }
  std::vector<std::pair<ExprPtr, ExprPtr>> entries_;
};

enum class UnaryOp { Not, Minus, Plus };

class Unary final : public Expr {
 public:
  Unary(size_t offset, UnaryOp op, ExprPtr operand) : Expr(offset, depth_above(operand)), op_(op), operand_(std::move(operand)) {}
  Operand resolve(RenderContext& ctx) const override;

 private:
  UnaryOp op_;
  ExprPtr operand_;
};

enum class BinaryOp {
  Add, Subtract, Multiply, Divide, Modulus, Concat, Range,
  Equal, NotEqual, Less, Greater, LessEqual, GreaterEqual,
  And, Or, Contains, In, NotIn,
};

class Binary final : public Expr {
 public:
  Binary(size_t offset, BinaryOp op, ExprPtr left, ExprPtr right)
      : Expr(offset, depth_above(left, right)), op_(op), left_(std::move(left)), right_(std::move(right)) {}
  Operand resolve(RenderContext& ctx) const override;

 private:
  BinaryOp op_;
  ExprPtr left_, right_;
};

// `??` (undefined or null) and Kestra's `???` (undefined only).
class Coalesce final : public Expr {
 public:
  Coalesce(size_t offset, ExprPtr left, ExprPtr right, bool null_counts)
      : Expr(offset, depth_above(left, right)), left_(std::move(left)), right_(std::move(right)), null_counts_(null_counts) {}
  Operand resolve(RenderContext& ctx) const override;

 private:
  ExprPtr left_, right_;
  bool null_counts_;
};

class Ternary final : public Expr {
 public:
  Ternary(size_t offset, ExprPtr condition, ExprPtr then, ExprPtr otherwise)
      : Expr(offset, depth_above(condition, then, otherwise)), condition_(std::move(condition)), then_(std::move(then)), otherwise_(std::move(otherwise)) {}
  Operand resolve(RenderContext& ctx) const override;

 private:
  ExprPtr condition_, then_, otherwise_;
};

class FilterCall final : public Expr {
 public:
  // `arguments` has one slot per declared argument; an absent one is null.
  FilterCall(size_t offset, ExprPtr input, const FilterDef& filter, std::vector<ExprPtr> arguments)
      : Expr(offset, std::max(depth_above(input), depth_above(arguments))), input_(std::move(input)), filter_(filter), arguments_(std::move(arguments)) {}
  Operand resolve(RenderContext& ctx) const override;

 private:
  ExprPtr input_;
  const FilterDef& filter_;
  std::vector<ExprPtr> arguments_;
};

class TestCall final : public Expr {
 public:
  TestCall(size_t offset, ExprPtr input, const TestDef& test, bool negated)
      : Expr(offset, depth_above(input)), input_(std::move(input)), test_(test), negated_(negated) {}
  Operand resolve(RenderContext& ctx) const override;

 private:
  ExprPtr input_;
  const TestDef& test_;
  bool negated_;
};

struct NamedArgument {
  std::string name;
  ExprPtr value;
};

// name(args): a host function first, else a macro of the template.
class Call final : public Expr {
 public:
  Call(size_t offset, std::string name, std::vector<ExprPtr> positional, std::vector<NamedArgument> named)
      : Expr(offset, std::max(depth_above(positional), depth_of(named))), name_(std::move(name)), positional_(std::move(positional)), named_(std::move(named)) {}
  Operand resolve(RenderContext& ctx) const override;

 private:
  static int depth_of(const std::vector<NamedArgument>& named) {
    int deepest = 0;
    for (const auto& argument : named) deepest = std::max(deepest, argument.value->depth());
    return deepest + 1;
  }
  Operand call_macro(RenderContext& ctx) const;
  std::string name_;
  std::vector<ExprPtr> positional_;
  std::vector<NamedArgument> named_;
};

// ---- statements ----

class Node {
 public:
  explicit Node(size_t offset) : offset_(offset) {}
  virtual ~Node() = default;
  virtual void render(RenderContext& ctx, std::string& out) const = 0;
  size_t offset() const { return offset_; }

 private:
  size_t offset_;
};
using NodePtr = std::unique_ptr<Node>;
using Body = std::vector<NodePtr>;

void render_body(const Body& body, RenderContext& ctx, std::string& out);

class TextNode final : public Node {
 public:
  TextNode(size_t offset, std::string text) : Node(offset), text_(std::move(text)) {}
  void render(RenderContext&, std::string& out) const override { out += text_; }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

class PrintNode final : public Node {
 public:
  PrintNode(size_t offset, ExprPtr expr) : Node(offset), expr_(std::move(expr)) {}
  void render(RenderContext& ctx, std::string& out) const override;
  const Expr& expr() const { return *expr_; }

 private:
  ExprPtr expr_;
};

class IfNode final : public Node {
 public:
  struct Branch {
    ExprPtr condition;
    Body body;
  };
  IfNode(size_t offset, std::vector<Branch> branches, Body otherwise)
      : Node(offset), branches_(std::move(branches)), otherwise_(std::move(otherwise)) {}
  void render(RenderContext& ctx, std::string& out) const override;

 private:
  std::vector<Branch> branches_;
  Body otherwise_;
};

class ForNode final : public Node {
 public:
  ForNode(size_t offset, std::string variable, ExprPtr iterable, Body body, Body otherwise)
      : Node(offset), variable_(std::move(variable)), iterable_(std::move(iterable)), body_(std::move(body)),
        otherwise_(std::move(otherwise)) {}
  void render(RenderContext& ctx, std::string& out) const override;

 private:
  std::string variable_;
  ExprPtr iterable_;
  Body body_, otherwise_;
};

class SetNode final : public Node {
 public:
  SetNode(size_t offset, std::string name, ExprPtr value) : Node(offset), name_(std::move(name)), value_(std::move(value)) {}
  void render(RenderContext& ctx, std::string& out) const override;

 private:
  std::string name_;
  ExprPtr value_;
};

// {% filter upper %}...{% endfilter %}: the rendered body goes through filters.
class FilterBlockNode final : public Node {
 public:
  // `chain` is a filter expression whose innermost input is a BodyText placeholder.
  FilterBlockNode(size_t offset, Body body, ExprPtr chain) : Node(offset), body_(std::move(body)), chain_(std::move(chain)) {}
  void render(RenderContext& ctx, std::string& out) const override;

 private:
  Body body_;
  ExprPtr chain_;
};

// The placeholder a {% filter %} chain starts from: the block's rendered body.
class BodyText final : public Expr {
 public:
  explicit BodyText(size_t offset) : Expr(offset) {}
  Operand resolve(RenderContext& ctx) const override;
};

struct Macro {
  struct Parameter {
    std::string name;
    ExprPtr default_value;  // may be null
  };
  size_t offset;
  std::string name;
  std::vector<Parameter> parameters;
  Body body;
};

// Everything compile() produces.
struct CompiledTemplate {
  std::string source;
  Body body;
  std::vector<Macro> macros;
  const Macro* find_macro(std::string_view name) const;
};

}  // namespace runwatch::expr
