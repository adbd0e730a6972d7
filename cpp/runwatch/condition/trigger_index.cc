#include "runwatch/condition/trigger_index.h"

#include <algorithm>

namespace runwatch {

template <typename Fn>
void TriggerIndex::for_each_list(const ExecutionBox& box, Fn fn) {
  if (box.ns.equals) {
    auto& in_namespace = namespace_entries(*box.ns.equals);
    fn(box.flow_id.equals ? in_namespace.by_flow[*box.flow_id.equals] : in_namespace.any_flow);
  } else if (!box.ns.prefix.empty()) {
    fn(namespace_entries(box.ns.prefix).prefixed);
  } else if (!box.ns.suffix.empty()) {
    fn(suffix_entries(box.ns.suffix));
  } else {
    for (State s : states_of(box.states)) fn(by_state_[static_cast<size_t>(s)]);
  }
}

TriggerIndex::NamespaceEntries& TriggerIndex::namespace_entries(std::string_view text) {
  auto slot = namespaces_.slot(text);
  if (slot >= by_namespace_.size()) by_namespace_.resize(slot + 1);
  return by_namespace_[slot];
}

TriggerIndex::Entries& TriggerIndex::suffix_entries(std::string_view text) {
  auto slot = suffixes_.slot(text);
  if (slot >= by_suffix_.size()) by_suffix_.resize(slot + 1);
  return by_suffix_[slot];
}

void TriggerIndex::add(std::uint32_t id, const Constraint& constraint) {
  remove(id);
  const auto& stored = constraints_.emplace(id, constraint).first->second;
  for (const auto& box : stored.boxes()) for_each_list(box, [&](Entries& entries) { entries.push_back({id, &box}); });
}

void TriggerIndex::remove(std::uint32_t id) {
  auto it = constraints_.find(id);
  if (it == constraints_.end()) return;
  // Emptied lists and trie paths stay: an event walks at most its namespace's length.
  for (const auto& box : it->second.boxes())
    for_each_list(box, [&](Entries& entries) { std::erase_if(entries, [&](const Entry& e) { return e.id == id; }); });
  constraints_.erase(it);
}

template <typename Keep>
std::vector<std::uint32_t> TriggerIndex::gather(std::string_view ns, std::string_view flow_id, StateMask by_state,
                                                Keep keeps) const {
  std::vector<std::uint32_t> out;
  auto collect = [&](const Entries& entries) {
    for (const auto& entry : entries)
      if (keeps(*entry.box)) out.push_back(entry.id);
  };
  namespaces_.for_each_affix_of(ns, [&](std::uint32_t slot, bool whole) {
    const auto& entries = by_namespace_[slot];
    collect(entries.prefixed);
    if (!whole) return;
    collect(entries.any_flow);
    if (auto it = entries.by_flow.find(flow_id); it != entries.by_flow.end()) collect(it->second);
  });
  suffixes_.for_each_affix_of(ns, [&](std::uint32_t slot, bool) { collect(by_suffix_[slot]); });
  for (size_t state = 0; state < by_state_.size(); ++state)
    if (by_state & (1u << state)) collect(by_state_[state]);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::uint32_t> TriggerIndex::candidates(std::string_view ns, std::string_view flow_id, State state) const {
  return gather(ns, flow_id, state_bit(state),
                [&](const ExecutionBox& box) { return box.contains_some_labels(ns, flow_id, state); });
}

std::vector<std::uint32_t> TriggerIndex::candidates_of_flow(std::string_view ns, std::string_view flow_id) const {
  return gather(ns, flow_id, kAllStates,
                [&](const ExecutionBox& box) { return box.ns.contains(ns) && box.flow_id.contains(flow_id); });
}

}  // namespace runwatch
