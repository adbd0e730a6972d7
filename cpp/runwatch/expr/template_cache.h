#pragma once
// Every template compiled once: the flow loader compiles the templates of a flow's
// properties through this cache when the flow loads, and rendering finds them here.
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "runwatch/expr/template.h"
#include "runwatch/model/template_check.h"

namespace runwatch::expr {

class TemplateCache final : public TemplateChecker {
 public:
  // The process-wide cache.
  static TemplateCache& global();

  std::optional<TemplateSyntaxError> check(std::string_view text) const override;
  // The compiled template; compiles it on a miss. Throws TemplateError.
  std::shared_ptr<const Template> get(std::string_view text) const;
  size_t size() const;

 private:
  // Texts rendered at run time (Python's ctx.render) may be unbounded: past this many
  // entries a miss is compiled for the call and not kept.
  static constexpr size_t kMaxEntries = 100'000;

  mutable std::shared_mutex mutex_;
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  mutable std::unordered_map<std::string, std::shared_ptr<const Template>, TextHash, std::equal_to<>> templates_;
};

}  // namespace runwatch::expr
