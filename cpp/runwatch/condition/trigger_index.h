#pragma once
// Which triggers can an execution event meet? Each box of each trigger's constraint is
// filed under its most selective test, so an event only looks at the triggers filed
// under its own namespace and flow, its namespace's prefixes and suffixes, and the few
// that test neither; the cost of an event does not grow with the triggers it cannot
// meet.
//
//   (namespace, flowId)  box with an exact namespace and flow id (ExecutionFlow)
//   namespace            exact namespace, any flow id
//   prefix               namespace prefix, in a trie the event walks along its namespace
//   suffix               namespace suffix, in a trie walked from the end
//   by state             the rest (status-only, labels-only, negations): one list per
//                        state, so an event scans only those that accept its state
// (An exact flow id comes with an exact namespace from every condition there is.)
//
// Thread safety: const members may run concurrently with each other, never with add or
// remove; the engine rebuilds or locks around changes.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runwatch/condition/affix_trie.h"
#include "runwatch/condition/constraint.h"

namespace runwatch {

class TriggerIndex {
 public:
  // Adds (or replaces) the trigger `id` with the executions it can fire on.
  void add(std::uint32_t id, const Constraint& constraint);
  void remove(std::uint32_t id);
  size_t size() const { return constraints_.size(); }

  // The triggers whose constraint holds for an execution of this namespace, flow and
  // state with some labels, each once, in increasing order: a superset of those whose
  // constraint contains the event, labels are the caller's to check (Constraint::contains
  // or the conditions themselves).
  std::vector<std::uint32_t> candidates(std::string_view ns, std::string_view flow_id, State state) const;

 private:
  struct Entry {
    std::uint32_t id;
    const ExecutionBox* box;
  };
  using Entries = std::vector<Entry>;
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  template <typename V>
  using TextMap = std::unordered_map<std::string, V, TextHash, std::equal_to<>>;
  struct AffixEntries {
    AffixTrie trie;
    std::vector<Entries> by_slot;
    Entries& at(std::string_view affix);
  };
  struct NamespaceEntries {
    Entries any_flow;
    TextMap<Entries> by_flow;
  };

  // Calls fn(entries) for each list the box is filed in, creating the lists.
  template <typename Fn>
  void for_each_list(const ExecutionBox& box, Fn fn);
  static void collect(const Entries& entries, std::string_view ns, std::string_view flow_id, State state,
                      std::vector<std::uint32_t>& out);
  static void collect_affixes(const AffixEntries& affixes, std::string_view ns, std::string_view flow_id, State state,
                              std::vector<std::uint32_t>& out);

  std::unordered_map<std::uint32_t, Constraint> constraints_;
  TextMap<NamespaceEntries> by_namespace_;
  AffixEntries by_prefix_{AffixTrie(AffixTrie::Direction::FromStart), {}};
  AffixEntries by_suffix_{AffixTrie(AffixTrie::Direction::FromEnd), {}};
  std::array<Entries, 13> by_state_;
};

}  // namespace runwatch
