#include "runwatch/tasks/core/core_tasks.h"
#include "runwatch/model/json_text.h"
#include "runwatch/tasks/core/properties.h"

namespace runwatch {
namespace {

// `values` is a map, or a text holding a JSON object (what a template such as
// "{{ read('values.json') }}" renders to).
Value values_of(const Value& properties) {
  const Value* values = find_property(properties, "values");
  if (!values) return Value::object();
  if (values->is_object()) return *values;
  if (values->is_string()) {
    Value parsed = parse_json_or_discarded(values->get<std::string>());
    if (parsed.is_object()) return parsed;
    throw TaskFailure("Unable to parse `values` as a map: " + values->get<std::string>());
  }
  throw TaskFailure("`values` must be a map or a JSON string");
}

class OutputValuesTask final : public TaskType {
 public:
  OutputValuesTask() : TaskType(schema()) {}

  TaskResult run(RunContext&, const Value& properties) const override {
    TaskResult result;
    result.outputs["values"] = values_of(properties);
    return result;
  }

 private:
  static TypeSchema schema() {
    TypeSchema s;
    s.name = "io.kestra.plugin.core.output.OutputValues";
    s.description = "Returns its rendered values as the `values` output.";
    s.properties = {{.name = "values",
                     .type = PropertyType::Any,
                     .description = "The values: a map of strings, numbers, lists or maps, or a JSON object as text."}};
    return s;
  }
};

}  // namespace

std::shared_ptr<const TaskType> make_output_values_task() { return std::make_shared<OutputValuesTask>(); }

}  // namespace runwatch
