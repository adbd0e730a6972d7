#include "runwatch/condition/upstream_flow.h"

#include <algorithm>
#include <tuple>

#include "runwatch/model/json_text.h"

namespace runwatch {
namespace {

std::vector<Label> read_labels(PropertyReader& reader) {
  const Value& labels = reader.value("labels");
  std::vector<Label> out;
  if (labels.is_null()) return out;
  if (!labels.is_object()) {
    reader.problem("labels", "'labels' must be a mapping of labels, not " + dump_json(labels));
    return out;
  }
  // As Kestra compares them: String.valueOf(value).
  for (const auto& [key, value] : labels.items())
    out.push_back({key, value.is_string() ? value.get<std::string>() : dump_json(value)});
  std::sort(out.begin(), out.end(),
            [](const Label& a, const Label& b) { return std::tie(a.key, a.value) < std::tie(b.key, b.value); });
  return out;
}

std::optional<StateMask> read_states(PropertyReader& reader) {
  if (!reader.has("states")) return std::nullopt;
  try {
    return parse_state_names(reader.value("states"));
  } catch (const Error& e) {
    reader.problem("states", e.what());
    return std::nullopt;
  }
}

// Kestra's Dependency.when, "true" by default; an empty text is a falsy one.
std::optional<std::string> read_when(PropertyReader& reader) {
  const Value& when = reader.value("when");
  if (when.is_null()) return std::nullopt;
  if (when.is_string()) return when.get<std::string>();
  if (when.is_boolean() || when.is_number()) return dump_json(when);
  reader.problem("when", "'when' must be a string, not " + dump_json(when));
  return std::nullopt;
}

}  // namespace

UpstreamFlow::UpstreamFlow(const ConditionDef& d, std::optional<std::string> ns, std::optional<std::string> flow_id,
                           std::optional<StateMask> states, std::vector<Label> labels, std::optional<std::string> when)
    : CompiledCondition(d),
      ns_(std::move(ns)),
      flow_id_(std::move(flow_id)),
      states_(states),
      labels_(std::move(labels)),
      when_(std::move(when)) {}

Constraint UpstreamFlow::constraint() const {
  Constraint out = Constraint::everything();
  if (ns_ && flow_id_)
    out = Constraint::flow_is(*ns_, *flow_id_);
  else if (ns_)
    out = Constraint::namespace_in(TextSet::equal_to(*ns_));
  else if (flow_id_)
    out = Constraint::flow_id_in(TextSet::equal_to(*flow_id_));
  if (states_) out = out.intersect(Constraint::state_in(*states_));
  if (!labels_.empty()) out = out.intersect(Constraint::labels_include(labels_));
  if (!when_) return out;
  // The index and the lint never guess what an expression decides.
  try {
    TextTemplate when(definition(), "when", *when_);
    if (!when.is_constant()) return out.intersect(Constraint::unknown());
    return is_truthy(when.text()) ? out : Constraint::nothing();
  } catch (const Error&) {
    return Constraint::nothing();  // it fails every evaluation
  }
}

std::string UpstreamFlow::canonical_text() const {
  // Kestra's hash of a Dependency: namespace, "_", flowId, when, sorted states, sorted labels.
  std::string out = ns_.value_or("") + "_" + flow_id_.value_or("") + "\n" + when_.value_or("true") + "\n";
  if (states_)
    for (State s : states_of(*states_)) out += std::string(to_string(s)) + ",";
  out += "\n";
  for (const auto& label : labels_) out += label.key + ":" + label.value + ",";
  return out;
}

bool UpstreamFlow::test(const ConditionInput& input) const {
  const auto& e = execution_of(input);
  if ((ns_ && e.ns != *ns_) || (flow_id_ && e.flow_id != *flow_id_)) return false;
  if (states_ && !(*states_ & state_bit(e.state.current()))) return false;
  bool labelled = std::all_of(labels_.begin(), labels_.end(), [&](const Label& label) {
    return std::find(e.labels.begin(), e.labels.end(), label) != e.labels.end();
  });
  return labelled && (!when_ || is_truthy(TextTemplate(definition(), "when", *when_).render(input)));
}

std::unique_ptr<UpstreamFlow> read_upstream_flow(PropertyReader& item, UpstreamKeys keys,
                                                 const std::string& trigger_path) {
  bool depends_on = keys == UpstreamKeys::DependsOn;
  if (depends_on)
    item.allow_only({"namespace", "flowId", "states", "labels", "when"});
  else
    item.allow_only({"namespace", "flowId", "states", "labels"});
  ConditionDef definition;
  definition.type = std::string(depends_on ? "io.kestra.plugin.core.trigger.Flow.Dependency"
                                           : "io.kestra.plugin.core.trigger.Flow.UpstreamFlow");
  definition.path = trigger_path.empty() ? item.path() : trigger_path + "." + item.path();
  auto problems_before = item.problems().size();
  auto ns = item.text("namespace", !depends_on);
  auto flow_id = item.text("flowId");
  auto states = read_states(item);
  auto labels = read_labels(item);
  auto when = depends_on ? read_when(item) : std::nullopt;
  if (item.problems().size() != problems_before) return nullptr;
  return std::make_unique<UpstreamFlow>(definition, std::move(ns), std::move(flow_id), states, std::move(labels),
                                        std::move(when));
}

}  // namespace runwatch
