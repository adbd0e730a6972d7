#pragma once
// Kestra's Pebble dialect: a template is compiled once into an immutable tree and
// rendered many times, from any number of threads at once.
//
//   auto t = Template::compile("Hello {{ inputs.name | upper }}");
//   std::string text = t->render(variables, builtin_functions());
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runwatch/expr/errors.h"
#include "runwatch/expr/functions.h"
#include "runwatch/model/cancellation.h"
#include "runwatch/model/value.h"

namespace runwatch::expr {

struct CompiledTemplate;

// What the rendered text is. In a JSON document, a value printed inside a JSON string
// literal is escaped for it, so a quote or a newline in a message (an error log, a
// failure reason) cannot break the document; a value printed outside a string (a
// number, `{{ list | json }}`) is printed as it is.
enum class OutputContext { Text, JsonDocument };
class Expr;

// The texts of at least this many bytes that a render computes from a secret are what it
// reports: a shorter one (a character of a slice, a length) would mask too much of
// everything else, so it is not searched for elsewhere.
inline constexpr size_t kMinDerivedSecretBytes = 4;
// At most this many in RenderOptions::derived_secrets (which a caller may share between
// renders): past it the render fails rather than reveal one.
inline constexpr size_t kMaxDerivedSecrets = 1000;

// How far one render may go: it stops, with a RenderError, once the deadline passes or
// the cancellation (a task's kill or timeout) is set. Checked at every loop iteration
// and macro call, which is where a small template can spend unbounded time.
// With `derived_secrets`, every text the render computes from a value of a function
// marked as revealing a secret (Functions::add_secret) is added there (taint tracking:
// through filters, operators, members, {% set %}, loops and macros), for the caller to
// mask wherever it writes. A string of the variables equal to one of `secret_values` is
// a secret too: what is computed from it is tainted the same way.
struct RenderOptions {
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  const Cancellation* cancellation = nullptr;
  std::vector<std::string>* derived_secrets = nullptr;
  const std::vector<std::string>* secret_values = nullptr;
  static RenderOptions within(std::chrono::steady_clock::duration budget, const Cancellation* cancellation = nullptr,
                              std::vector<std::string>* derived_secrets = nullptr) {
    return {std::chrono::steady_clock::now() + budget, cancellation, derived_secrets, nullptr};
  }
};

class Template {
 public:
  // Throws TemplateError.
  static std::shared_ptr<const Template> compile(std::string_view text);
  ~Template();

  // No {{ }}, {% %} nor {# #}: render returns the text as it is.
  bool is_constant() const { return constant_; }
  // Throws RenderError (UndefinedVariableError for an undefined variable).
  std::string render(const Value& variables, const Functions& functions,
                     OutputContext context = OutputContext::Text, const RenderOptions& limits = {}) const;
  // For a template that is a single "{{ expr }}" (whitespace around allowed), the raw
  // value of expr: a number, list or map stays one. Otherwise the rendered text.
  Value evaluate(const Value& variables, const Functions& functions, const RenderOptions& limits = {}) const;
  const std::string& text() const;

 private:
  explicit Template(std::unique_ptr<const CompiledTemplate> compiled);
  std::unique_ptr<const CompiledTemplate> compiled_;
  bool constant_;
  const Expr* single_expression_;  // set when the template is one {{ expr }}
};

}  // namespace runwatch::expr
