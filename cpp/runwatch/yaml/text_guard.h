#pragma once
// What a YAML text must pass before yaml-cpp loads it, for flows and application.yml
// alike:
// - UTF-8 without NUL characters (YAML 1.2, 5.1): yaml-cpp reads a NUL with the byte
//   after it as one character, and a text that starts with NULs as UTF-32;
// - aliases bounded as SnakeYAML (Kestra's reader) bounds them by default: at most 50
//   aliases may name a list or a mapping, and the whole document, aliases expanded, stays
//   under a node budget (a few lines of anchors and aliases can expand to billions of
//   nodes, and every walk of the loaded tree follows them);
// - no alias inside the list or mapping it names: yaml-cpp would load a tree without end.
#include <optional>
#include <string>
#include <string_view>

#include "runwatch/model/utf8.h"

namespace runwatch {

inline constexpr int kMaxCollectionAliases = 50;
inline constexpr long long kMaxExpandedNodes = 100'000;

struct YamlTextProblem {
  TextPosition position;
  std::string message;
};

// The first problem of the text, or nullopt; `what` names it in messages ("the flow").
// Syntax errors are left to the loader.
std::optional<YamlTextProblem> check_yaml_text(std::string_view yaml, std::string_view what);

}  // namespace runwatch
