#pragma once
// The executions a condition can match, as a symbolic set over (namespace, flowId,
// state, labels): a union of boxes, each box the conjunction of a namespace set, a flow
// id set, a state set and required / excluded labels.
//
// Boxes are kept normalized, so that a box is never empty and `is_empty` is exact: no
// execution satisfies a constraint if and only if it has no box. Every set the modelled
// conditions (status, namespace, flow, labels, Or, Not) describe is represented exactly,
// complements included (namespace not equal / not prefixed / not suffixed, flow not
// equal, state complement, label absent). A constraint that stands for a condition it
// does not model (an expression, a date) is `unknown()`: every execution, marked
// inexact; whatever is built from it is inexact too, and the complement of an inexact
// constraint is `unknown()` again, an over-approximation, so that a constraint always
// contains every execution its condition matches.
#include <cstdint>
#include <string_view>
#include <vector>

#include "runwatch/condition/text_set.h"
#include "runwatch/model/flow.h"
#include "runwatch/model/state.h"

namespace runwatch {

// A set of states: bit i stands for the State of value i.
using StateMask = std::uint16_t;
constexpr StateMask kAllStates = static_cast<StateMask>((1u << 13) - 1);
constexpr StateMask state_bit(State s) { return static_cast<StateMask>(1u << static_cast<unsigned>(s)); }
static_assert(static_cast<unsigned>(State::SKIPPED) == 12, "kAllStates covers every State");
StateMask terminal_states();
std::vector<State> states_of(StateMask mask);

struct ExecutionBox {
  TextSet ns;
  TextSet flow_id;
  StateMask states = kAllStates;
  std::vector<Label> required_labels;  // sorted by key, then value
  std::vector<Label> excluded_labels;  // sorted by key, then value

  bool operator==(const ExecutionBox&) const = default;

  bool contains(std::string_view ns, std::string_view flow_id, State state, const std::vector<Label>& labels) const;
  // Whether some labels would put an execution of this namespace, flow and state in it.
  bool contains_some_labels(std::string_view ns, std::string_view flow_id, State state) const;
};

class Constraint {
 public:
  static Constraint everything();
  static Constraint nothing();
  // Every execution, standing for a condition the constraints do not model.
  static Constraint unknown();

  static Constraint namespace_in(TextSet set);
  static Constraint flow_is(std::string ns, std::string flow_id);
  // Flows of this id in any namespace (Kestra 2.0's dependsOn with a flowId alone).
  static Constraint flow_id_in(TextSet set);
  static Constraint state_in(StateMask states);
  static Constraint labels_include(std::vector<Label> labels);

  Constraint intersect(const Constraint& other) const;
  Constraint unite(const Constraint& other) const;
  // Exact for an exact constraint (up to kMaxBoxes boxes in the result); otherwise
  // unknown(), an over-approximation.
  Constraint complement() const;

  bool is_empty() const { return boxes_.empty(); }
  // False once an unmodelled condition took part: the constraint may then hold
  // executions its condition never matches.
  bool is_exact() const { return exact_; }
  bool contains(std::string_view ns, std::string_view flow_id, State state, const std::vector<Label>& labels) const;
  // Whether some execution of this flow, in some state and with some labels, is in it.
  bool admits_flow(std::string_view ns, std::string_view flow_id) const;

  const std::vector<ExecutionBox>& boxes() const { return boxes_; }

  // Past this many boxes a complement gives up exactness rather than grow further.
  static constexpr size_t kMaxBoxes = 512;

 private:
  Constraint(std::vector<ExecutionBox> boxes, bool exact);
  static Constraint of(ExecutionBox box);
  // Adds a box, merging it with an equal box, or one that differs only by its states.
  void add(ExecutionBox box);

  std::vector<ExecutionBox> boxes_;
  bool exact_ = true;
};

}  // namespace runwatch
