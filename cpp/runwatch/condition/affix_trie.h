#pragma once
// A character trie of namespaces and their prefixes (or suffixes, read from the end):
// an event walks the path of its own namespace, so what it cannot match, in other
// branches, costs it nothing, in work or in cache. Each stored text owns a slot number,
// which the index maps to its triggers.
#include <algorithm>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace runwatch {

class AffixTrie {
 public:
  enum class Direction { FromStart, FromEnd };
  explicit AffixTrie(Direction direction) : from_end_(direction == Direction::FromEnd) {}

  // The slot of `affix`, created with its path on first use.
  std::uint32_t slot(std::string_view affix);

  // Calls fn(slot, whole) for each stored prefix (suffix) of `text`, shortest first;
  // `whole` is true for `text` itself.
  template <typename Fn>
  void for_each_affix_of(std::string_view text, Fn fn) const {
    std::uint32_t node = 0;
    for (size_t i = 0;; ++i) {
      if (nodes_[node].slot != kNone) fn(nodes_[node].slot, i == text.size());
      if (i == text.size()) return;
      node = child(node, from_end_ ? text[text.size() - 1 - i] : text[i]);
      if (node == kNone) return;
    }
  }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  struct Node {
    std::vector<std::pair<char, std::uint32_t>> children;  // sorted by character
    std::uint32_t slot = kNone;
  };

  std::uint32_t child(std::uint32_t node, char c) const {
    const auto& children = nodes_[node].children;
    auto it = std::lower_bound(children.begin(), children.end(), c,
                               [](const auto& entry, char wanted) { return entry.first < wanted; });
    return it != children.end() && it->first == c ? it->second : kNone;
  }

  std::vector<Node> nodes_{1};
  std::uint32_t slots_ = 0;
  bool from_end_;
};

}  // namespace runwatch
