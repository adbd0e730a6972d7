// The core runnable tasks, run directly through RunContext as a worker would.
#include <gtest/gtest.h>

#include "runwatch/tasks/builtin.h"
#include "runwatch/tasks/registry.h"

namespace runwatch {
namespace {

struct LogLine {
  LogLevel level;
  std::string message;
  bool operator==(const LogLine&) const = default;
};

void PrintTo(const LogLine& line, std::ostream* os) { *os << to_string(line.level) << " " << line.message; }

class TaskCoreTest : public ::testing::Test {
 protected:
  TaskCoreTest() { register_core_tasks(registry_); }

  std::shared_ptr<const TaskType> type(std::string_view name) {
    auto task = registry_.task(name);
    if (!task) throw std::logic_error("no task type " + std::string(name));
    return task;
  }

  RunContext context(const Clock& clock = *system_clock()) {
    TaskIdentity identity{"exec1", "company.team", "flow1", 1, "task1", "", "taskrun1", 1};
    return RunContext(identity, Value::object(), clock, cancellation_);
  }

  TaskResult run(std::string_view name, const Value& properties) {
    auto ctx = context();
    TaskResult result = type(name)->run(ctx, properties);
    logs_ = lines(ctx);
    return result;
  }

  // The failure message of a run that must fail.
  std::string failure(std::string_view name, const Value& properties) {
    auto ctx = context();
    try {
      type(name)->run(ctx, properties);
    } catch (const TaskFailure& e) {
      logs_ = lines(ctx);
      return e.what();
    }
    ADD_FAILURE() << name << " did not fail";
    return {};
  }

  static std::vector<LogLine> lines(const RunContext& ctx) {
    std::vector<LogLine> out;
    for (const auto& entry : ctx.logs()) out.push_back({entry.level, entry.message});
    return out;
  }

  PluginRegistry registry_;
  std::shared_ptr<Cancellation> cancellation_ = std::make_shared<Cancellation>();
  std::vector<LogLine> logs_;
};

// ---- Log -------------------------------------------------------------------------------

TEST_F(TaskCoreTest, LogLogsOneMessageAtInfoByDefault) {
  auto result = run("io.kestra.plugin.core.log.Log", {{"message", "hello"}});
  EXPECT_EQ(result.state, State::SUCCESS);
  EXPECT_EQ(result.outputs, Value::object());
  EXPECT_EQ(logs_, (std::vector<LogLine>{{LogLevel::INFO, "hello"}}));
}

TEST_F(TaskCoreTest, LogLogsEachMessageOfAListAtTheGivenLevel) {
  run("io.kestra.plugin.core.log.Log", {{"message", {"one", "two"}}, {"level", "WARN"}});
  EXPECT_EQ(logs_, (std::vector<LogLine>{{LogLevel::WARN, "one"}, {LogLevel::WARN, "two"}}));
}

TEST_F(TaskCoreTest, LogIsFoundByItsAlias) {
  run("io.kestra.core.tasks.log.Log", {{"message", "hi"}, {"level", "ERROR"}});
  EXPECT_EQ(logs_, (std::vector<LogLine>{{LogLevel::ERROR, "hi"}}));
}

TEST_F(TaskCoreTest, LogSchemaHasKestraPropertiesAndDefaults) {
  const auto& schema = type("io.kestra.plugin.core.log.Log")->schema();
  ASSERT_NE(schema.property("message"), nullptr);
  EXPECT_TRUE(schema.property("message")->required);
  EXPECT_EQ(schema.property("message")->type, PropertyType::StringList);
  ASSERT_NE(schema.property("level"), nullptr);
  EXPECT_EQ(schema.property("level")->default_value, "INFO");
  EXPECT_EQ(schema.property("level")->allowed_values,
            (std::vector<std::string>{"TRACE", "DEBUG", "INFO", "WARN", "ERROR"}));
}

TEST_F(TaskCoreTest, LogFailsWithoutMessage) {
  EXPECT_EQ(failure("io.kestra.plugin.core.log.Log", Value::object()), "Missing required property 'message'");
  EXPECT_EQ(failure("io.kestra.plugin.core.log.Log", {{"message", nullptr}}), "Missing required property 'message'");
}

TEST_F(TaskCoreTest, LogFailsOnUnknownLevel) {
  EXPECT_EQ(failure("io.kestra.plugin.core.log.Log", {{"message", "x"}, {"level", "LOUD"}}), "Invalid log level 'LOUD'");
}

TEST_F(TaskCoreTest, LogFailsOnAMessageThatIsAMap) {
  EXPECT_EQ(failure("io.kestra.plugin.core.log.Log", {{"message", {{"a", 1}}}}),
            "Property 'message' must be a string or a list of strings");
}

// ---- Echo ------------------------------------------------------------------------------

TEST_F(TaskCoreTest, EchoLogsTheFormatAtTheGivenLevel) {
  auto result = run("io.kestra.core.tasks.debugs.Echo", {{"format", "hello"}, {"level", "DEBUG"}});
  EXPECT_EQ(result.state, State::SUCCESS);
  EXPECT_EQ(logs_, (std::vector<LogLine>{{LogLevel::DEBUG, "hello"}}));
  run("io.kestra.plugin.core.debug.Echo", {{"format", "hi"}});
  EXPECT_EQ(logs_, (std::vector<LogLine>{{LogLevel::INFO, "hi"}}));
}

TEST_F(TaskCoreTest, EchoFailsWithoutFormat) {
  EXPECT_EQ(failure("io.kestra.plugin.core.debug.Echo", Value::object()), "Missing required property 'format'");
}

// ---- Return ----------------------------------------------------------------------------

TEST_F(TaskCoreTest, ReturnOutputsTheFormatAsValueAndLogsItAtDebug) {
  auto result = run("io.kestra.plugin.core.debug.Return", {{"format", "42 apples"}});
  EXPECT_EQ(result.state, State::SUCCESS);
  EXPECT_EQ(result.outputs, (Value{{"value", "42 apples"}}));
  EXPECT_EQ(logs_, (std::vector<LogLine>{{LogLevel::DEBUG, "42 apples"}}));
}

TEST_F(TaskCoreTest, ReturnWithoutFormatHasNoValueOutput) {
  auto result = run("io.kestra.core.tasks.debugs.Return", Value::object());
  EXPECT_EQ(result.state, State::SUCCESS);
  EXPECT_EQ(result.outputs, Value::object());
}

// ---- Fail ------------------------------------------------------------------------------

TEST_F(TaskCoreTest, FailFailsWithTheDefaultMessage) {
  EXPECT_EQ(failure("io.kestra.plugin.core.execution.Fail", Value::object()), "Task failure");
  EXPECT_TRUE(logs_.empty());  // the worker logs the failure
  EXPECT_EQ(type("io.kestra.plugin.core.execution.Fail")->schema().property("errorMessage")->default_value,
            "Task failure");
}

TEST_F(TaskCoreTest, FailFailsWithTheGivenMessage) {
  EXPECT_EQ(failure("io.kestra.core.tasks.executions.Fail", {{"errorMessage", "disk full"}}), "disk full");
}

TEST_F(TaskCoreTest, FailFailsWhenTheConditionIsTruthy) {
  for (Value condition : {Value("true"), Value("yes"), Value("False"), Value("1"), Value(true), Value(2)}) {
    SCOPED_TRACE(condition.dump());
    EXPECT_EQ(failure("io.kestra.plugin.core.execution.Fail", {{"condition", condition}, {"errorMessage", "boom"}}),
              "boom");
  }
}

TEST_F(TaskCoreTest, FailSucceedsWhenTheConditionIsFalsy) {
  for (Value condition : {Value("false"), Value("0"), Value("-0"), Value(""), Value(false), Value(0)}) {
    SCOPED_TRACE(condition.dump());
    auto result = run("io.kestra.plugin.core.execution.Fail", {{"condition", condition}});
    EXPECT_EQ(result.state, State::SUCCESS);
    EXPECT_TRUE(logs_.empty());
  }
}

}  // namespace
}  // namespace runwatch
