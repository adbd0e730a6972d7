#include <string_view>

#include "runwatch/tasks/core/core_tasks.h"
#include "runwatch/model/json_text.h"
#include "runwatch/tasks/core/properties.h"

namespace runwatch {
namespace {

constexpr std::string_view kSystemPrefix = "system.";

// A label value as Kestra stores it: text as it is, a map as JSON.
std::string label_value(const Value& value) { return value.is_null() ? std::string() : to_text(value); }

// Later labels replace earlier ones with the same key, keeping the first one's place.
void set_label(std::vector<Label>& labels, std::string key, std::string value) {
  for (auto& label : labels)
    if (label.key == key) {
      label.value = std::move(value);
      return;
    }
  labels.push_back({std::move(key), std::move(value)});
}

std::vector<Label> labels_from_map(const Value& map) {
  std::vector<Label> labels;
  for (auto it = map.begin(); it != map.end(); ++it) set_label(labels, it.key(), label_value(it.value()));
  return labels;
}

std::vector<Label> labels_from_list(const Value& list) {
  std::vector<Label> labels;
  for (const auto& item : list) {
    if (!item.is_object() || !find_property(item, "key"))
      throw TaskFailure("Each item of `labels` must be a map with a key and a value, got " + dump_json(item));
    set_label(labels, to_text(item["key"]), label_value(item.value("value", Value())));
  }
  return labels;
}

// `labels` is a map, a list of {key, value}, or a text holding a JSON map.
std::vector<Label> labels_of(const Value& labels) {
  if (labels.is_object()) return labels_from_map(labels);
  if (labels.is_array()) return labels_from_list(labels);
  if (labels.is_string()) {
    Value parsed = parse_json_or_discarded(labels.get<std::string>());
    if (parsed.is_object()) return labels_from_map(parsed);
    throw TaskFailure("Unable to parse `labels` as a map: " + labels.get<std::string>());
  }
  throw TaskFailure("`labels` must be a map, a list of labels or a JSON string");
}

class LabelsTask final : public TaskType {
 public:
  LabelsTask() : TaskType(schema()) {}

  TaskResult run(RunContext&, const Value& properties) const override {
    TaskResult result;
    result.labels = labels_of(required_property(properties, "labels"));
    for (const auto& label : result.labels)
      if (label.key.starts_with(kSystemPrefix))
        throw TaskFailure("System labels can only be set by Kestra itself, offending label: " + label.key + "=" +
                          label.value);
    return result;
  }

 private:
  static TypeSchema schema() {
    TypeSchema s;
    s.name = "io.kestra.plugin.core.execution.Labels";
    s.aliases = {"io.kestra.core.tasks.executions.Labels"};
    s.description =
        "Adds labels to the current execution, or replaces those with the same keys. Labels starting with "
        "`system.` are refused.";
    s.properties = {{.name = "labels",
                     .type = PropertyType::Any,
                     .required = true,
                     .description = "A map of labels, a list of {key, value}, or a JSON map as text."}};
    return s;
  }
};

}  // namespace

std::shared_ptr<const TaskType> make_labels_task() { return std::make_shared<LabelsTask>(); }

}  // namespace runwatch
