#pragma once
// Static checks of monitoring flows, reported as warnings: Flow triggers that can never
// fire, ExecutionStatus conditions waiting for states their trigger never sees,
// ExecutionFlow conditions naming flows that are not loaded, and flows whose Flow
// triggers start each other in a loop.
#include <memory>
#include <string_view>
#include <vector>

#include "runwatch/model/error.h"
#include "runwatch/model/flow.h"

namespace runwatch {

// The loaded flows a lint checks references and loops against, indexed once so that
// linting N flows against N does not compare every pair: the loaded keys in a set, and a
// graph of the monitoring flows (those with an enabled Flow or Alert trigger), an edge
// from A to B when a trigger of B can fire on executions of A. The edges come from a
// TriggerIndex over the monitors' constraints, one query per monitor; loops are searched
// only inside a flow's strongly connected component. Building costs O(F log F + M q + E)
// for F flows, M monitors, a query q and E edges between monitors; a flow's loops cost
// nothing outside a cycle. When a scope holds several flows of one key, the last counts.
class LintScope {
 public:
  // Other flows are not known: the checks that need them (unknown ExecutionFlow targets,
  // loops) are skipped.
  LintScope();
  explicit LintScope(const std::vector<const Flow*>& flows);
  ~LintScope();
  LintScope(LintScope&&) noexcept;
  LintScope& operator=(LintScope&&) noexcept;

  bool known() const;
  bool is_loaded(std::string_view ns, std::string_view flow_id) const;
  // For each flow whose trigger the executions of `flow` fire (in the scope's order), the
  // shortest way back to `flow` through the flows their executions fire, ending with
  // `flow`; rings made of the same flows are given once. `flow` takes the place of the
  // scope's flow of its key, if any (a changed revision is linted against the others).
  std::vector<std::vector<const Flow*>> loops_through(const Flow& flow) const;

 private:
  struct Graph;
  std::unique_ptr<const Graph> graph_;
};

std::vector<ValidationIssue> lint_flow(const Flow& flow, const LintScope& scope = {});

}  // namespace runwatch
