// jq's grammar, the part runwatch runs, by recursive descent. Precedence from the
// loosest: `|`, `,`, `//`, `or`, `and`, comparisons, `+ -`, `* / %`, unary minus, then
// a term and its suffixes (`.a`, `[i]`, `[a:b]`, `[]`, `?`).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "runwatch/expr/jq.h"
#include "runwatch/expr/jq_ast.h"
#include "runwatch/model/json_text.h"
#include "runwatch/model/utf8.h"

namespace runwatch::expr {
namespace jq {
namespace {

bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// jq keywords a flow could use that runwatch does not run.
bool unsupported_keyword(std::string_view word) {
  for (std::string_view k :
       {"as",    "def",   "reduce",  "foreach", "try",      "catch",      "label",   "import",  "include",
        "error", "input", "inputs",  "env",     "path",     "paths",      "getpath", "setpath", "delpaths",
        "del",   "until", "while",   "repeat",  "recurse",  "walk",       "splits",  "sub",     "gsub",
        "test",  "match", "capture", "scan",    "tostream", "fromstream", "implode", "explode", "input_filename"})
    if (word == k) return true;
  return false;
}

Node node(Kind kind, std::vector<Node> children = {}, std::string name = {}) {
  Node n;
  n.kind = kind;
  n.children = std::move(children);
  n.name = std::move(name);
  return n;
}

Node literal(Value value) {
  Node n;
  n.kind = Kind::Literal;
  n.literal = std::move(value);
  return n;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Node program() {
    skip_space();
    if (at_end()) return node(Kind::Identity);
    Node root = pipe(true);
    skip_space();
    if (!at_end()) fail_unexpected();
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::invalid_argument("jq: " + what + " at column " + std::to_string(pos_ + 1));
  }

  bool at_end() const { return pos_ >= text_.size(); }

  // At a character that cannot come next: names a jq keyword runwatch lacks as such.
  [[noreturn]] void fail_unexpected() {
    size_t end = pos_;
    while (end < text_.size() && is_ident_char(text_[end])) ++end;
    std::string_view word = text_.substr(pos_, end - pos_);
    if (!word.empty() && is_ident_start(word.front()) && unsupported_keyword(word))
      fail("'" + std::string(word) + "' is not supported by runwatch");
    fail("unexpected '" + std::string(1, text_[pos_]) + "'");
  }

  void skip_space() {
    while (!at_end()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++pos_;
      } else if (c == '#') {
        while (!at_end() && text_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }

  // Consumes `token` (after spaces) when it is next; a word must not run on into an identifier.
  bool accept(std::string_view token) {
    skip_space();
    if (text_.substr(pos_, token.size()) != token) return false;
    if (is_ident_start(token.front()) && pos_ + token.size() < text_.size() &&
        is_ident_char(text_[pos_ + token.size()]))
      return false;
    pos_ += token.size();
    return true;
  }

  void expect(std::string_view token) {
    if (!accept(token)) {
      skip_space();
      fail("expected '" + std::string(token) + "'" +
           (at_end() ? std::string(" before the end") : ", found '" + std::string(1, text_[pos_]) + "'"));
    }
  }

  bool next_is(std::string_view token) {
    skip_space();
    return text_.substr(pos_, token.size()) == token;
  }

  // Every nesting construct goes through here, so that deep programs fail, not the stack.
  struct Depth {
    explicit Depth(Parser& p) : parser(p) {
      if (++parser.depth_ > kMaxJqNesting)
        parser.fail("program nested deeper than " + std::to_string(kMaxJqNesting) + " levels");
    }
    ~Depth() { --parser.depth_; }
    Parser& parser;
  };

  Node pipe(bool allow_comma) {
    Depth depth(*this);
    Node left = allow_comma ? comma() : alternative();
    if (next_is("|=")) fail("assignment operators are not supported by runwatch");
    if (!accept("|")) return left;
    return node(Kind::Pipe, {std::move(left), pipe(allow_comma)});
  }

  Node comma() {
    Node left = alternative();
    while (accept(",")) left = node(Kind::Comma, {std::move(left), alternative()});
    return left;
  }

  Node alternative() {
    Depth depth(*this);
    Node left = disjunction();
    if (next_is("//=")) fail("assignment operators are not supported by runwatch");
    if (!accept("//")) return left;
    return node(Kind::Alternative, {std::move(left), alternative()});
  }

  Node disjunction() {
    Node left = conjunction();
    while (accept("or")) left = node(Kind::Or, {std::move(left), conjunction()});
    return left;
  }

  Node conjunction() {
    Node left = comparison();
    while (accept("and")) left = node(Kind::And, {std::move(left), comparison()});
    return left;
  }

  Node comparison() {
    Node left = additive();
    for (std::string_view op : {"==", "!=", "<=", ">=", "<", ">"}) {
      if (!accept(op)) continue;
      Node right = additive();
      for (std::string_view again : {"==", "!=", "<", ">"})
        if (next_is(again)) fail("comparisons do not chain: add parentheses");
      return node(Kind::Binary, {std::move(left), std::move(right)}, std::string(op));
    }
    if (next_is("=") && !next_is("==")) fail("assignment operators are not supported by runwatch");
    return left;
  }

  Node additive() {
    Node left = multiplicative();
    for (;;) {
      skip_space();
      if (next_is("+=") || next_is("-=")) fail("assignment operators are not supported by runwatch");
      if (accept("+")) {
        left = node(Kind::Binary, {std::move(left), multiplicative()}, "+");
      } else if (accept("-")) {
        left = node(Kind::Binary, {std::move(left), multiplicative()}, "-");
      } else {
        return left;
      }
    }
  }

  Node multiplicative() {
    Node left = unary();
    for (;;) {
      if (next_is("*=") || next_is("/=") || next_is("%=")) fail("assignment operators are not supported by runwatch");
      if (next_is("//")) return left;
      std::string op;
      for (std::string_view candidate : {"*", "/", "%"})
        if (accept(candidate)) op = candidate;
      if (op.empty()) return left;
      left = node(Kind::Binary, {std::move(left), unary()}, op);
    }
  }

  Node unary() {
    Depth depth(*this);
    if (accept("-")) return node(Kind::Negate, {unary()});
    return postfix();
  }

  Node postfix() {
    Node term = primary();
    for (;;) {
      skip_space();
      if (accept("?")) {
        term = node(Kind::Try, {std::move(term)});
      } else if (next_is("[")) {
        term = bracket_suffix(std::move(term));
      } else if (next_is(".") && !next_is("..") && pos_ + 1 < text_.size() &&
                 (is_ident_start(text_[pos_ + 1]) || text_[pos_ + 1] == '"' || text_[pos_ + 1] == '[')) {
        ++pos_;
        term = dot_suffix(std::move(term));
      } else {
        return term;
      }
    }
  }

  // After a `.`: a field name, a quoted field or a bracket.
  Node dot_suffix(Node target) {
    if (text_[pos_] == '[') return bracket_suffix(std::move(target));
    std::string name = text_[pos_] == '"' ? string_literal() : identifier();
    return node(Kind::Field, {std::move(target)}, std::move(name));
  }

  Node bracket_suffix(Node target) {
    expect("[");
    if (accept("]")) return node(Kind::Iterate, {std::move(target)});
    if (accept(":")) {
      Node to = pipe(true);
      expect("]");
      return node(Kind::Slice, {std::move(target), literal(nullptr), std::move(to)});
    }
    Node index = pipe(true);
    if (accept(":")) {
      Node to = next_is("]") ? literal(nullptr) : pipe(true);
      expect("]");
      return node(Kind::Slice, {std::move(target), std::move(index), std::move(to)});
    }
    expect("]");
    return node(Kind::Index, {std::move(target), std::move(index)});
  }

  Node primary() {
    Depth depth(*this);
    skip_space();
    if (at_end()) fail("expected a value before the end");
    char c = text_[pos_];
    if (c == '.') {
      if (accept("..")) return node(Kind::RecurseAll);
      ++pos_;
      if (!at_end() && (is_ident_start(text_[pos_]) || text_[pos_] == '"' || text_[pos_] == '['))
        return dot_suffix(node(Kind::Identity));
      return node(Kind::Identity);
    }
    if (c == '"') return literal(string_literal());
    if (is_digit(c)) return literal(number());
    if (c == '$') fail("variables are not supported by runwatch");
    if (c == '@') fail("formats (@csv, @base64...) are not supported by runwatch");
    if (accept("(")) {
      Node inner = pipe(true);
      expect(")");
      return inner;
    }
    if (accept("[")) {
      if (accept("]")) return node(Kind::Array);
      Node inner = pipe(true);
      expect("]");
      return node(Kind::Array, {std::move(inner)});
    }
    if (accept("{")) return object();
    if (is_ident_start(c)) return word();
    fail_unexpected();
  }

  Node object() {
    std::vector<Node> entries;
    if (accept("}")) return node(Kind::Object);
    do {
      skip_space();
      if (at_end()) fail("expected an object key before the end");
      Node key;
      std::string shorthand;
      if (text_[pos_] == '"') {
        shorthand = string_literal();
        key = literal(shorthand);
      } else if (text_[pos_] == '$') {
        fail("variables are not supported by runwatch");
      } else if (accept("(")) {
        key = pipe(true);
        expect(")");
      } else {
        shorthand = identifier();
        key = literal(shorthand);
      }
      if (accept(":")) {
        entries.push_back(std::move(key));
        entries.push_back(object_value());
      } else if (!shorthand.empty()) {
        entries.push_back(std::move(key));
        entries.push_back(node(Kind::Field, {node(Kind::Identity)}, shorthand));
      } else {
        fail("expected ':' after a computed object key");
      }
    } while (accept(","));
    expect("}");
    return node(Kind::Object, std::move(entries));
  }

  // An object's value stops at `,` (the next entry) unless it is in parentheses.
  Node object_value() { return pipe(false); }

  Node word() {
    size_t start = pos_;
    std::string name = identifier();
    if (name == "true") return literal(true);
    if (name == "false") return literal(false);
    if (name == "null") return literal(nullptr);
    if (name == "if") return conditional();
    if (name == "then" || name == "elif" || name == "else" || name == "end") fail("unexpected '" + name + "'");
    std::vector<Node> arguments;
    if (accept("(")) {
      do arguments.push_back(pipe(true));
      while (accept(";"));
      expect(")");
    }
    if (!builtin_exists(name, arguments.size())) {
      pos_ = start;
      if (unsupported_keyword(name)) fail("'" + name + "' is not supported by runwatch");
      fail("unknown function '" + name + "/" + std::to_string(arguments.size()) + "'");
    }
    return node(Kind::Call, std::move(arguments), std::move(name));
  }

  Node conditional() {
    std::vector<Node> parts;
    parts.push_back(pipe(true));
    expect("then");
    parts.push_back(pipe(true));
    while (accept("elif")) {
      parts.push_back(pipe(true));
      expect("then");
      parts.push_back(pipe(true));
    }
    parts.push_back(accept("else") ? pipe(true) : node(Kind::Identity));
    expect("end");
    return node(Kind::If, std::move(parts));
  }

  std::string identifier() {
    skip_space();
    if (at_end() || !is_ident_start(text_[pos_])) fail("expected a name");
    size_t start = pos_;
    while (!at_end() && is_ident_char(text_[pos_])) ++pos_;
    if (!at_end() && text_[pos_] == ':' && pos_ + 1 < text_.size() && text_[pos_ + 1] == ':')
      fail("modules are not supported by runwatch");
    return std::string(text_.substr(start, pos_ - start));
  }

  // A JSON string literal; `\(` interpolation is refused.
  std::string string_literal() {
    size_t start = pos_++;
    while (!at_end() && text_[pos_] != '"') {
      if (text_[pos_] == '\\') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '(')
          fail("string interpolation is not supported by runwatch");
        ++pos_;
      }
      ++pos_;
    }
    if (at_end()) {
      pos_ = start;
      fail("unterminated string");
    }
    ++pos_;
    Value parsed = parse_json_or_discarded(text_.substr(start, pos_ - start));
    if (!parsed.is_string()) {
      pos_ = start;
      fail("invalid escape in a string");
    }
    return parsed.get<std::string>();
  }

  Value number() {
    size_t start = pos_;
    while (!at_end() && is_digit(text_[pos_])) ++pos_;
    bool fraction = false;
    if (!at_end() && text_[pos_] == '.' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1])) {
      fraction = true;
      ++pos_;
      while (!at_end() && is_digit(text_[pos_])) ++pos_;
    }
    if (!at_end() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      size_t mark = pos_++;
      if (!at_end() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (at_end() || !is_digit(text_[pos_])) {
        pos_ = mark;
      } else {
        fraction = true;
        while (!at_end() && is_digit(text_[pos_])) ++pos_;
      }
    }
    std::string_view digits = text_.substr(start, pos_ - start);
    if (!fraction) {
      std::int64_t whole = 0;
      auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), whole);
      if (error == std::errc() && end == digits.data() + digits.size()) return whole;
    }
    double value = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || !std::isfinite(value)) {
      pos_ = start;
      fail("number out of range");
    }
    return value;
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t depth_ = 0;
};

// Chains (`.a.b.c`, `1 + 2 + 3`) nest the tree without nesting the parser.
size_t depth_of(const Node& n) {
  size_t deepest = 0;
  for (const Node& child : n.children) deepest = std::max(deepest, depth_of(child));
  return deepest + 1;
}

}  // namespace
}  // namespace jq

JqProgram JqProgram::compile(std::string_view text) {
  if (text.size() > kMaxJqProgramBytes)
    throw std::invalid_argument("jq: a program is at most " + std::to_string(kMaxJqProgramBytes) + " bytes");
  if (auto at = invalid_utf8_at(text))
    throw std::invalid_argument("jq: invalid UTF-8 at byte " + std::to_string(*at + 1));
  auto root = std::make_shared<const jq::Node>(jq::Parser(text).program());
  if (jq::depth_of(*root) > kMaxJqNesting)
    throw std::invalid_argument("jq: program nested deeper than " + std::to_string(kMaxJqNesting) + " levels");
  return JqProgram(std::move(root));
}

}  // namespace runwatch::expr
