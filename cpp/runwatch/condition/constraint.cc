#include "runwatch/condition/constraint.h"

#include <algorithm>

namespace runwatch {
namespace {

bool label_less(const Label& a, const Label& b) { return a.key != b.key ? a.key < b.key : a.value < b.value; }

std::vector<Label> sorted_union(const std::vector<Label>& a, const std::vector<Label>& b) {
  std::vector<Label> out;
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out), label_less);
  return out;
}

bool share_a_label(const std::vector<Label>& a, const std::vector<Label>& b) {
  for (const auto& label : a)
    if (std::binary_search(b.begin(), b.end(), label, label_less)) return true;
  return false;
}

template <typename Field>
ExecutionBox box_with(Field ExecutionBox::*field, Field value) {
  ExecutionBox box;
  box.*field = std::move(value);
  return box;
}

bool has_label(const std::vector<Label>& labels, const Label& wanted) {
  return std::find(labels.begin(), labels.end(), wanted) != labels.end();
}

std::optional<ExecutionBox> intersect(const ExecutionBox& a, const ExecutionBox& b) {
  auto ns = TextSet::intersect(a.ns, b.ns);
  auto flow_id = TextSet::intersect(a.flow_id, b.flow_id);
  StateMask states = a.states & b.states;
  if (!ns || !flow_id || states == 0) return std::nullopt;
  ExecutionBox out;
  out.ns = std::move(*ns);
  out.flow_id = std::move(*flow_id);
  out.states = states;
  out.required_labels = sorted_union(a.required_labels, b.required_labels);
  out.excluded_labels = sorted_union(a.excluded_labels, b.excluded_labels);
  if (share_a_label(out.required_labels, out.excluded_labels)) return std::nullopt;
  return out;
}

// One box per test of `box`, holding that test's negation: their union is the complement.
std::vector<ExecutionBox> negations(const ExecutionBox& box) {
  std::vector<ExecutionBox> out;
  for (auto& set : box.ns.negated_tests()) out.push_back(box_with(&ExecutionBox::ns, std::move(set)));
  for (auto& set : box.flow_id.negated_tests()) out.push_back(box_with(&ExecutionBox::flow_id, std::move(set)));
  if (box.states != kAllStates)
    out.push_back(box_with(&ExecutionBox::states, static_cast<StateMask>(kAllStates & ~box.states)));
  for (const auto& label : box.required_labels) out.push_back(box_with(&ExecutionBox::excluded_labels, {label}));
  for (const auto& label : box.excluded_labels) out.push_back(box_with(&ExecutionBox::required_labels, {label}));
  return out;
}

bool equal_but_states(const ExecutionBox& a, const ExecutionBox& b) {
  return a.ns == b.ns && a.flow_id == b.flow_id && a.required_labels == b.required_labels &&
         a.excluded_labels == b.excluded_labels;
}

}  // namespace

StateMask terminal_states() {
  StateMask mask = 0;
  for (State s : all_states())
    if (is_terminal(s)) mask |= state_bit(s);
  return mask;
}

std::vector<State> states_of(StateMask mask) {
  std::vector<State> out;
  for (State s : all_states())
    if (mask & state_bit(s)) out.push_back(s);
  return out;
}

bool ExecutionBox::contains(std::string_view execution_ns, std::string_view execution_flow_id, State state,
                            const std::vector<Label>& labels) const {
  if (!contains_some_labels(execution_ns, execution_flow_id, state)) return false;
  for (const auto& label : required_labels)
    if (!has_label(labels, label)) return false;
  for (const auto& label : excluded_labels)
    if (has_label(labels, label)) return false;
  return true;
}

bool ExecutionBox::contains_some_labels(std::string_view execution_ns, std::string_view execution_flow_id, State state) const {
  return (states & state_bit(state)) && ns.contains(execution_ns) && flow_id.contains(execution_flow_id);
}

Constraint::Constraint(std::vector<ExecutionBox> boxes, bool exact) : boxes_(std::move(boxes)), exact_(exact) {}

Constraint Constraint::everything() { return Constraint({ExecutionBox{}}, true); }
Constraint Constraint::nothing() { return Constraint({}, true); }
Constraint Constraint::unknown() { return Constraint({ExecutionBox{}}, false); }

Constraint Constraint::of(ExecutionBox box) { return Constraint({std::move(box)}, true); }

Constraint Constraint::namespace_in(TextSet set) { return of(box_with(&ExecutionBox::ns, std::move(set))); }

Constraint Constraint::flow_is(std::string ns, std::string flow_id) {
  auto box = box_with(&ExecutionBox::ns, TextSet::equal_to(std::move(ns)));
  box.flow_id = TextSet::equal_to(std::move(flow_id));
  return of(std::move(box));
}

Constraint Constraint::flow_id_in(TextSet set) { return of(box_with(&ExecutionBox::flow_id, std::move(set))); }

Constraint Constraint::state_in(StateMask states) {
  states &= kAllStates;
  return states == 0 ? nothing() : of(box_with(&ExecutionBox::states, states));
}

Constraint Constraint::labels_include(std::vector<Label> labels) {
  std::sort(labels.begin(), labels.end(), label_less);
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  return of(box_with(&ExecutionBox::required_labels, std::move(labels)));
}

void Constraint::add(ExecutionBox box) {
  for (auto& existing : boxes_) {
    if (equal_but_states(existing, box)) {
      existing.states |= box.states;
      return;
    }
  }
  boxes_.push_back(std::move(box));
}

Constraint Constraint::intersect(const Constraint& other) const {
  Constraint out({}, exact_ && other.exact_);
  for (const auto& a : boxes_)
    for (const auto& b : other.boxes_)
      if (auto box = runwatch::intersect(a, b)) out.add(std::move(*box));
  return out;
}

Constraint Constraint::unite(const Constraint& other) const {
  Constraint out = *this;
  out.exact_ = exact_ && other.exact_;
  for (const auto& box : other.boxes_) out.add(box);
  return out;
}

Constraint Constraint::complement() const {
  if (!exact_) return unknown();
  Constraint out = everything();
  for (const auto& box : boxes_) {
    Constraint negation = nothing();
    for (auto& negated : negations(box)) negation.add(std::move(negated));
    out = out.intersect(negation);
    if (out.boxes_.size() > kMaxBoxes) return unknown();
  }
  return out;
}

bool Constraint::contains(std::string_view ns, std::string_view flow_id, State state,
                          const std::vector<Label>& labels) const {
  return std::any_of(boxes_.begin(), boxes_.end(),
                     [&](const ExecutionBox& box) { return box.contains(ns, flow_id, state, labels); });
}

bool Constraint::admits_flow(std::string_view ns, std::string_view flow_id) const {
  return std::any_of(boxes_.begin(), boxes_.end(),
                     [&](const ExecutionBox& box) { return box.ns.contains(ns) && box.flow_id.contains(flow_id); });
}

}  // namespace runwatch
