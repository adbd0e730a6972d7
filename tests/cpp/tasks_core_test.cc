// The core runnable tasks, run directly through RunContext as a worker would.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include "runwatch/tasks/core/child_process.h"
#include "tasks_test_support.h"

namespace runwatch {
namespace {

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
  EXPECT_EQ(failure("io.kestra.plugin.core.log.Log", {{"message", "x"}, {"level", "LOUD"}}),
            "Property 'level' must be one of TRACE, DEBUG, INFO, WARN, ERROR, got 'LOUD'");
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

// ---- OutputValues ----------------------------------------------------------------------

TEST_F(TaskCoreTest, OutputValuesReturnsTheValuesMap) {
  Value values = {{"name", "disk"}, {"count", 42}, {"items", {"a", "b"}}, {"nested", {{"k", "v"}}}};
  auto result = run("io.kestra.plugin.core.output.OutputValues", {{"values", values}});
  EXPECT_EQ(result.state, State::SUCCESS);
  EXPECT_EQ(result.outputs, (Value{{"values", values}}));
}

TEST_F(TaskCoreTest, OutputValuesParsesAJsonText) {
  auto result = run("io.kestra.plugin.core.output.OutputValues", {{"values", R"({"a": 1, "b": "two"})"}});
  EXPECT_EQ(result.outputs, (Value{{"values", {{"a", 1}, {"b", "two"}}}}));
}

TEST_F(TaskCoreTest, OutputValuesWithoutValuesReturnsAnEmptyMap) {
  EXPECT_EQ(run("io.kestra.plugin.core.output.OutputValues", Value::object()).outputs,
            (Value{{"values", Value::object()}}));
}

TEST_F(TaskCoreTest, OutputValuesFailsOnTextThatIsNotAJsonMap) {
  EXPECT_EQ(failure("io.kestra.plugin.core.output.OutputValues", {{"values", "[1, 2]"}}),
            "Unable to parse `values` as a map: [1, 2]");
  EXPECT_EQ(failure("io.kestra.plugin.core.output.OutputValues", {{"values", 3}}),
            "`values` must be a map or a JSON string");
}

// ---- Sleep -----------------------------------------------------------------------------

TEST_F(TaskCoreTest, SleepWaitsForTheDurationOnTheEngineClock) {
  WaitAwareClock clock(TimePoint{});
  auto ctx = context(clock);
  auto done = std::async(std::launch::async, [&] { return type("io.kestra.plugin.core.flow.Sleep")->run(ctx, {{"duration", "PT10S"}}); });
  clock.await_waits(1);
  clock.advance(std::chrono::seconds(9));
  clock.await_waits(2);  // woke, found it early, and waits again
  EXPECT_EQ(done.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  clock.advance(std::chrono::seconds(1));
  EXPECT_EQ(done.get().state, State::SUCCESS);
  EXPECT_EQ(lines(ctx), (std::vector<LogLine>{{LogLevel::INFO, "Waiting for PT10S"}}));
}

TEST_F(TaskCoreTest, SleepEndsWithTheCancellationReason) {
  WaitAwareClock clock(TimePoint{});
  auto ctx = context(clock);
  auto done = std::async(std::launch::async, [&] { return type("io.kestra.plugin.core.flow.Sleep")->run(ctx, {{"duration", "PT1H"}}); });
  clock.await_waits(1);
  cancellation_->cancel("Execution killed");
  try {
    done.get();
    ADD_FAILURE() << "Sleep did not fail";
  } catch (const TaskFailure& e) {
    EXPECT_STREQ(e.what(), "Execution killed");
  }
}

TEST_F(TaskCoreTest, SleepFailsAtOnceWhenAlreadyCancelled) {
  cancellation_->cancel("Timeout after PT1S");
  EXPECT_EQ(failure("io.kestra.plugin.core.flow.Sleep", {{"duration", "PT1H"}}), "Timeout after PT1S");
}

TEST_F(TaskCoreTest, SleepFailsOnAMissingOrBadDuration) {
  EXPECT_EQ(failure("io.kestra.plugin.core.flow.Sleep", Value::object()), "Missing required property 'duration'");
  EXPECT_EQ(failure("io.kestra.plugin.core.flow.Sleep", {{"duration", "5 seconds"}}),
            "Property 'duration' is not an ISO-8601 duration: '5 seconds'");
}

// ---- Labels ----------------------------------------------------------------------------

TEST_F(TaskCoreTest, LabelsFromAMap) {
  auto result = run("io.kestra.plugin.core.execution.Labels",
                    {{"labels", {{"team", "ops"}, {"count", 3}, {"meta", {{"a", 1}}}}}});
  EXPECT_EQ(result.state, State::SUCCESS);
  EXPECT_EQ(result.outputs, Value::object());
  EXPECT_EQ(result.labels, (std::vector<Label>{{"team", "ops"}, {"count", "3"}, {"meta", R"({"a":1})"}}));
}

TEST_F(TaskCoreTest, LabelsFromAListWhereTheLastOfAKeyWins) {
  Value list = Value::array({{{"key", "order"}, {"value", "1"}}, {{"key", "type"}, {"value", "x"}},
                             {{"key", "order"}, {"value", "2"}}});
  auto result = run("io.kestra.core.tasks.executions.Labels", {{"labels", list}});
  EXPECT_EQ(result.labels, (std::vector<Label>{{"order", "2"}, {"type", "x"}}));
}

TEST_F(TaskCoreTest, LabelsFromAJsonText) {
  auto result = run("io.kestra.plugin.core.execution.Labels", {{"labels", R"({"customer": "acme"})"}});
  EXPECT_EQ(result.labels, (std::vector<Label>{{"customer", "acme"}}));
}

TEST_F(TaskCoreTest, LabelsRefusesSystemLabels) {
  EXPECT_EQ(failure("io.kestra.plugin.core.execution.Labels", {{"labels", {{"system.correlationId", "42"}}}}),
            "System labels can only be set by Kestra itself, offending label: system.correlationId=42");
}

TEST_F(TaskCoreTest, LabelsFailsOnMissingOrMalformedLabels) {
  const char* labels = "io.kestra.plugin.core.execution.Labels";
  EXPECT_EQ(failure(labels, Value::object()), "Missing required property 'labels'");
  EXPECT_EQ(failure(labels, {{"labels", "not json"}}), "Unable to parse `labels` as a map: not json");
  EXPECT_EQ(failure(labels, {{"labels", 7}}), "`labels` must be a map, a list of labels or a JSON string");
  EXPECT_EQ(failure(labels, {{"labels", Value::array({"a"})}}),
            "Each item of `labels` must be a map with a key and a value, got \"a\"");
}

// ---- shell Commands --------------------------------------------------------------------

constexpr const char* kCommands = "io.kestra.plugin.scripts.shell.Commands";

TEST_F(TaskCoreTest, CommandsLogsStdoutAtInfoAndStderrAtWarn) {
  auto result = run(kCommands, {{"commands", {"echo out1", "echo err1 >&2", "echo out2", "printf 'no newline'"}}});
  EXPECT_EQ(result.state, State::SUCCESS);  // stderr alone does not make a WARNING by default
  EXPECT_EQ(result.outputs, (Value{{"vars", Value::object()}, {"exitCode", 0}}));
  EXPECT_EQ(messages(LogLevel::INFO), (std::vector<std::string>{"out1", "out2", "no newline"}));
  EXPECT_EQ(messages(LogLevel::WARN), (std::vector<std::string>{"err1"}));
}

TEST_F(TaskCoreTest, CommandsSchemaHasKestraDefaultsAndNoAliases) {
  const auto& schema = type(kCommands)->schema();
  EXPECT_TRUE(schema.aliases.empty());
  EXPECT_TRUE(schema.property("commands")->required);
  EXPECT_EQ(schema.property("interpreter")->default_value, Value::array({"/bin/sh", "-c"}));
  EXPECT_EQ(schema.property("failFast")->default_value, true);
  // None: a containerImage the flow names is what the server log warns about.
  EXPECT_TRUE(schema.property("containerImage")->default_value.is_null());
}

TEST_F(TaskCoreTest, CommandsOutputLinesSetVarsAndAreNotLogged) {
  auto result = run(kCommands, {{"commands",
                                 {R"(echo '::{"outputs":{"test":"value","int":2,"bool":true,"float":3.65}}::')",
                                  R"(echo '::{"outputs":{"test":"replaced","more":[1]}}::' >&2)"}}});
  EXPECT_EQ(result.outputs["vars"],
            (Value{{"test", "replaced"}, {"int", 2}, {"bool", true}, {"float", 3.65}, {"more", {1}}}));
  EXPECT_TRUE(logs_.empty());
}

TEST_F(TaskCoreTest, CommandsOutputLinesCanLog) {
  run(kCommands, {{"commands", {R"(echo '::{"logs":[{"level":"ERROR","message":"bad disk"},{"level":"LOUD","message":"x"}]}::')"}}});
  EXPECT_EQ(logs_, (std::vector<LogLine>{{LogLevel::ERROR, "bad disk"},
                                         {LogLevel::WARN, R"(Invalid log '{"level":"LOUD","message":"x"}')"}}));
}

TEST_F(TaskCoreTest, CommandsWarnsOnAnInvalidOutputLine) {
  auto result = run(kCommands, {{"commands", {"echo '::{not json}::'", R"(echo '::{"outputs":[1]}::')"}}});
  EXPECT_EQ(result.state, State::SUCCESS);
  ASSERT_EQ(messages(LogLevel::WARN).size(), 2u);
  EXPECT_TRUE(messages(LogLevel::WARN)[0].starts_with("Invalid outputs '")) << messages(LogLevel::WARN)[0];
  EXPECT_EQ(messages(LogLevel::WARN)[1], R"(Invalid outputs '{"outputs":[1]}')");
}

// A child gets PATH, HOME, the locale and the time zone of the engine, and its `env`;
// nothing else of the engine's environment: no secret, no server credential.
TEST_F(TaskCoreTest, CommandsGetsItsEnvOnTopOfASafeBaseOnly) {
  ::setenv("SECRET_SLACK_WEBHOOK", "aHR0cDovL2xvY2FsaG9zdA==", 1);
  ::setenv("KESTRA_SERVER_BASIC_AUTH_PASSWORD", "s3cret", 1);
  ::setenv("LC_TIME", "C.UTF-8", 1);
  run(kCommands, {{"commands", {"echo \"${SECRET_SLACK_WEBHOOK:-none}|${KESTRA_SERVER_BASIC_AUTH_PASSWORD:-none}|"
                                "$LC_TIME|$PATH|$GREETING|$HOME\""}},
                  {"env", {{"GREETING", "hello"}, {"HOME", "/tmp/task-home"}}}});
  ::unsetenv("SECRET_SLACK_WEBHOOK");
  ::unsetenv("KESTRA_SERVER_BASIC_AUTH_PASSWORD");
  ::unsetenv("LC_TIME");
  EXPECT_EQ(messages(LogLevel::INFO),
            (std::vector<std::string>{std::string("none|none|C.UTF-8|") + ::getenv("PATH") + "|hello|/tmp/task-home"}));
}

TEST_F(TaskCoreTest, CommandsSeesNoOtherVariableOfTheEngine) {
  ::setenv("RUNWATCH_TEST_INHERITED", "from parent", 1);
  run(kCommands, {{"commands", {"env | cut -d= -f1"}}});
  ::unsetenv("RUNWATCH_TEST_INHERITED");
  const std::set<std::string> safe = {"PATH", "HOME", "LANG", "LANGUAGE", "TZ",  "TMPDIR", "USER", "LOGNAME",
                                      "SHELL", "TERM", "PWD", "SHLVL",   "_",  "OLDPWD"};  // the shell adds the last four
  auto names = messages(LogLevel::INFO);
  EXPECT_NE(std::find(names.begin(), names.end(), "PATH"), names.end());
  for (const auto& name : names) EXPECT_TRUE(safe.contains(name) || name.starts_with("LC_")) << name;
}

TEST_F(TaskCoreTest, CommandsRunsInAFreshWorkingDirectoryRemovedAfterwards) {
  run(kCommands, {{"commands", {"touch made-here.txt", "pwd", "ls"}}});
  auto info = messages(LogLevel::INFO);
  ASSERT_EQ(info.size(), 2u);
  std::filesystem::path dir = info[0];
  EXPECT_EQ(dir.parent_path(), std::filesystem::temp_directory_path());
  EXPECT_TRUE(dir.filename().string().starts_with("runwatch-commands-")) << dir;
  EXPECT_EQ(info[1], "made-here.txt");
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST_F(TaskCoreTest, CommandsFailsOnANonZeroExitAndKeepsItsOutputs) {
  auto result = run(kCommands, {{"commands", {R"(echo '::{"outputs":{"step":1}}::')", "exit 3"}}});
  EXPECT_EQ(result.state, State::FAILED);
  EXPECT_EQ(result.error, "Command failed with code 3");
  EXPECT_EQ(result.outputs, (Value{{"vars", {{"step", 1}}}, {"exitCode", 3}}));
}

TEST_F(TaskCoreTest, CommandsStopsAtTheFirstFailingCommandUnlessFailFastIsOff) {
  auto result = run(kCommands, {{"commands", {"false", "echo after"}}});
  EXPECT_EQ(result.error, "Command failed with code 1");
  EXPECT_TRUE(messages(LogLevel::INFO).empty());

  result = run(kCommands, {{"commands", {"false", "echo after"}}, {"failFast", false}});
  EXPECT_EQ(result.state, State::SUCCESS);
  EXPECT_EQ(messages(LogLevel::INFO), (std::vector<std::string>{"after"}));
}

TEST_F(TaskCoreTest, CommandsRunsBeforeCommandsFirst) {
  run(kCommands, {{"beforeCommands", {"echo setup"}}, {"commands", "echo main"}});
  EXPECT_EQ(messages(LogLevel::INFO), (std::vector<std::string>{"setup", "main"}));
}

TEST_F(TaskCoreTest, CommandsHandsTheScriptToTheInterpreterAsItsLastArgument) {
  run(kCommands, {{"interpreter", {"/bin/echo", "script:"}}, {"beforeCommands", {"b"}}, {"commands", {"c1", "c2"}}});
  EXPECT_EQ(messages(LogLevel::INFO), (std::vector<std::string>{"script: set -e", "b", "c1", "c2"}));
}

TEST_F(TaskCoreTest, CommandsEndsWarningOnStderrWhenAsked) {
  EXPECT_EQ(run(kCommands, {{"commands", "echo oops >&2"}, {"warningOnStdErr", true}}).state, State::WARNING);
  EXPECT_EQ(run(kCommands, {{"commands", "echo fine"}, {"warningOnStdErr", true}}).state, State::SUCCESS);
}

TEST_F(TaskCoreTest, CommandsReapsItsChildAndLeaksNoDescriptor) {
  size_t descriptors = open_descriptor_count();
  run(kCommands, {{"commands", "echo $$"}});
  ASSERT_EQ(messages(LogLevel::INFO).size(), 1u);
  EXPECT_FALSE(process_exists(std::stoi(messages(LogLevel::INFO)[0])));
  EXPECT_EQ(open_descriptor_count(), descriptors);
}

TEST_F(TaskCoreTest, CommandsCancellationKillsTheProcessGroupPromptly) {
  Fifo started;
  auto ctx = context();
  auto begin = std::chrono::steady_clock::now();
  auto done = std::async(std::launch::async, [&] {
    return type(kCommands)->run(ctx, {{"commands", {"echo before", "echo $$ > \"$STARTED\"", "sleep 30"}},
                                      {"env", {{"STARTED", started.path()}}}});
  });
  std::string pid = started.read_line();
  ASSERT_FALSE(pid.empty()) << "the command did not start";
  cancellation_->cancel("Execution killed");
  try {
    done.get();
    ADD_FAILURE() << "Commands did not fail";
  } catch (const TaskFailure& e) {
    EXPECT_STREQ(e.what(), "Execution killed");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(10));
  EXPECT_FALSE(process_exists(std::stoi(pid)));
  EXPECT_EQ(lines(ctx), (std::vector<LogLine>{{LogLevel::INFO, "before"}}));
}

TEST_F(TaskCoreTest, CommandsDoesNotWaitForABackgroundProcessHoldingItsOutput) {
  auto begin = std::chrono::steady_clock::now();
  run(kCommands, {{"commands", {"sleep 30 &", "echo $!"}}});
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(10));
  ASSERT_EQ(messages(LogLevel::INFO).size(), 1u);
  ::kill(std::stoi(messages(LogLevel::INFO)[0]), SIGKILL);
}

TEST(TaskChildProcessTest, StopKillsAChildThatIgnoresSigtermAfterTheGracePeriod) {
  Fifo started;
  Cancellation cancellation;
  ChildProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", "trap '' TERM; echo $$ > \"$STARTED\"; sleep 30"};
  spec.env = {{"STARTED", started.path()}};
  spec.stop_grace = std::chrono::milliseconds(100);
  auto done = std::async(std::launch::async, [&] { return run_child_process(spec, cancellation, [](OutputStream, std::string) {}); });
  std::string pid = started.read_line();
  ASSERT_FALSE(pid.empty()) << "the command did not start";
  cancellation.cancel("stop");
  ChildProcessExit exit = done.get();
  EXPECT_TRUE(exit.stopped);
  EXPECT_EQ(exit.exit_code, 128 + SIGKILL);
  EXPECT_FALSE(process_exists(std::stoi(pid)));
}

TEST_F(TaskCoreTest, CommandsDoesNotStartWhenAlreadyCancelled) {
  cancellation_->cancel("Timeout after PT1S");
  EXPECT_EQ(failure(kCommands, {{"commands", "echo never"}}), "Timeout after PT1S");
  EXPECT_TRUE(logs_.empty());
}

TEST_F(TaskCoreTest, CommandsFailsOnMissingOrEmptyCommandsOrInterpreter) {
  EXPECT_EQ(failure(kCommands, Value::object()), "Missing required property 'commands'");
  EXPECT_EQ(failure(kCommands, {{"commands", Value::array()}}), "Property 'commands' must not be empty");
  EXPECT_EQ(failure(kCommands, {{"commands", "true"}, {"interpreter", Value::array()}}),
            "Property 'interpreter' must not be empty");
  EXPECT_EQ(failure(kCommands, {{"commands", "true"}, {"env", "A=1"}}), "Property 'env' must be a map of names to values");
}

TEST_F(TaskCoreTest, CommandsFailsWhenTheInterpreterCannotStart) {
  EXPECT_EQ(failure(kCommands, {{"commands", "true"}, {"interpreter", {"/nonexistent/sh", "-c"}}}),
            "Unable to start '/nonexistent/sh': No such file or directory");
}

}  // namespace
}  // namespace runwatch
