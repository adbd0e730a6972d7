#include "runwatch/condition/trigger_index.h"

#include <algorithm>

namespace runwatch {

template <typename Fn>
void TriggerIndex::for_each_list(const ExecutionBox& box, Fn fn) {
  if (box.ns.equals) {
    auto& in_namespace = by_namespace_[*box.ns.equals];
    fn(box.flow_id.equals ? in_namespace.by_flow[*box.flow_id.equals] : in_namespace.any_flow);
  } else if (!box.ns.prefix.empty()) {
    fn(by_prefix_.at(box.ns.prefix));
  } else if (!box.ns.suffix.empty()) {
    fn(by_suffix_.at(box.ns.suffix));
  } else {
    for (State s : states_of(box.states)) fn(by_state_[static_cast<size_t>(s)]);
  }
}

TriggerIndex::Entries& TriggerIndex::AffixEntries::at(std::string_view affix) {
  auto slot = trie.slot(affix);
  if (slot >= by_slot.size()) by_slot.resize(slot + 1);
  return by_slot[slot];
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

void TriggerIndex::collect(const Entries& entries, std::string_view ns, std::string_view flow_id, State state,
                           std::vector<std::uint32_t>& out) {
  for (const auto& entry : entries)
    if (entry.box->contains_some_labels(ns, flow_id, state)) out.push_back(entry.id);
}

void TriggerIndex::collect_affixes(const AffixEntries& affixes, std::string_view ns, std::string_view flow_id,
                                   State state, std::vector<std::uint32_t>& out) {
  affixes.trie.for_each_affix_of(ns, [&](std::uint32_t slot) { collect(affixes.by_slot[slot], ns, flow_id, state, out); });
}

std::vector<std::uint32_t> TriggerIndex::candidates(std::string_view ns, std::string_view flow_id, State state) const {
  std::vector<std::uint32_t> out;
  if (auto in_namespace = by_namespace_.find(ns); in_namespace != by_namespace_.end()) {
    collect(in_namespace->second.any_flow, ns, flow_id, state, out);
    const auto& by_flow = in_namespace->second.by_flow;
    if (auto it = by_flow.find(flow_id); it != by_flow.end()) collect(it->second, ns, flow_id, state, out);
  }
  collect_affixes(by_prefix_, ns, flow_id, state, out);
  collect_affixes(by_suffix_, ns, flow_id, state, out);
  collect(by_state_[static_cast<size_t>(state)], ns, flow_id, state, out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace runwatch
