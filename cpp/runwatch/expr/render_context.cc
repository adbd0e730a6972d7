#include "runwatch/expr/render_context.h"

#include <algorithm>

#include "runwatch/expr/errors.h"
#include "runwatch/expr/source_position.h"
#include "runwatch/model/size_limits.h"

namespace runwatch::expr {

ScopeChain::ScopeChain(const Value& variables) : variables_(variables) {
  scopes_.reserve(8);
  scopes_.emplace_back();
}

void ScopeChain::push(bool isolated) {
  scopes_.emplace_back();
  scopes_.back().isolated = isolated;
}

void ScopeChain::pop() { scopes_.pop_back(); }

ScopeChain::Entry* ScopeChain::find_in(Scope& scope, std::string_view name) {
  for (auto& entry : scope.entries)
    if (entry.name == name) return &entry;
  return nullptr;
}

Operand ScopeChain::find(std::string_view name) const {
  for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope) {
    for (const auto& entry : scope->entries)
      if (entry.name == name) return Operand::borrowed(entry.value.value(), true).taint(entry.value.is_tainted());
    if (scope->isolated) return Operand::undefined(std::string(name), 0);
  }
  if (variables_.is_object()) {
    auto it = variables_.find(name);
    if (it != variables_.end()) return Operand::borrowed(*it);
  }
  return Operand::undefined(std::string(name), 0);
}

void ScopeChain::bind(std::string_view name, Operand value) {
  auto& scope = scopes_.back();
  if (Entry* entry = find_in(scope, name)) entry->value = std::move(value);
  else scope.entries.push_back({name, std::move(value)});
}

void ScopeChain::assign(std::string_view name, Operand value) {
  if (!value.is_owned()) value = Operand::owned(value.value()).taint(value.is_tainted());
  for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope) {
    if (Entry* entry = find_in(*scope, name)) {
      entry->value = std::move(value);
      return;
    }
    if (scope->isolated) {
      scopes_.back().entries.push_back({name, std::move(value)});
      return;
    }
  }
  // Shadowing a caller's variable keeps it visible after the scope that set it ends.
  bool shadows_variable = variables_.is_object() && variables_.contains(name);
  auto& scope = shadows_variable ? scopes_.front() : scopes_.back();
  scope.entries.push_back({name, std::move(value)});
}

void RenderContext::fail(size_t offset, const std::string& message) const {
  int line = position_of(tmpl.source, offset).line;
  throw RenderError(line, message, message + " (" + tmpl.source + ":" + std::to_string(line) + ")");
}

void RenderContext::checkpoint(size_t offset, size_t output_size) const {
  if (output_size > kMaxTextBytes)
    fail(offset, "The rendered text would be longer than " + std::to_string(kMaxTextBytes >> 20) + " MiB");
  if (limits.cancellation && limits.cancellation->cancelled())
    fail(offset, "Rendering stopped: " + limits.cancellation->reason());
  if (std::chrono::steady_clock::now() > limits.deadline) fail(offset, "Rendering took longer than its time budget");
}

void RenderContext::derived_secret(const Value& value, size_t offset) {
  if (!limits.derived_secrets) return;
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      derived_secret(it.key(), offset);
      derived_secret(it.value(), offset);
    }
  } else if (value.is_array()) {
    for (const auto& item : value) derived_secret(item, offset);
  } else if (value.is_string()) {
    auto& found = *limits.derived_secrets;
    const auto& text = value.get_ref<const std::string&>();
    if (text.size() < kMinDerivedSecretBytes || std::find(found.begin(), found.end(), text) != found.end()) return;
    if (found.size() >= kMaxDerivedSecrets)
      fail(offset, "More than " + std::to_string(kMaxDerivedSecrets) + " values computed from secrets in one render");
    found.push_back(text);
  }
}

bool RenderContext::is_secret_value(const Value& value) const {
  if (!limits.secret_values || !value.is_string()) return false;
  const auto& values = *limits.secret_values;
  return std::find(values.begin(), values.end(), value.get_ref<const std::string&>()) != values.end();
}

void RenderContext::fail_undefined(std::string_view name, size_t offset) const {
  int line = position_of(tmpl.source, offset).line;
  std::string message = "Unable to find `" + std::string(name) + "`";
  throw UndefinedVariableError(line, std::string(name), message,
                               message + " used in the expression `" + tmpl.source + "` at line " + std::to_string(line));
}

}  // namespace runwatch::expr
