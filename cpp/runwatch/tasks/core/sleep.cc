#include "runwatch/tasks/core/cancelled.h"
#include "runwatch/tasks/core/core_tasks.h"
#include "runwatch/tasks/core/properties.h"

namespace runwatch {
namespace {

class SleepTask final : public TaskType {
 public:
  SleepTask() : TaskType(schema()) {}

  TaskResult run(RunContext& ctx, const Value& properties) const override {
    Duration duration = duration_of(properties, "duration");
    ctx.log(LogLevel::INFO, "Waiting for " + format_duration(duration));
    if (!ctx.sleep_for(duration)) throw cancelled_failure(ctx);
    return {};
  }

 private:
  static TypeSchema schema() {
    TypeSchema s;
    s.name = "io.kestra.plugin.core.flow.Sleep";
    s.description = "Waits for a duration on the engine's clock; a kill or a timeout ends the wait.";
    s.properties = {{.name = "duration",
                     .type = PropertyType::Duration,
                     .required = true,
                     .description = "How long to wait, in ISO-8601 (PT5S)."}};
    return s;
  }
};

}  // namespace

std::shared_ptr<const TaskType> make_sleep_task() { return std::make_shared<SleepTask>(); }

}  // namespace runwatch
