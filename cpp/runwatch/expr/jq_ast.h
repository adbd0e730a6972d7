#pragma once
// A compiled jq program, a tree of nodes, and what the parser, the evaluator and the
// builtins share.
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "runwatch/model/value.h"

namespace runwatch::expr::jq {

enum class Kind {
  Identity,     // .
  RecurseAll,   // ..
  Literal,      // 1, "a", true, null
  Field,        // children[0].name
  Index,        // children[0][children[1]]
  Slice,        // children[0][children[1]:children[2]] (an absent bound is a null Literal)
  Iterate,      // children[0][]
  Try,          // children[0]?
  Pipe,         // children[0] | children[1]
  Comma,        // children[0], children[1]
  Alternative,  // children[0] // children[1]
  And,
  Or,
  Binary,  // children[0] <name> children[1]: == != < <= > >= + - * / %
  Negate,  // -children[0]
  Array,   // [children[0]], or [] without children
  Object,  // {children[0]: children[1], children[2]: children[3], ...}
  If,      // if c0 then c1 (elif c2 then c3)* else cN end; no else: `.`
  Call,    // name(children...)
};

struct Node {
  Kind kind = Kind::Identity;
  std::string name;  // a field, an operator or a builtin
  Value literal;
  std::vector<Node> children;
};

// An error of the program on its input (`?` and `//` suppress these, and nothing else).
struct RuntimeError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

using Sink = std::function<void(const Value&)>;

// Runs nodes on values, every output to a sink, counting the work.
class Evaluator {
 public:
  explicit Evaluator(size_t max_work) : max_work_(max_work) {}
  void eval(const Node& n, const Value& in, const Sink& out);
  // Every output, in a list (`[f]`).
  Value collect(const Node& n, const Value& in);
  // Counts `units` of work; std::length_error past the run's limit.
  void charge(size_t units);
  // Charges a value about to be copied: a unit per element, nested ones included.
  void charge_copy(const Value& v);

 private:
  void recurse_all(const Value& in, const Sink& out);
  void build_object(const Node& n, size_t entry, const Value& in, Value& partial, const Sink& out);
  void conditional(const Node& n, size_t part, const Value& in, const Sink& out);
  void suppressing_errors(const Node& n, const Value& in, const Sink& out);
  size_t work_ = 0;
  size_t max_work_;
};

bool builtin_exists(std::string_view name, size_t arity);
void call_builtin(Evaluator& evaluator, const Node& call, const Value& in, const Sink& out);

// jq's values: type names, truth, total order and equality, operators.
std::string type_name(const Value& v);
bool truthy(const Value& v);
int order(const Value& a, const Value& b);
inline bool equal(const Value& a, const Value& b) { return order(a, b) == 0; }
Value binary(std::string_view op, const Value& a, const Value& b);
// A string's characters (code points: jq's length, slices, split("") and reverse count them).
std::vector<std::string_view> characters(std::string_view s);

}  // namespace runwatch::expr::jq
