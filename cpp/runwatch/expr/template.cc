#include "runwatch/expr/template.h"

#include "runwatch/expr/ast.h"
#include "runwatch/expr/parser.h"
#include "runwatch/expr/render_context.h"
#include "runwatch/model/utf8.h"

namespace runwatch::expr {
namespace {

bool has_delimiters(std::string_view text) {
  return text.find("{{") != std::string_view::npos || text.find("{%") != std::string_view::npos ||
         text.find("{#") != std::string_view::npos;
}

bool is_blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// The expression of a template made of one {{ expr }} with blank text around it.
const Expr* single_expression(const CompiledTemplate& compiled) {
  const Expr* found = nullptr;
  for (const auto& node : compiled.body) {
    if (auto* print = dynamic_cast<const PrintNode*>(node.get())) {
      if (found) return nullptr;
      found = &print->expr();
    } else if (auto* text = dynamic_cast<const TextNode*>(node.get()); !text || !is_blank(text->text())) {
      return nullptr;
    }
  }
  return compiled.macros.empty() ? found : nullptr;
}

}  // namespace

Template::Template(std::unique_ptr<const CompiledTemplate> compiled)
    : compiled_(std::move(compiled)),
      constant_(!has_delimiters(compiled_->source)),
      single_expression_(single_expression(*compiled_)) {}

Template::~Template() = default;

std::shared_ptr<const Template> Template::compile(std::string_view text) {
  if (auto problem = find_utf8_problem(text, "the template"))
    throw TemplateError(problem->position.line, problem->position.column, problem->message);
  auto compiled = std::make_unique<const CompiledTemplate>(parse_template(text));
  return std::shared_ptr<const Template>(new Template(std::move(compiled)));
}

const std::string& Template::text() const { return compiled_->source; }

std::string Template::render(const Value& variables, const Functions& functions, OutputContext context,
                             const RenderOptions& limits) const {
  if (constant_) return compiled_->source;
  RenderContext ctx(*compiled_, variables, functions, limits);
  ctx.json_document = context == OutputContext::JsonDocument;
  std::string out;
  out.reserve(compiled_->source.size());
  render_body(compiled_->body, ctx, out);
  ctx.checkpoint(compiled_->source.size(), out.size());
  return out;
}

Value Template::evaluate(const Value& variables, const Functions& functions, const RenderOptions& limits) const {
  if (!single_expression_) return render(variables, functions, OutputContext::Text, limits);
  RenderContext ctx(*compiled_, variables, functions, limits);
  return single_expression_->evaluate(ctx).take();
}

}  // namespace runwatch::expr
