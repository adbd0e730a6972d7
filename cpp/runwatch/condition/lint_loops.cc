// Monitoring flows whose Flow triggers start each other in a loop: A's trigger can fire
// on executions of B, B's on executions of A (or longer rings). A flow never triggers
// itself, so a flow alone is no loop.
#include <algorithm>
#include <deque>
#include <set>

#include "runwatch/condition/flow_trigger.h"
#include "runwatch/condition/lint_support.h"
#include "runwatch/condition/windowed_conditions.h"

namespace runwatch {
namespace {

struct Node {
  const Flow* flow;
  // Its Flow triggers with the executions they fire on.
  std::vector<std::pair<const TriggerDef*, Constraint>> triggers;
};

std::vector<Node> nodes_of(const Flow& flow, const LintScope& scope) {
  std::vector<Node> nodes{{&flow, {}}};
  for (const auto* other : scope.flows)
    if (!other->disabled && other->key() != flow.key()) nodes.push_back({other, {}});
  for (auto& node : nodes) {
    for (const auto* trigger : flow_triggers(*node.flow)) {
      try {
        auto constraint = flow_trigger_constraint(*node.flow, *trigger, ConditionSet(trigger->conditions));
        if (auto preconditions = preconditions_of(*trigger)) constraint = constraint.intersect(preconditions->constraint());
        node.triggers.emplace_back(trigger, std::move(constraint));
      } catch (const Error&) {
        // A trigger that does not compile fires on nothing; the loader reports it.
      }
    }
  }
  return nodes;
}

// The trigger of `node` that can fire on executions of `source`, if any.
const TriggerDef* trigger_fired_by(const Node& node, const Flow& source) {
  for (const auto& [trigger, constraint] : node.triggers)
    if (constraint.admits_flow(source.ns, source.id)) return trigger;
  return nullptr;
}

// starts[a]: the nodes whose triggers can fire on executions of node a.
std::vector<std::vector<size_t>> edges_of(const std::vector<Node>& nodes) {
  std::vector<std::vector<size_t>> starts(nodes.size());
  for (size_t a = 0; a < nodes.size(); ++a)
    for (size_t b = 0; b < nodes.size(); ++b)
      if (a != b && trigger_fired_by(nodes[b], *nodes[a].flow)) starts[a].push_back(b);
  return starts;
}

// The shortest path from `from` to node 0, both included; empty when there is none.
std::vector<size_t> path_back(const std::vector<std::vector<size_t>>& starts, size_t from) {
  std::vector<size_t> previous(starts.size(), SIZE_MAX);
  std::deque<size_t> queue{from};
  previous[from] = from;
  while (!queue.empty()) {
    size_t at = queue.front();
    queue.pop_front();
    if (at == 0) {
      std::vector<size_t> path{0};
      while (path.back() != from) path.push_back(previous[path.back()]);
      std::reverse(path.begin(), path.end());
      return path;
    }
    for (size_t next : starts[at])
      if (previous[next] == SIZE_MAX) {
        previous[next] = at;
        queue.push_back(next);
      }
  }
  return {};
}

}  // namespace

std::vector<ValidationIssue> trigger_loops(const Flow& flow, const LintScope& scope) {
  auto nodes = nodes_of(flow, scope);
  auto starts = edges_of(nodes);
  std::vector<ValidationIssue> out;
  std::set<std::set<size_t>> reported;
  for (size_t next : starts[0]) {
    auto path = path_back(starts, next);
    if (path.empty() || !reported.insert(std::set<size_t>(path.begin(), path.end())).second) continue;
    std::string ring = flow.key();
    for (size_t node : path) ring += " -> " + nodes[node].flow->key();
    const Flow& before_this = *nodes[path[path.size() - 2]].flow;
    const TriggerDef* closing = trigger_fired_by(nodes[0], before_this);
    out.push_back(lint_warning(flow, closing->path, closing->pos,
                               "flows can trigger each other in a loop: " + ring +
                                   " (each one's executions fire the next one's Flow trigger)"));
  }
  return out;
}

}  // namespace runwatch
