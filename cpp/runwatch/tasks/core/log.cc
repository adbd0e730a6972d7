// Log, and Echo: its deprecated predecessor, which logs one message the same way.
#include "runwatch/tasks/core/core_tasks.h"
#include "runwatch/tasks/core/properties.h"

namespace runwatch {
namespace {

class LogTask final : public TaskType {
 public:
  LogTask() : TaskType(schema()) {}

  TaskResult run(RunContext& ctx, const Value& properties) const override {
    LogLevel level = log_level_of(properties);
    for (auto& message : to_string_list(required_property(properties, "message"), "message"))
      ctx.log(level, std::move(message));
    return {};
  }

 private:
  static TypeSchema schema() {
    TypeSchema s;
    s.name = "io.kestra.plugin.core.log.Log";
    s.aliases = {"io.kestra.core.tasks.log.Log"};
    s.description = "Logs one or more messages to the task's logs.";
    s.properties = {
        {.name = "message",
         .type = PropertyType::StringList,
         .required = true,
         .description = "One message, or a list of messages logged one by one."},
        log_level_property("The log level."),
    };
    return s;
  }
};

class EchoTask final : public TaskType {
 public:
  EchoTask() : TaskType(schema()) {}

  TaskResult run(RunContext& ctx, const Value& properties) const override {
    LogLevel level = log_level_of(properties);
    ctx.log(level, to_text(required_property(properties, "format")));
    return {};
  }

 private:
  static TypeSchema schema() {
    TypeSchema s;
    s.name = "io.kestra.plugin.core.debug.Echo";
    s.aliases = {"io.kestra.core.tasks.debugs.Echo"};
    s.description = "Logs a message. Deprecated in Kestra: use io.kestra.plugin.core.log.Log.";
    s.properties = {
        {.name = "format", .type = PropertyType::String, .required = true, .description = "The message to log."},
        log_level_property("The log level."),
    };
    return s;
  }
};

}  // namespace

std::shared_ptr<const TaskType> make_log_task() { return std::make_shared<LogTask>(); }
std::shared_ptr<const TaskType> make_echo_task() { return std::make_shared<EchoTask>(); }

}  // namespace runwatch
