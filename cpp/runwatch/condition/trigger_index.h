#pragma once
// Which triggers can an execution event meet? Each box of each trigger's constraint is
// filed under its most selective test, so an event only looks at the triggers filed
// under its own namespace and flow, its namespace's prefixes and suffixes, and the few
// that test neither; the cost of an event does not grow with the triggers it cannot
// meet.
//
//   namespace trie   a node per namespace and prefix: boxes with an exact namespace, by
//                    flow id (ExecutionFlow) or for any flow, and boxes with a namespace
//                    prefix. An event walks its namespace's path once: the prefixes
//                    along it, then the exact namespace and its flow at the end.
//   suffix trie      boxes with a namespace suffix, walked from the end
//   by state         the rest (status-only, labels-only, negations): one list per
//                    state, so an event scans only those that accept its state
// (A flow id without a namespace, as a 2.0 `dependsOn` entry may give, falls to the
// by-state lists: rare enough not to deserve a list of its own.)
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
  // The triggers whose constraint holds for some execution of this namespace and flow, in
  // any state, with any labels: exactly those whose Constraint::admits_flow does.
  std::vector<std::uint32_t> candidates_of_flow(std::string_view ns, std::string_view flow_id) const;

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
  // The boxes filed under one namespace text of the namespace trie.
  struct NamespaceEntries {
    Entries prefixed;  // namespaces starting with it
    Entries any_flow;  // this namespace, any flow
    std::unordered_map<std::string, Entries, TextHash, std::equal_to<>> by_flow;  // this namespace and flow
  };

  // Calls fn(entries) for each list the box is filed in, creating the lists.
  template <typename Fn>
  void for_each_list(const ExecutionBox& box, Fn fn);
  // The ids of the entries filed under this namespace's lists (not the by-state ones) whose
  // box `keeps`, then of `by_state` lists; sorted, each once.
  template <typename Keep>
  std::vector<std::uint32_t> gather(std::string_view ns, std::string_view flow_id, StateMask by_state,
                                    Keep keeps) const;
  NamespaceEntries& namespace_entries(std::string_view text);
  Entries& suffix_entries(std::string_view text);

  std::unordered_map<std::uint32_t, Constraint> constraints_;
  AffixTrie namespaces_{AffixTrie::Direction::FromStart};
  std::vector<NamespaceEntries> by_namespace_;  // by slot of namespaces_
  AffixTrie suffixes_{AffixTrie::Direction::FromEnd};
  std::vector<Entries> by_suffix_;  // by slot of suffixes_
  std::array<Entries, 13> by_state_;
};

}  // namespace runwatch
