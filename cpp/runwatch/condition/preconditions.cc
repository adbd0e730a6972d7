// Kestra's Flow trigger `preconditions` (io.kestra.plugin.core.trigger.Flow.Preconditions):
// `flows` (UpstreamFlow: namespace, flowId, states, labels) and `where` (ExecutionFilter:
// filters on NAMESPACE, FLOW_ID, STATE or an EXPRESSION, combined with AND or OR), each
// a named condition of one time window. Kestra names them condition_1, condition_2, ...
// (flows first), and condition_<n>_<filter id> for the filters.
#include <algorithm>

#include "runwatch/condition/compiled_condition.h"
#include "runwatch/condition/upstream_flow.h"
#include "runwatch/condition/windowed_conditions.h"
#include "runwatch/model/json_text.h"
#include "runwatch/regex/pattern.h"

namespace runwatch {
namespace {

ConditionDef named_definition(std::string_view type, std::string path) {
  ConditionDef d;
  d.type = "io.kestra.plugin.core.trigger.Flow." + std::string(type);
  d.path = std::move(path);
  return d;
}

enum class FilterType { EqualTo, NotEqualTo, In, NotIn, IsTrue, IsFalse, IsNull, IsNotNull, StartsWith, EndsWith, Regex, Contains };

struct Filter {
  std::string field;
  FilterType type;
  std::string value;
  std::vector<std::string> values;
  std::shared_ptr<const regex::Pattern> regex;  // type REGEX
};

// Kestra's FilterCondition: the filters, all (AND) or any (OR) of which must hold.
class ExecutionFilter final : public CompiledCondition {
 public:
  ExecutionFilter(const ConditionDef& d, bool any, std::vector<Filter> filters)
      : CompiledCondition(d), any_(any), filters_(std::move(filters)) {}

 protected:
  bool test(const ConditionInput& input) const override {
    for (const auto& filter : filters_)
      if (holds(filter, input) == any_) return any_;
    return !any_;
  }

 private:
  bool holds(const Filter& f, const ConditionInput& input) const {
    const auto& e = execution_of(input);
    // An EXPRESSION is compiled when first evaluated (then cached), as Kestra renders it:
    // a syntax error fails the condition, and the loader reports it at its column.
    std::string field = f.field == "NAMESPACE" ? e.ns
                        : f.field == "FLOW_ID" ? e.flow_id
                        : f.field == "STATE"   ? std::string(to_string(e.state.current()))
                                               : TextTemplate(definition(), "value", f.value).render(input);
    auto listed = std::find(f.values.begin(), f.values.end(), field) != f.values.end();
    switch (f.type) {
      case FilterType::EqualTo: return field == f.value;
      case FilterType::NotEqualTo: return field != f.value;
      case FilterType::In: return listed;
      case FilterType::NotIn: return !listed;
      case FilterType::IsTrue: return is_truthy(field);
      case FilterType::IsFalse: return !is_truthy(field);
      case FilterType::IsNull: return false;  // every field has a value
      case FilterType::IsNotNull: return true;
      case FilterType::StartsWith: return field.starts_with(f.value);
      case FilterType::EndsWith: return field.ends_with(f.value);
      case FilterType::Regex: return f.regex->full_match(field);
      case FilterType::Contains: return field.find(f.value) != std::string::npos;
    }
    return false;
  }

  bool any_;
  std::vector<Filter> filters_;
};

constexpr std::pair<std::string_view, FilterType> kFilterTypes[] = {
    {"EQUAL_TO", FilterType::EqualTo},       {"NOT_EQUAL_TO", FilterType::NotEqualTo}, {"IN", FilterType::In},
    {"NOT_IN", FilterType::NotIn},           {"IS_TRUE", FilterType::IsTrue},          {"IS_FALSE", FilterType::IsFalse},
    {"IS_NULL", FilterType::IsNull},         {"IS_NOT_NULL", FilterType::IsNotNull},   {"STARTS_WITH", FilterType::StartsWith},
    {"ENDS_WITH", FilterType::EndsWith},     {"REGEX", FilterType::Regex},             {"CONTAINS", FilterType::Contains}};

std::optional<FilterType> filter_type(PropertyReader& reader) {
  auto name = reader.one_of("type", {"EQUAL_TO", "NOT_EQUAL_TO", "IN", "NOT_IN", "IS_TRUE", "IS_FALSE", "IS_NULL",
                                     "IS_NOT_NULL", "STARTS_WITH", "ENDS_WITH", "REGEX", "CONTAINS"});
  if (!reader.has("type")) reader.problem("type", "missing required property 'type'");
  if (!name) return std::nullopt;
  for (const auto& [text, type] : kFilterTypes)
    if (text == *name) return type;
  return std::nullopt;
}

// Kestra's PreconditionFilterValidation: IN and NOT_IN take `values`, the others `value`.
std::optional<Filter> read_filter(PropertyReader& reader) {
  reader.allow_only({"field", "type", "value", "values"});
  auto field = reader.one_of("field", {"FLOW_ID", "NAMESPACE", "STATE", "EXPRESSION"});
  if (!reader.has("field")) reader.problem("field", "missing required property 'field'");
  auto type = filter_type(reader);
  if (!field || !type) return std::nullopt;
  auto type_name = reader.value("type").get<std::string>();
  bool takes_values = *type == FilterType::In || *type == FilterType::NotIn;
  Filter filter{*field, *type, reader.text("value").value_or(""), {}, nullptr};
  if (takes_values != reader.has("values"))
    reader.problem("values", "`values` " + std::string(takes_values ? "cannot" : "must") + " be null for type " + type_name);
  if (takes_values == reader.has("value"))
    reader.problem("value", "`value` " + std::string(takes_values ? "must" : "cannot") + " be null for type " + type_name);
  const Value& values = reader.value("values");
  if (values.is_array() && std::all_of(values.begin(), values.end(), [](const Value& v) { return v.is_string(); })) {
    filter.values = values.get<std::vector<std::string>>();
  } else if (!values.is_null()) {
    reader.problem("values", "'values' must be a list of strings, not " + dump_json(values));
  }
  std::string error;
  if (*type == FilterType::Regex && !(filter.regex = regex::Pattern::compile(filter.value, &error)))
    reader.problem("value", "invalid regular expression '" + filter.value + "': " + error);
  return filter;
}

std::string path_in(const std::string& trigger_path, const std::string& relative) {
  return trigger_path.empty() ? relative : trigger_path + "." + relative;
}

}  // namespace

std::optional<WindowedConditions> read_preconditions(const Value& properties, const std::string& trigger_path,
                                                     std::vector<PropertyProblem>& problems) {
  auto given = properties.find("preconditions");
  if (given == properties.end() || given->is_null()) return std::nullopt;
  auto problems_before = problems.size();
  PropertyReader reader(*given, "preconditions", problems);
  if (!reader.is_mapping()) return std::nullopt;
  reader.allow_only({"id", "flows", "where", "timeWindow", "resetOnSuccess"});
  auto id = reader.identifier("id");
  std::vector<WindowedConditions::Named> named;
  reader.each_item("flows", false, [&](PropertyReader& flow, size_t) {
    if (auto upstream = read_upstream_flow(flow, UpstreamKeys::Preconditions, trigger_path))
      named.push_back({"condition_" + std::to_string(named.size() + 1), std::move(upstream)});
  });
  reader.each_item("where", false, [&](PropertyReader& where, size_t) {
    where.allow_only({"id", "operand", "filters"});
    auto filter_id = where.text("id", true);
    auto operand = where.one_of("operand", {"AND", "OR"}).value_or("AND");
    auto definition = named_definition("ExecutionFilter", path_in(trigger_path, where.path()));
    std::vector<Filter> filters;
    where.each_item("filters", true, [&](PropertyReader& filter, size_t) {
      if (auto read = read_filter(filter)) filters.push_back(std::move(*read));
    });
    if (!filter_id) return;
    auto name = "condition_" + std::to_string(named.size() + 1) + "_" + *filter_id;
    named.push_back({name, std::make_unique<ExecutionFilter>(definition, operand == "OR", std::move(filters))});
  });
  auto listed = [&](const char* name) { return reader.value(name).is_array() && !reader.value(name).empty(); };
  if (!listed("flows") && !listed("where"))
    reader.problem("", "at least one of 'flows', 'where' must be given and not empty");
  TimeWindow window;
  if (reader.has("timeWindow")) {
    PropertyReader window_reader(reader.value("timeWindow"), reader.path_of("timeWindow"), problems);
    window = TimeWindow::read(window_reader);
  }
  auto reset_on_success = reader.boolean("resetOnSuccess").value_or(true);
  if (problems.size() != problems_before || !id) return std::nullopt;
  return WindowedConditions(*id, std::move(named), window, reset_on_success);
}

}  // namespace runwatch
