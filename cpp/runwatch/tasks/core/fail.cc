#include "runwatch/tasks/core/core_tasks.h"
#include "runwatch/tasks/core/properties.h"

namespace runwatch {
namespace {

// Kestra's TruthUtils: only "false", "0", "-0" and "" are false (case-sensitive).
bool is_truthy(const std::string& text) { return text != "false" && text != "0" && text != "-0" && !text.empty(); }

class FailTask final : public TaskType {
 public:
  FailTask() : TaskType(schema()) {}

  TaskResult run(RunContext&, const Value& properties) const override {
    const Value* condition = find_property(properties, "condition");
    if (condition && !is_truthy(to_text(*condition))) return {};
    // No log line of its own: the worker logs every failure's message at ERROR.
    throw TaskFailure(string_or(properties, "errorMessage", kDefaultMessage));
  }

 private:
  static constexpr const char* kDefaultMessage = "Task failure";

  static TypeSchema schema() {
    TypeSchema s;
    s.name = "io.kestra.plugin.core.execution.Fail";
    s.aliases = {"io.kestra.core.tasks.executions.Fail"};
    s.description = "Fails the execution, always or when a condition holds.";
    s.properties = {
        {.name = "condition",
         .type = PropertyType::Any,
         .description = "When given, the task fails only if it is true: \"false\", \"0\", \"-0\" and \"\" are false, "
                        "anything else true."},
        {.name = "errorMessage",
         .type = PropertyType::String,
         .description = "The error message.",
         .default_value = kDefaultMessage},
    };
    return s;
  }
};

}  // namespace

std::shared_ptr<const TaskType> make_fail_task() { return std::make_shared<FailTask>(); }

}  // namespace runwatch
