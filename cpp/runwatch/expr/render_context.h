#pragma once
// The mutable state of one render: the variables, the scopes that {% for %}, {% set %}
// and macros add on top of them, and the error helpers that name the template.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runwatch/expr/ast.h"
#include "runwatch/expr/functions.h"
#include "runwatch/expr/template.h"

namespace runwatch::expr {

// Pebble's scope chain: lookups walk from the innermost scope outwards and stop at an
// isolated scope (a macro sees its arguments only); below all scopes lie the variables.
class ScopeChain {
 public:
  explicit ScopeChain(const Value& variables);
  void push(bool isolated);
  void pop();
  Operand find(std::string_view name) const;
  // Binds a name in the innermost scope (loop variables, macro arguments).
  void bind(std::string_view name, Operand value);
  // {% set %}: updates the nearest scope holding the name, else the innermost one.
  void assign(std::string_view name, Operand value);

 private:
  struct Entry {
    std::string_view name;
    Operand value;
  };
  struct Scope {
    std::vector<Entry> entries;
    bool isolated = false;
  };
  static Entry* find_in(Scope& scope, std::string_view name);
  const Value& variables_;
  std::vector<Scope> scopes_;
};

// Whether the end of an output lies inside a JSON string literal (OutputContext::
// JsonDocument). Outputs only grow while a template renders, so it scans just what was
// appended since it was last asked. A nested output (a macro's, a filter block's) gets
// its own, through NestedOutput.
class JsonStringState {
 public:
  bool inside(const std::string& out) {
    for (; scanned_ < out.size(); ++scanned_) {
      char c = out[scanned_];
      if (escaped_) escaped_ = false;
      else if (inside_ && c == '\\') escaped_ = true;
      else if (c == '"') inside_ = !inside_;
    }
    return inside_;
  }

 private:
  size_t scanned_ = 0;
  bool inside_ = false;
  bool escaped_ = false;
};

struct RenderContext {
  RenderContext(const CompiledTemplate& tmpl, const Value& variables, const Functions& functions,
                const RenderOptions& limits = {})
      : tmpl(tmpl), variables(variables), functions(functions), limits(limits), scopes(variables) {}

  // RenderError at `offset`, Pebble/Kestra style: "message (template:line)".
  [[noreturn]] void fail(size_t offset, const std::string& message) const;
  // Kestra's "Unable to find `name` used in the expression `template` at line N".
  [[noreturn]] void fail_undefined(std::string_view name, size_t offset) const;
  // Fails at `offset` when the render ran out of time, was cancelled, or its output
  // (`output_size` bytes so far) grew past kMaxTextBytes.
  void checkpoint(size_t offset, size_t output_size = 0) const;
  // Reports the texts in a value computed from a secret (RenderOptions::derived_secrets).
  void derived_secret(const Value& value, size_t offset);
  // One of RenderOptions::secret_values.
  bool is_secret_value(const Value& value) const;

  const CompiledTemplate& tmpl;
  const Value& variables;
  const Functions& functions;
  RenderOptions limits;
  ScopeChain scopes;
  int macro_depth = 0;
  bool tainted = false;  // the operands evaluated so far for the node resolving now
  bool json_document = false;  // OutputContext::JsonDocument
  JsonStringState json_string;  // of the output being rendered
  const std::string* block_text = nullptr;  // the body of the innermost {% filter %} block
  bool block_tainted = false;               // and whether it printed a value computed from a secret
};

// While it lives, the output being rendered is a new, nested one.
class NestedOutput {
 public:
  explicit NestedOutput(RenderContext& ctx) : ctx_(ctx), outer_(std::exchange(ctx.json_string, {})) {}
  ~NestedOutput() { ctx_.json_string = outer_; }
  NestedOutput(const NestedOutput&) = delete;
  NestedOutput& operator=(const NestedOutput&) = delete;

 private:
  RenderContext& ctx_;
  JsonStringState outer_;
};

}  // namespace runwatch::expr
