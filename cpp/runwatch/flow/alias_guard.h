#pragma once
// YAML aliases, bounded before a document is loaded: a few lines of anchors and aliases
// can expand to billions of nodes ("billion laughs"), and every walk of the loaded tree
// follows them. As SnakeYAML (Kestra's reader) does by default, at most 50 aliases may
// name a list or a mapping; and the whole document, aliases expanded, stays under a
// node budget.
#include <optional>
#include <string>
#include <string_view>

#include "runwatch/model/flow.h"

namespace runwatch {

inline constexpr int kMaxCollectionAliases = 50;
inline constexpr long long kMaxExpandedNodes = 100'000;

struct AliasProblem {
  SourcePos pos;
  std::string message;
};

// The first alias past a bound, or nullopt. Syntax errors are left to the loader.
std::optional<AliasProblem> check_aliases(std::string_view yaml);

}  // namespace runwatch
