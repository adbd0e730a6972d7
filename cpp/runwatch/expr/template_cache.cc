#include "runwatch/expr/template_cache.h"

#include <mutex>

namespace runwatch::expr {

TemplateCache& TemplateCache::global() {
  static auto* cache = new TemplateCache;  // leaked: used until the process ends
  return *cache;
}

std::optional<TemplateSyntaxError> TemplateCache::check(std::string_view text) const {
  try {
    get(text);
    return std::nullopt;
  } catch (const TemplateError& e) {
    return TemplateSyntaxError{e.line, e.column, e.message};
  }
}

std::shared_ptr<const Template> TemplateCache::get(std::string_view text) const {
  {
    std::shared_lock lock(mutex_);
    if (auto it = templates_.find(text); it != templates_.end()) return it->second;
  }
  auto compiled = Template::compile(text);
  std::unique_lock lock(mutex_);
  if (templates_.size() < kMaxEntries) templates_.emplace(std::string(text), compiled);
  return compiled;
}

size_t TemplateCache::size() const {
  std::shared_lock lock(mutex_);
  return templates_.size();
}

}  // namespace runwatch::expr
