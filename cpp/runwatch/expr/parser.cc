#include "runwatch/expr/parser.h"

#include <array>
#include <charconv>
#include <initializer_list>

#include "runwatch/expr/errors.h"
#include "runwatch/expr/lexer.h"
#include "runwatch/expr/source_position.h"

namespace runwatch::expr {
namespace {

struct BinaryOperator {
  std::string_view symbol;
  int precedence;
};

// Pebble's precedences, with Kestra's ??, ??? and in / not in.
constexpr std::array<BinaryOperator, 24> kBinaryOperators = {{
    {"or", 10}, {"and", 15}, {"is", 20}, {"is not", 20}, {"contains", 20}, {"in", 20}, {"not in", 20},
    {"==", 30}, {"equals", 30}, {"!=", 30}, {">", 30}, {"<", 30}, {">=", 30}, {"<=", 30},
    {"+", 40}, {"-", 40}, {"*", 60}, {"/", 60}, {"%", 60}, {"|", 100}, {"~", 110},
    {"..", 120}, {"??", 120}, {"???", 120},
}};
constexpr int kUnaryPrecedence = 500;

BinaryOp binary_op(std::string_view symbol) {
  if (symbol == "or") return BinaryOp::Or;
  if (symbol == "and") return BinaryOp::And;
  if (symbol == "contains") return BinaryOp::Contains;
  if (symbol == "in") return BinaryOp::In;
  if (symbol == "not in") return BinaryOp::NotIn;
  if (symbol == "==" || symbol == "equals") return BinaryOp::Equal;
  if (symbol == "!=") return BinaryOp::NotEqual;
  if (symbol == ">") return BinaryOp::Greater;
  if (symbol == "<") return BinaryOp::Less;
  if (symbol == ">=") return BinaryOp::GreaterEqual;
  if (symbol == "<=") return BinaryOp::LessEqual;
  if (symbol == "+") return BinaryOp::Add;
  if (symbol == "-") return BinaryOp::Subtract;
  if (symbol == "*") return BinaryOp::Multiply;
  if (symbol == "/") return BinaryOp::Divide;
  if (symbol == "%") return BinaryOp::Modulus;
  if (symbol == "~") return BinaryOp::Concat;
  return BinaryOp::Range;
}

// Rendering and destroying a tree recurse once per level; past these, a template is
// refused at compile time instead of overflowing the stack.
constexpr int kMaxExpressionDepth = 500;
constexpr int kMaxTagNesting = 100;

class Parser {
 public:
  explicit Parser(std::string_view source) : source_(source), tokens_(tokenize(source)) {}

  CompiledTemplate run() {
    CompiledTemplate result;
    result.source = std::string(source_);
    result.body = parse_body({}, nullptr);
    result.macros = std::move(macros_);
    return result;
  }

 private:
  struct Opener {
    std::string_view tag;
    size_t offset;
    std::string_view expected;
  };

  const Token& current() const { return tokens_[pos_]; }
  const Token& peek() const { return tokens_[std::min(pos_ + 1, tokens_.size() - 1)]; }
  const Token& advance() { return tokens_[pos_++]; }
  bool at(TokenKind kind, std::string_view text = {}) const {
    return current().kind == kind && (text.empty() || current().text == text);
  }
  bool accept(TokenKind kind, std::string_view text) {
    if (!at(kind, text)) return false;
    ++pos_;
    return true;
  }

  [[noreturn]] void fail(size_t offset, std::string message) const {
    auto position = position_of(source_, offset);
    throw TemplateError(position.line, position.column, std::move(message));
  }

  static std::string describe(const Token& token) {
    switch (token.kind) {
      case TokenKind::End: return "end of template";
      case TokenKind::PrintOpen: return "\"{{\"";
      case TokenKind::TagOpen: return "\"{%\"";
      case TokenKind::InterpolatedOpen:
      case TokenKind::String: return "string";
      default: return "\"" + token.text + "\"";
    }
  }

  // Counts one level of parser recursion for as long as it lives.
  class Level {
   public:
    Level(Parser& parser, int& depth, int limit, std::string_view what) : depth_(depth) {
      if (++depth_ > limit) {
        --depth_;
        parser.fail(parser.current().offset, std::string(what) + " nested deeper than " + std::to_string(limit) + " levels");
      }
    }
    ~Level() { --depth_; }
    Level(const Level&) = delete;
    Level& operator=(const Level&) = delete;

   private:
    int& depth_;
  };

  ExprPtr bounded(ExprPtr expr) {
    if (expr->depth() > kMaxExpressionDepth)
      fail(expr->offset(), "Expression nested deeper than " + std::to_string(kMaxExpressionDepth) + " levels");
    return expr;
  }

  const Token& expect(TokenKind kind, std::string_view text, std::string_view what) {
    if (!at(kind, text)) fail(current().offset, "Unexpected " + describe(current()) + ", expected " + std::string(what));
    return advance();
  }

  // ---- statements ----

  // Parses up to a tag named in `stops` (left current, after its "{%") or the end.
  Body parse_body(std::initializer_list<std::string_view> stops, const Opener* opener) {
    Body body;
    for (;;) {
      const Token& token = current();
      switch (token.kind) {
        case TokenKind::End:
          if (opener)
            fail(opener->offset, "Unclosed tag \"" + std::string(opener->tag) + "\": expected \"" + std::string(opener->expected) + "\"");
          return body;
        case TokenKind::Text:
          body.push_back(std::make_unique<TextNode>(token.offset, token.text));
          advance();
          break;
        case TokenKind::PrintOpen: {
          advance();
          auto expr = parse_expression();
          expect(TokenKind::PrintClose, "", "\"}}\"");
          body.push_back(std::make_unique<PrintNode>(token.offset, std::move(expr)));
          break;
        }
        case TokenKind::TagOpen: {
          advance();
          const Token& name = current();
          if (name.kind != TokenKind::Name) fail(name.offset, "A tag must start with a tag name, found " + describe(name));
          for (auto stop : stops)
            if (name.text == stop) return body;
          if (auto node = parse_tag(token.offset)) body.push_back(std::move(node));
          break;
        }
        default: fail(token.offset, "Unexpected " + describe(token));
      }
    }
  }

  NodePtr parse_tag(size_t open) {
    Level level(*this, tag_nesting_, kMaxTagNesting, "Tags");
    const Token& name = advance();
    if (name.text == "if") return parse_if(open);
    if (name.text == "for") return parse_for(open);
    if (name.text == "set") return parse_set(open);
    if (name.text == "macro") {
      parse_macro(open);
      return nullptr;
    }
    if (name.text == "filter") return parse_filter_block(open);
    fail(name.offset, "Unexpected tag name \"" + name.text + "\"");
  }

  void end_tag() { expect(TokenKind::TagClose, "", "\"%}\""); }

  NodePtr parse_if(size_t open) {
    Opener opener{"if", open, "endif"};
    std::vector<IfNode::Branch> branches;
    Body otherwise;
    auto condition = parse_expression();
    end_tag();
    branches.push_back({std::move(condition), parse_body({"elseif", "else", "endif"}, &opener)});
    for (;;) {
      std::string tag = advance().text;
      if (tag == "endif") break;
      if (tag == "elseif") {
        auto next = parse_expression();
        end_tag();
        branches.push_back({std::move(next), parse_body({"elseif", "else", "endif"}, &opener)});
      } else {
        end_tag();
        otherwise = parse_body({"endif"}, &opener);
      }
    }
    end_tag();
    return std::make_unique<IfNode>(open, std::move(branches), std::move(otherwise));
  }

  std::string parse_new_variable_name() {
    const Token& name = expect(TokenKind::Name, "", "a variable name");
    for (auto reserved : {"true", "false", "null", "none"})
      if (name.text == reserved) fail(name.offset, "Can not assign a value to " + name.text);
    return name.text;
  }

  NodePtr parse_for(size_t open) {
    Opener opener{"for", open, "endfor"};
    auto variable = parse_new_variable_name();
    if (!accept(TokenKind::Operator, "in")) expect(TokenKind::Name, "in", "\"in\"");
    auto iterable = parse_expression();
    end_tag();
    auto body = parse_body({"else", "endfor"}, &opener);
    Body otherwise;
    if (advance().text == "else") {
      end_tag();
      otherwise = parse_body({"endfor"}, &opener);
      advance();
    }
    end_tag();
    return std::make_unique<ForNode>(open, std::move(variable), std::move(iterable), std::move(body), std::move(otherwise));
  }

  NodePtr parse_set(size_t open) {
    auto name = parse_new_variable_name();
    expect(TokenKind::Punctuation, "=", "\"=\"");
    auto value = parse_expression();
    end_tag();
    return std::make_unique<SetNode>(open, std::move(name), std::move(value));
  }

  void parse_macro(size_t open) {
    const Token& name = expect(TokenKind::Name, "", "a macro name");
    Macro macro{open, name.text, {}, {}};
    for (const auto& existing : macros_)
      if (existing.name == macro.name) fail(name.offset, "Macro \"" + macro.name + "\" is already defined");
    expect(TokenKind::Punctuation, "(", "\"(\"");
    while (!accept(TokenKind::Punctuation, ")")) {
      if (!macro.parameters.empty()) expect(TokenKind::Punctuation, ",", "\",\" or \")\"");
      Macro::Parameter parameter{parse_new_variable_name(), nullptr};
      if (accept(TokenKind::Punctuation, "=")) parameter.default_value = parse_expression();
      macro.parameters.push_back(std::move(parameter));
    }
    end_tag();
    Opener opener{"macro", open, "endmacro"};
    macro.body = parse_body({"endmacro"}, &opener);
    advance();
    end_tag();
    macros_.push_back(std::move(macro));
  }

  NodePtr parse_filter_block(size_t open) {
    ExprPtr chain = std::make_unique<BodyText>(open);
    do chain = bounded(parse_filter_invocation(std::move(chain)));
    while (accept(TokenKind::Operator, "|"));
    end_tag();
    Opener opener{"filter", open, "endfilter"};
    auto body = parse_body({"endfilter"}, &opener);
    advance();
    end_tag();
    return std::make_unique<FilterBlockNode>(open, std::move(body), std::move(chain));
  }

  // ---- expressions ----

  static const BinaryOperator* binary_operator(const Token& token) {
    if (token.kind != TokenKind::Operator) return nullptr;
    for (const auto& op : kBinaryOperators)
      if (op.symbol == token.text) return &op;
    return nullptr;
  }

  ExprPtr parse_expression(int min_precedence = 0) {
    Level level(*this, expression_nesting_, kMaxExpressionDepth, "Expression");
    const Token& first = current();
    ExprPtr expr;
    if (first.kind == TokenKind::Operator && (first.text == "not" || first.text == "-" || first.text == "+")) {
      advance();
      auto operand = parse_expression(kUnaryPrecedence);
      auto op = first.text == "not" ? UnaryOp::Not : first.text == "-" ? UnaryOp::Minus : UnaryOp::Plus;
      expr = std::make_unique<Unary>(first.offset, op, std::move(operand));
    } else if (accept(TokenKind::Punctuation, "(")) {
      expr = parse_expression();
      expect(TokenKind::Punctuation, ")", "\")\"");
      expr = parse_postfix(std::move(expr));
    } else if (at(TokenKind::Punctuation, "[")) {
      expr = parse_list();
    } else if (at(TokenKind::Punctuation, "{")) {
      expr = parse_map();
    } else {
      expr = parse_postfix(parse_primary());
    }
    while (const BinaryOperator* op = binary_operator(current())) {
      if (op->precedence < min_precedence) break;
      const Token& token = advance();
      if (op->symbol == "|") {
        expr = parse_filter_invocation(std::move(expr));
      } else if (op->symbol == "is" || op->symbol == "is not") {
        expr = parse_test_invocation(std::move(expr), op->symbol == "is not");
      } else {
        auto right = parse_expression(op->precedence + 1);
        if (op->symbol == "??" || op->symbol == "???")
          expr = std::make_unique<Coalesce>(token.offset, std::move(expr), std::move(right), op->symbol == "??");
        else
          expr = std::make_unique<Binary>(token.offset, binary_op(op->symbol), std::move(expr), std::move(right));
      }
      expr = bounded(std::move(expr));
    }
    if (min_precedence == 0 && at(TokenKind::Punctuation, "?")) {
      size_t offset = advance().offset;
      auto then = parse_expression();
      expect(TokenKind::Punctuation, ":", "\":\"");
      auto otherwise = parse_expression();
      expr = std::make_unique<Ternary>(offset, std::move(expr), std::move(then), std::move(otherwise));
    }
    return bounded(std::move(expr));
  }

  ExprPtr parse_primary() {
    const Token& token = current();
    switch (token.kind) {
      case TokenKind::Name: {
        advance();
        if (token.text == "true" || token.text == "TRUE") return std::make_unique<Literal>(token.offset, true);
        if (token.text == "false" || token.text == "FALSE") return std::make_unique<Literal>(token.offset, false);
        if (token.text == "null" || token.text == "NULL" || token.text == "none" || token.text == "NONE")
          return std::make_unique<Literal>(token.offset, nullptr);
        if (at(TokenKind::Punctuation, "(")) return parse_call(token);
        return std::make_unique<VariableRef>(token.offset, token.text);
      }
      case TokenKind::Integer: {
        advance();
        std::int64_t value = 0;
        auto [end, error] = std::from_chars(token.text.data(), token.text.data() + token.text.size(), value);
        if (error != std::errc()) fail(token.offset, "Number too large: " + token.text);
        return std::make_unique<Literal>(token.offset, value);
      }
      case TokenKind::Float: advance(); return std::make_unique<Literal>(token.offset, std::stod(token.text));
      case TokenKind::String: advance(); return std::make_unique<Literal>(token.offset, token.text);
      case TokenKind::InterpolatedOpen: return parse_interpolated_string();
      default: fail(token.offset, "Unexpected " + describe(token) + ", expected an expression");
    }
  }

  // "a #{b} c" is "a " ~ b ~ " c".
  ExprPtr parse_interpolated_string() {
    size_t offset = advance().offset;
    ExprPtr expr = std::make_unique<Literal>(offset, "");
    while (!accept(TokenKind::InterpolatedClose, "")) {
      ExprPtr part;
      if (at(TokenKind::String)) {
        const Token& text = advance();
        part = std::make_unique<Literal>(text.offset, text.text);
      } else {
        expect(TokenKind::InterpolationOpen, "", "\"#{\"");
        part = parse_expression();
        expect(TokenKind::InterpolationClose, "", "\"}\"");
      }
      expr = bounded(std::make_unique<Binary>(offset, BinaryOp::Concat, std::move(expr), std::move(part)));
    }
    return expr;
  }

  ExprPtr parse_postfix(ExprPtr expr) {
    for (;;) {
      if (accept(TokenKind::Punctuation, ".")) {
        const Token& name = expect(TokenKind::Name, "", "an attribute name");
        if (at(TokenKind::Punctuation, "("))
          fail(current().offset, "Method calls are not supported: \"" + name.text + "(...)\"");
        expr = bounded(std::make_unique<MemberRef>(name.offset, std::move(expr), std::make_unique<Literal>(name.offset, name.text)));
      } else if (at(TokenKind::Punctuation, "[")) {
        size_t offset = advance().offset;
        auto key = parse_expression();
        expect(TokenKind::Punctuation, "]", "\"]\"");
        expr = bounded(std::make_unique<MemberRef>(offset, std::move(expr), std::move(key)));
      } else {
        return expr;
      }
    }
  }

  ExprPtr parse_list() {
    size_t offset = advance().offset;
    std::vector<ExprPtr> items;
    while (!accept(TokenKind::Punctuation, "]")) {
      if (!items.empty()) expect(TokenKind::Punctuation, ",", "\",\" or \"]\"");
      items.push_back(parse_expression());
    }
    return std::make_unique<ListLiteral>(offset, std::move(items));
  }

  ExprPtr parse_map() {
    size_t offset = advance().offset;
    std::vector<std::pair<ExprPtr, ExprPtr>> entries;
    while (!accept(TokenKind::Punctuation, "}")) {
      if (!entries.empty()) expect(TokenKind::Punctuation, ",", "\",\" or \"}\"");
      auto key = parse_expression();
      expect(TokenKind::Punctuation, ":", "\":\"");
      entries.emplace_back(std::move(key), parse_expression());
    }
    return std::make_unique<MapLiteral>(offset, std::move(entries));
  }

  struct Arguments {
    std::vector<ExprPtr> positional;
    std::vector<NamedArgument> named;
    std::vector<size_t> named_offsets;
  };

  Arguments parse_arguments() {
    Arguments args;
    expect(TokenKind::Punctuation, "(", "\"(\"");
    while (!accept(TokenKind::Punctuation, ")")) {
      if (!args.positional.empty() || !args.named.empty()) expect(TokenKind::Punctuation, ",", "\",\" or \")\"");
      if (at(TokenKind::Name) && peek().kind == TokenKind::Punctuation && peek().text == "=") {
        const Token& name = advance();
        advance();
        args.named.push_back({name.text, parse_expression()});
        args.named_offsets.push_back(name.offset);
      } else {
        if (!args.named.empty()) fail(current().offset, "Positional arguments must come before named arguments");
        args.positional.push_back(parse_expression());
      }
    }
    return args;
  }

  ExprPtr parse_call(const Token& name) {
    auto args = parse_arguments();
    return std::make_unique<Call>(name.offset, name.text, std::move(args.positional), std::move(args.named));
  }

  ExprPtr parse_filter_invocation(ExprPtr input) {
    const Token& name = expect(TokenKind::Name, "", "a filter name");
    const FilterDef* filter = find_filter(name.text);
    if (!filter) fail(name.offset, "Filter \"" + name.text + "\" does not exist");
    std::vector<ExprPtr> slots(filter->arguments.size());
    if (at(TokenKind::Punctuation, "(")) {
      size_t open = current().offset;
      auto args = parse_arguments();
      if (args.positional.size() > slots.size())
        fail(open, "Filter \"" + name.text + "\" takes " + std::to_string(slots.size()) + " argument(s), " +
                       std::to_string(args.positional.size()) + " given");
      for (size_t i = 0; i < args.positional.size(); ++i) slots[i] = std::move(args.positional[i]);
      for (size_t i = 0; i < args.named.size(); ++i) {
        size_t slot = 0;
        while (slot < slots.size() && filter->arguments[slot] != args.named[i].name) ++slot;
        if (slot == slots.size())
          fail(args.named_offsets[i], "Filter \"" + name.text + "\" has no argument \"" + args.named[i].name + "\"");
        slots[slot] = std::move(args.named[i].value);
      }
    }
    return std::make_unique<FilterCall>(name.offset, std::move(input), *filter, std::move(slots));
  }

  ExprPtr parse_test_invocation(ExprPtr input, bool negated) {
    const Token& name = expect(TokenKind::Name, "", "a test name");
    const TestDef* test = find_test(name.text);
    if (!test) fail(name.offset, "Test \"" + name.text + "\" does not exist");
    if (at(TokenKind::Punctuation, "(")) fail(current().offset, "Test \"" + name.text + "\" takes no arguments");
    return std::make_unique<TestCall>(name.offset, std::move(input), *test, negated);
  }

  std::string_view source_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  std::vector<Macro> macros_;
  int expression_nesting_ = 0;
  int tag_nesting_ = 0;
};

}  // namespace

CompiledTemplate parse_template(std::string_view source) { return Parser(source).run(); }

}  // namespace runwatch::expr
