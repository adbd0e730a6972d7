// The LogReader the engine gives its workers: an execution's lines selected by level,
// task (in the query's order) and time, up to the first lines and the limit.
#include <gtest/gtest.h>

#include "engine_fixture.h"
#include "runwatch/runtime/execution_board.h"
#include "runwatch/runtime/execution_logs.h"

namespace runwatch {
namespace {

TEST(ExecutionLogs, SelectsByLevelAndTaskInTimeOrderUpToTheLimitAndTheFirstLines) {
  using namespace std::chrono_literals;
  const TimePoint t0 = testing::test_epoch();
  auto e = std::make_shared<Execution>();
  e->logs = {{t0 + 3s, LogLevel::INFO, "a", "ra", 1, "a late"},   {t0 + 1s, LogLevel::INFO, "a", "ra", 1, "a early"},
             {t0 + 2s, LogLevel::DEBUG, "b", "rb", 1, "b debug"}, {t0 + 2s, LogLevel::WARN, "b", "rb", 1, "b warn"},
             {t0, LogLevel::ERROR, "", "", 0, "execution"},       {t0, LogLevel::INFO, "c", "rc", 1, "c"}};
  auto messages = [&](const LogQuery& query) {
    auto selection = select_logs(e, query);
    std::vector<std::string> out;
    for (const LogEntry* line : selection.lines) out.push_back(line->message);
    return std::pair(out, selection.matched);
  };
  using Result = std::pair<std::vector<std::string>, size_t>;
  using Ids = std::vector<std::string>;
  EXPECT_EQ(messages({}), (Result{{"execution", "c", "a early", "b debug", "b warn", "a late"}, 6}));
  EXPECT_EQ(messages({.min_level = LogLevel::INFO}), (Result{{"execution", "c", "a early", "b warn", "a late"}, 5}));
  EXPECT_EQ(messages({.task_ids = Ids{"b", "a", "b"}}), (Result{{"b debug", "b warn", "a early", "a late"}, 4}));
  EXPECT_EQ(messages({.task_ids = Ids{"b", "a"}, .limit = 3}), (Result{{"b debug", "b warn", "a early"}, 4}));
  EXPECT_EQ(messages({.first_lines = 3}), (Result{{"a early", "b debug", "a late"}, 3}));
  EXPECT_EQ(messages({.task_ids = Ids{""}}), (Result{{"execution"}, 1}));
  EXPECT_EQ(messages({.task_ids = Ids{}}), (Result{{}, 0}));
  EXPECT_EQ(messages({.limit = 0}), (Result{{}, 6}));
}

TEST(ExecutionLogs, TheReaderFindsTheExecutionOrNone) {
  ExecutionBoard board;
  auto e = std::make_shared<Execution>();
  e->id = "e1";
  e->logs = {{testing::test_epoch(), LogLevel::INFO, "a", "ra", 1, "hello"}};
  board.publish(e);
  ExecutionLogReader reader(board);
  auto selection = reader.read({.execution_id = "e1"});
  ASSERT_TRUE(selection);
  EXPECT_EQ(selection->execution, e);
  ASSERT_EQ(selection->lines.size(), 1u);
  EXPECT_EQ(selection->lines[0], &e->logs[0]);
  EXPECT_FALSE(reader.read({.execution_id = "e2"}));
}

}  // namespace
}  // namespace runwatch
