// Monitoring flows whose Flow triggers start each other in a loop: A's trigger can fire
// on executions of B, B's on executions of A (or longer rings). A flow never triggers
// itself, so a flow alone is no loop. The rings come from LintScope's graph.
#include "runwatch/condition/lint_support.h"

namespace runwatch {

std::vector<ValidationIssue> trigger_loops(const Flow& flow, const LintScope& scope) {
  std::vector<ValidationIssue> out;
  auto loops = scope.loops_through(flow);
  if (loops.empty()) return out;
  const auto triggers = trigger_constraints(flow);
  for (const auto& path : loops) {
    std::string ring = flow.key();
    for (const auto* next : path) ring += " -> " + next->key();
    const TriggerDef* closing = trigger_fired_by(triggers, *path[path.size() - 2]);
    out.push_back(lint_warning(flow, closing->path, closing->pos,
                               "flows can trigger each other in a loop: " + ring +
                                   " (each one's executions fire the next one's Flow trigger)"));
  }
  return out;
}

}  // namespace runwatch
