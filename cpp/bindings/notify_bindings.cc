// Python notifiers (runwatch.Notifier). Python registers its notifier as a task type like
// any Python task; wrap_notifier then wraps that type so that each run first builds the
// execution summary in C++, the same one the *Execution tasks send, and hands it to
// Python beside the rendered properties.
#include "bindings.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/registry.h"

namespace runwatch::bindings {
namespace {

// The property under which the Python side finds the summary.
constexpr const char* kMessageKey = "__notification_message__";

class NotifierTaskType final : public TaskType {
 public:
  explicit NotifierTaskType(std::shared_ptr<const TaskType> python)
      : TaskType(python->schema()), python_(std::move(python)) {}

  TaskResult run(RunContext& ctx, const Value& properties) const override {
    Value message = to_value(execution_summary(ctx, properties));
    message["idempotency_key"] = idempotency_key(ctx.identity());
    Value with_message = properties;
    with_message[kMessageKey] = std::move(message);
    return python_->run(ctx, with_message);
  }

 private:
  std::shared_ptr<const TaskType> python_;
};

}  // namespace

void bind_notifiers(py::module_& m) {
  m.attr("NOTIFIER_MESSAGE_KEY") = kMessageKey;
  m.def(
      "wrap_notifier",
      [](const std::string& name) {
        auto& registry = PluginRegistry::global();
        auto python = registry.task(name);
        if (!python) throw py::key_error("no task type '" + name + "' is registered");
        registry.add_task(std::make_shared<NotifierTaskType>(std::move(python)));
      },
      py::arg("name"),
      "Makes the registered Python task type `name` a notifier: its runs receive the execution summary.");
}

}  // namespace runwatch::bindings
