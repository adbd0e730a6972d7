#include "runwatch/condition/affix_trie.h"

namespace runwatch {

std::uint32_t AffixTrie::slot(std::string_view affix) {
  std::uint32_t node = 0;
  for (size_t i = 0; i < affix.size(); ++i) {
    char c = from_end_ ? affix[affix.size() - 1 - i] : affix[i];
    std::uint32_t next = child(node, c);
    if (next == kNone) {
      next = static_cast<std::uint32_t>(nodes_.size());
      auto& children = nodes_[node].children;  // before the push_back, which may move nodes_
      auto at = std::lower_bound(children.begin(), children.end(), c,
                                 [](const auto& entry, char wanted) { return entry.first < wanted; });
      children.insert(at, {c, next});
      nodes_.emplace_back();
    }
    node = next;
  }
  if (nodes_[node].slot == kNone) nodes_[node].slot = slots_++;
  return nodes_[node].slot;
}

}  // namespace runwatch
