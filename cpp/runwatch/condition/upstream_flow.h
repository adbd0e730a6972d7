#pragma once
// An execution of an upstream flow: an item of a Flow trigger's 1.x `preconditions.flows`
// (io.kestra.plugin.core.trigger.Flow.UpstreamFlow) or of its 2.0 `dependsOn`
// (Flow.Dependency, which adds `when` and makes `namespace` optional).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runwatch/condition/compiled_condition.h"
#include "runwatch/condition/property_reader.h"

namespace runwatch {

class UpstreamFlow final : public CompiledCondition {
 public:
  UpstreamFlow(const ConditionDef& d, std::optional<std::string> ns, std::optional<std::string> flow_id,
               std::optional<StateMask> states, std::vector<Label> labels, std::optional<std::string> when);

  Constraint constraint() const override;
  // Its content in a canonical form (states and labels sorted): equal for two entries
  // that match the same executions by the same rules, whatever their order.
  std::string canonical_text() const;

 protected:
  bool test(const ConditionInput& input) const override;

 private:
  std::optional<std::string> ns_;
  std::optional<std::string> flow_id_;
  std::optional<StateMask> states_;
  std::vector<Label> labels_;  // sorted
  // Compiled when first evaluated (then cached), as Kestra renders it: a syntax error
  // fails the entry, and the loader reports it at its column.
  std::optional<std::string> when_;
};

enum class UpstreamKeys { Preconditions, DependsOn };

// Reads one item, reporting its problems to `item`; nullptr when it has any. Items of
// `preconditions.flows` require `namespace`; those of `dependsOn` take a `when`.
// `trigger_path` prefixes the path the condition reports at run time.
std::unique_ptr<UpstreamFlow> read_upstream_flow(PropertyReader& item, UpstreamKeys keys,
                                                 const std::string& trigger_path);

}  // namespace runwatch
