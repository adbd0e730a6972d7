// LintScope: the loaded keys, and the graph of which monitoring flows fire on which.
#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "runwatch/condition/flow_trigger.h"
#include "runwatch/condition/lint.h"
#include "runwatch/condition/lint_support.h"
#include "runwatch/condition/trigger_index.h"
#include "runwatch/condition/windowed_conditions.h"

namespace runwatch {
namespace {

using Key = std::pair<std::string, std::string>;  // namespace, flow id

constexpr size_t kNone = SIZE_MAX;

// Strongly connected components (Tarjan's algorithm, without recursion: a ring may be as
// long as the monitors are many): the component of each node.
std::vector<size_t> components_of(const std::vector<std::vector<size_t>>& starts) {
  const size_t count = starts.size();
  std::vector<size_t> index(count, kNone), low(count, 0), component(count, kNone);
  std::vector<size_t> stack;
  std::vector<std::pair<size_t, size_t>> calls;  // node, next edge to follow
  size_t next_index = 0, next_component = 0;
  for (size_t root = 0; root < count; ++root) {
    if (index[root] != kNone) continue;
    calls.push_back({root, 0});
    while (!calls.empty()) {
      auto& [node, edge] = calls.back();
      if (edge == 0 && index[node] == kNone) {
        index[node] = low[node] = next_index++;
        stack.push_back(node);
      }
      if (edge < starts[node].size()) {
        const size_t to = starts[node][edge++];
        if (index[to] == kNone)
          calls.push_back({to, 0});
        else if (component[to] == kNone)
          low[node] = std::min(low[node], index[to]);
        continue;
      }
      const size_t done = node;
      calls.pop_back();
      if (!calls.empty()) low[calls.back().first] = std::min(low[calls.back().first], low[done]);
      if (low[done] != index[done]) continue;
      size_t member;
      do {
        member = stack.back();
        stack.pop_back();
        component[member] = next_component;
      } while (member != done);
      ++next_component;
    }
  }
  return component;
}

// The shortest path from `from` to `target` (both included), the first found in the
// successors' order; empty when there is none. `previous` has a slot per node, all kNone,
// and is left so.
template <typename Successors>
std::vector<size_t> path_back(size_t from, size_t target, const Successors& successors, std::vector<size_t>& previous) {
  std::vector<size_t> reached{from}, path;
  previous[from] = from;
  for (size_t head = 0; head < reached.size() && path.empty(); ++head) {
    const size_t at = reached[head];
    successors(at, [&](size_t next) {
      if (previous[next] != kNone || !path.empty()) return;
      previous[next] = at;
      reached.push_back(next);
      if (next != target) return;
      // Found at discovery: later discoveries cannot change how it was reached.
      for (path = {target}; path.back() != from;) path.push_back(previous[path.back()]);
      std::reverse(path.begin(), path.end());
    });
  }
  for (size_t node : reached) previous[node] = kNone;
  return path;
}

// One ring per first step, as path_back finds it; a ring through the same flows as one
// given before is left out.
template <typename Successors>
std::vector<std::vector<size_t>> rings(size_t self, const std::vector<size_t>& first_steps, size_t node_count,
                                       const Successors& successors) {
  std::vector<size_t> previous(node_count, kNone);
  std::set<std::set<size_t>> given;
  std::vector<std::vector<size_t>> out;
  for (size_t first : first_steps) {
    auto path = path_back(first, self, successors, previous);
    if (!path.empty() && given.insert(std::set<size_t>(path.begin(), path.end())).second)
      out.push_back(std::move(path));
  }
  return out;
}

}  // namespace

TriggerConstraints trigger_constraints(const Flow& flow) {
  TriggerConstraints out;
  for (const auto* trigger : flow_triggers(flow)) {
    try {
      auto constraint = flow_trigger_constraint(flow, *trigger, ConditionSet(trigger->conditions));
      if (auto preconditions = preconditions_of(*trigger))
        constraint = constraint.intersect(preconditions->constraint());
      out.emplace_back(trigger, std::move(constraint));
    } catch (const Error&) {
      // A trigger that does not compile fires on nothing; the loader reports it.
    }
  }
  return out;
}

const TriggerDef* trigger_fired_by(const TriggerConstraints& triggers, const Flow& source) {
  for (const auto& [trigger, constraint] : triggers)
    if (constraint.admits_flow(source.ns, source.id)) return trigger;
  return nullptr;
}

struct LintScope::Graph {
  struct Node {
    const Flow* flow;
    TriggerConstraints triggers;
  };
  std::set<Key> keys;
  std::vector<Node> nodes;  // the monitoring flows, in the scope's order
  std::map<Key, size_t> node_of;
  TriggerIndex index;                       // by trigger number
  std::vector<size_t> owner;                // the node of each trigger number, increasing
  std::vector<std::vector<size_t>> starts;  // the nodes whose triggers fire on each node's executions
  std::vector<size_t> component;
  std::vector<size_t> component_size;

  // The nodes whose triggers fire on executions of `source`, in order.
  std::vector<size_t> fired_by(const Flow& source) const {
    std::vector<size_t> out;
    for (auto number : index.candidates_of_flow(source.ns, source.id))
      if (out.empty() || out.back() != owner[number]) out.push_back(owner[number]);
    return out;
  }
};

LintScope::LintScope() = default;
LintScope::~LintScope() = default;
LintScope::LintScope(LintScope&&) noexcept = default;
LintScope& LintScope::operator=(LintScope&&) noexcept = default;

LintScope::LintScope(const std::vector<const Flow*>& flows) {
  auto graph = std::make_unique<Graph>();
  std::map<Key, const Flow*> last;
  for (const auto* flow : flows) last[{flow->ns, flow->id}] = flow;
  for (const auto* flow : flows) {
    Key key{flow->ns, flow->id};
    graph->keys.insert(key);
    if (flow->disabled || last.at(key) != flow) continue;
    auto triggers = trigger_constraints(*flow);
    if (triggers.empty()) continue;  // nothing fires it: it is in no loop
    const size_t node = graph->nodes.size();
    graph->node_of.emplace(std::move(key), node);
    for (const auto& entry : triggers) {
      graph->index.add(static_cast<std::uint32_t>(graph->owner.size()), entry.second);
      graph->owner.push_back(node);
    }
    graph->nodes.push_back({flow, std::move(triggers)});
  }
  for (size_t node = 0; node < graph->nodes.size(); ++node) {
    auto fired = graph->fired_by(*graph->nodes[node].flow);
    std::erase(fired, node);  // a flow never triggers itself
    graph->starts.push_back(std::move(fired));
  }
  graph->component = components_of(graph->starts);
  graph->component_size.assign(graph->nodes.size(), 0);
  for (size_t component : graph->component) ++graph->component_size[component];
  graph_ = std::move(graph);
}

bool LintScope::known() const { return graph_ && !graph_->keys.empty(); }

bool LintScope::is_loaded(std::string_view ns, std::string_view flow_id) const {
  return graph_ && graph_->keys.contains(Key{ns, flow_id});
}

std::vector<std::vector<const Flow*>> LintScope::loops_through(const Flow& flow) const {
  if (!graph_) return {};
  const Graph& graph = *graph_;
  auto as_flows = [&](const std::vector<std::vector<size_t>>& found) {
    std::vector<std::vector<const Flow*>> out;
    for (const auto& path : found) {
      auto& flows = out.emplace_back();
      for (size_t node : path) flows.push_back(node == graph.nodes.size() ? &flow : graph.nodes[node].flow);
    }
    return out;
  };
  auto own = graph.node_of.find({flow.ns, flow.id});
  if (own != graph.node_of.end() && graph.nodes[own->second].flow == &flow) {
    const size_t self = own->second;
    const size_t component = graph.component[self];
    if (graph.component_size[component] == 1) return {};
    // Every way back to the flow stays inside its component.
    auto successors = [&](size_t at, const auto& visit) {
      for (size_t next : graph.starts[at])
        if (graph.component[next] == component) visit(next);
    };
    std::vector<size_t> first_steps;
    successors(self, [&](size_t next) { first_steps.push_back(next); });
    return as_flows(rings(self, first_steps, graph.nodes.size(), successors));
  }
  // Another revision, or a flow the scope does not hold: it takes its key's place, as an
  // extra node.
  const auto triggers = trigger_constraints(flow);
  if (triggers.empty()) return {};
  const size_t replaced = own == graph.node_of.end() ? kNone : own->second;
  const size_t self = graph.nodes.size();
  auto first_steps = graph.fired_by(flow);
  std::erase(first_steps, replaced);
  std::vector<bool> fires_self(graph.nodes.size());
  for (size_t node = 0; node < graph.nodes.size(); ++node)
    fires_self[node] = node != replaced && trigger_fired_by(triggers, *graph.nodes[node].flow);
  auto successors = [&](size_t at, const auto& visit) {
    if (at == self) {
      for (size_t next : first_steps) visit(next);
      return;
    }
    if (fires_self[at]) visit(self);
    for (size_t next : graph.starts[at])
      if (next != replaced) visit(next);
  };
  return as_flows(rings(self, first_steps, self + 1, successors));
}

}  // namespace runwatch
