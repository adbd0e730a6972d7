// Property test: for random condition sets over a small vocabulary, the symbolic
// constraint agrees with evaluating the conditions on every execution of a universe
// rich enough to witness every non-empty constraint, so that
//   - "never fires" (Constraint::is_empty) holds exactly when no execution matches;
//   - Constraint::contains agrees with ConditionSet::matches execution by execution;
//   - the TriggerIndex returns, for each (namespace, flow, state), exactly the condition
//     sets some execution with those matches, and filtering them with contains gives
//     back the scan's matches.
// The universe holds each vocabulary namespace and, for every pair of vocabulary
// strings p and s (or none), the namespace p#s, which starts with p, ends with s and
// equals, starts or ends with no other vocabulary string than those p and s imply:
// the witnesses of prefix / suffix sets with negations. Likewise a flow id outside the
// vocabulary and every subset of the label vocabulary.
#include <gtest/gtest.h>

#include <random>

#include "runwatch/condition/condition.h"
#include "runwatch/condition/trigger_index.h"

namespace runwatch {
namespace {

const std::vector<std::string> kNamespaces = {"company", "company.product", "company.system", "product"};
const std::vector<std::string> kFlows = {"cleanup", "etl"};
const std::vector<Label> kLabels = {{"env", "prod"}, {"env", "dev"}};
constexpr std::string_view kPackage = "io.kestra.plugin.core.condition.";

struct Universe {
  std::vector<std::string> namespaces;
  std::vector<std::string> flows;
  std::vector<std::vector<Label>> label_sets;
  std::vector<Execution> executions;

  Universe() {
    namespaces = kNamespaces;
    namespaces.insert(namespaces.end(), {"company.product.sub", "other"});
    std::vector<std::string> affixes = kNamespaces;
    affixes.push_back("");
    for (const auto& p : affixes)
      for (const auto& s : affixes) namespaces.push_back(p + "#" + s);
    flows = kFlows;
    flows.push_back("x");
    for (unsigned subset = 0; subset < (1u << kLabels.size()); ++subset) {
      label_sets.emplace_back();
      for (size_t i = 0; i < kLabels.size(); ++i)
        if (subset & (1u << i)) label_sets.back().push_back(kLabels[i]);
    }
    for (const auto& ns : namespaces)
      for (const auto& flow : flows)
        for (State state : all_states())
          for (const auto& labels : label_sets) {
            Execution e;
            e.ns = ns;
            e.flow_id = flow;
            e.state = StateHistory(state);
            e.labels = labels;
            executions.push_back(std::move(e));
          }
  }
  // Executions are laid out by (namespace, flow, state) groups of label_sets.size().
  size_t group_of(size_t execution) const { return execution / label_sets.size(); }
};

class RandomConditions {
 public:
  explicit RandomConditions(unsigned seed) : random_(seed) {}

  std::vector<ConditionDef> condition_set() {
    std::vector<ConditionDef> out(1 + below(4));
    for (size_t i = 0; i < out.size(); ++i) out[i] = condition(0, "conditions[" + std::to_string(i) + "]");
    return out;
  }

 private:
  size_t below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(random_); }
  template <typename T>
  const T& pick(const std::vector<T>& values) { return values[below(values.size())]; }

  Value states() {
    Value out = Value::array();
    for (size_t n = 1 + below(4); n > 0; --n) out.push_back(std::string(to_string(pick(all_states()))));
    return out;
  }

  ConditionDef condition(int depth, std::string path) {
    ConditionDef d;
    d.path = std::move(path);
    size_t kind = below(depth < 2 ? 8 : 6);
    auto type = [&](const char* name) { d.type = std::string(kPackage) + name; };
    switch (kind) {
      case 0:
      case 1:
        type("ExecutionStatus");
        if (below(4) != 0) d.properties["in"] = states();
        if (below(3) == 0) d.properties["notIn"] = states();
        break;
      case 2:
      case 3: {
        type("ExecutionNamespace");
        d.properties["namespace"] = pick(kNamespaces);
        static const std::vector<std::string> comparisons = {"EQUALS", "PREFIX", "SUFFIX", "prefix: true", ""};
        const auto& comparison = pick(comparisons);
        if (comparison == "prefix: true") d.properties["prefix"] = true;
        else if (!comparison.empty()) d.properties["comparison"] = comparison;
        break;
      }
      case 4:
        type("ExecutionFlow");
        d.properties["namespace"] = pick(kNamespaces);
        d.properties["flowId"] = pick(kFlows);
        break;
      case 5: {
        type("ExecutionLabels");
        const auto& label = pick(kLabels);
        d.properties["labels"] = {{label.key, label.value}};
        break;
      }
      default:
        type(kind == 6 ? "Or" : "Not");
        for (size_t i = 0, n = 1 + below(3); i < n; ++i)
          d.conditions.push_back(condition(depth + 1, d.path + ".conditions[" + std::to_string(i) + "]"));
    }
    return d;
  }

  std::mt19937 random_;
};

std::string describe(const ConditionDef& d) {
  std::string out(d.type.substr(kPackage.size()));
  if (!d.properties.empty()) out += d.properties.dump();
  if (!d.conditions.empty()) {
    out += "(";
    for (size_t i = 0; i < d.conditions.size(); ++i) out += (i ? ", " : "") + describe(d.conditions[i]);
    out += ")";
  }
  return out;
}

std::string describe(const std::vector<ConditionDef>& set) {
  std::string out;
  for (const auto& d : set) out += (out.empty() ? "" : " AND ") + describe(d);
  return out;
}

bool has_labels(const Constraint& c) {
  for (const auto& box : c.boxes())
    if (!box.required_labels.empty() || !box.excluded_labels.empty()) return true;
  return false;
}

TEST(ConditionProperty, ConstraintsAndIndexAgreeWithEvaluation) {
  const Universe universe;
  const Value variables = Value::object();
  constexpr size_t kCasesPerSeed = 500;
  TriggerIndex index;
  std::vector<Constraint> constraints;
  std::vector<std::string> descriptions;
  // matched[case][group]: some execution of that (namespace, flow, state) group matches.
  std::vector<std::vector<bool>> matched_groups;
  std::vector<std::vector<bool>> matched;
  size_t never_fire = 0, with_labels = 0;

  for (unsigned seed : {1u, 2u, 3u, 4u}) {
    RandomConditions random(seed);
    for (size_t n = 0; n < kCasesPerSeed; ++n) {
      auto definitions = random.condition_set();
      ConditionSet set(definitions);
      auto constraint = set.constraint();
      descriptions.push_back(describe(definitions));
      SCOPED_TRACE("seed " + std::to_string(seed) + " case " + std::to_string(n) + ": " + descriptions.back());
      ASSERT_TRUE(constraint.is_exact());

      std::vector<bool> hits(universe.executions.size());
      std::vector<bool> groups(universe.executions.size() / universe.label_sets.size());
      bool any = false;
      for (size_t i = 0; i < universe.executions.size(); ++i) {
        const auto& e = universe.executions[i];
        hits[i] = set.matches({&e, {}, &variables}, nullptr);
        if (hits[i]) groups[universe.group_of(i)] = true;
        any = any || hits[i];
        ASSERT_EQ(constraint.contains(e.ns, e.flow_id, e.state.current(), e.labels), hits[i])
            << e.ns << " " << e.flow_id << " " << to_string(e.state.current()) << " labels " << e.labels.size();
      }
      ASSERT_EQ(constraint.is_empty(), !any);
      never_fire += !any;
      with_labels += has_labels(constraint);

      auto id = static_cast<std::uint32_t>(constraints.size());
      index.add(id, constraint);
      constraints.push_back(std::move(constraint));
      matched.push_back(std::move(hits));
      matched_groups.push_back(std::move(groups));
    }
  }
  // Both outcomes are well represented.
  EXPECT_GT(never_fire, 300u);
  EXPECT_LT(never_fire, 1700u);
  EXPECT_GT(with_labels, 300u);

  for (size_t group = 0; group < matched_groups[0].size(); ++group) {
    const auto& first = universe.executions[group * universe.label_sets.size()];
    auto candidates = index.candidates(first.ns, first.flow_id, first.state.current());
    std::vector<std::uint32_t> expected;
    for (std::uint32_t id = 0; id < matched_groups.size(); ++id)
      if (matched_groups[id][group]) expected.push_back(id);
    ASSERT_EQ(candidates, expected) << first.ns << " " << first.flow_id << " " << to_string(first.state.current());
    for (size_t k = 0; k < universe.label_sets.size(); ++k) {
      size_t i = group * universe.label_sets.size() + k;
      const auto& e = universe.executions[i];
      for (std::uint32_t id = 0; id < matched.size(); ++id) {
        bool candidate = std::binary_search(candidates.begin(), candidates.end(), id);
        bool kept = candidate && constraints[id].contains(e.ns, e.flow_id, e.state.current(), e.labels);
        ASSERT_EQ(kept, static_cast<bool>(matched[id][i])) << descriptions[id] << " on " << e.ns << " " << e.flow_id;
      }
    }
  }
}

TEST(ConditionProperty, IndexRemovalLeavesTheOthersExact) {
  RandomConditions random(7);
  const Universe universe;
  TriggerIndex index;
  std::vector<Constraint> constraints;
  for (std::uint32_t id = 0; id < 200; ++id) {
    constraints.push_back(ConditionSet(random.condition_set()).constraint());
    index.add(id, constraints.back());
  }
  for (std::uint32_t id = 0; id < 200; id += 2) index.remove(id);
  EXPECT_EQ(index.size(), 100u);
  for (size_t i = 0; i < universe.executions.size(); i += universe.label_sets.size()) {
    const auto& e = universe.executions[i];
    std::vector<std::uint32_t> expected;
    for (std::uint32_t id = 1; id < 200; id += 2)
      for (const auto& box : constraints[id].boxes())
        if (box.contains_some_labels(e.ns, e.flow_id, e.state.current())) {
          expected.push_back(id);
          break;
        }
    ASSERT_EQ(index.candidates(e.ns, e.flow_id, e.state.current()), expected);
  }
}

}  // namespace
}  // namespace runwatch
