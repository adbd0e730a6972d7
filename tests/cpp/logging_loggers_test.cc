// Hierarchical logger levels: a level set on a package applies to every logger below it
// that has none of its own, changes apply at once, and bad names or levels are refused.
#include <gtest/gtest.h>

#include <spdlog/sinks/ringbuffer_sink.h>

#include "runwatch/logging/loggers.h"

namespace runwatch {
namespace {

class LoggingLoggers : public ::testing::Test {
 protected:
  Loggers& loggers = Loggers::global();
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> captured = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(100);

  void SetUp() override {
    captured->set_pattern("%l %n %v");
    loggers.sink().add_sink(captured);
  }
  void TearDown() override {
    loggers.sink().remove_sink(captured);
    for (const auto& name : {"test.pkg", "test.pkg.Child", "test"}) loggers.configure(name, std::nullopt);
    loggers.configure("ROOT", "INFO");
  }
};

TEST_F(LoggingLoggers, LevelsAreInheritedFromTheNearestConfiguredParent) {
  auto child = loggers.get("test.pkg.Child");
  auto sibling = loggers.get("test.other.Thing");
  EXPECT_EQ(loggers.levels("test.pkg.Child").effective, "INFO");
  EXPECT_FALSE(loggers.levels("test.pkg.Child").configured.has_value());

  loggers.configure("test.pkg", "trace");
  EXPECT_EQ(loggers.levels("test.pkg").configured, "TRACE");
  EXPECT_EQ(loggers.levels("test.pkg.Child").effective, "TRACE");
  EXPECT_EQ(loggers.levels("test.other.Thing").effective, "INFO");
  child->trace("now visible");
  sibling->debug("still hidden");
  EXPECT_EQ(captured->last_formatted(), (std::vector<std::string>{"trace test.pkg.Child now visible\n"}));

  loggers.configure("test.pkg.Child", "ERROR");
  child->warn("hidden again");
  EXPECT_EQ(captured->last_formatted().size(), 1u);
  loggers.configure("test.pkg.Child", std::nullopt);
  EXPECT_EQ(loggers.levels("test.pkg.Child").effective, "TRACE");

  loggers.configure("ROOT", "OFF");
  EXPECT_EQ(loggers.levels("test.other.Thing").effective, "OFF");
}

TEST_F(LoggingLoggers, AllListsRootAndEveryKnownLogger) {
  loggers.get("test.pkg.Child");
  loggers.configure("test.pkg", "DEBUG");
  auto all = loggers.all();
  ASSERT_TRUE(all.count("ROOT"));
  EXPECT_EQ(all["ROOT"].configured, "INFO");
  EXPECT_EQ(all["test.pkg"].configured, "DEBUG");
  EXPECT_EQ(all["test.pkg.Child"].effective, "DEBUG");
  EXPECT_FALSE(all["test.pkg.Child"].configured.has_value());
  EXPECT_EQ(Loggers::level_names(), (std::vector<std::string>{"OFF", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"}));
}

TEST_F(LoggingLoggers, BadNamesAndLevelsAreRefused) {
  try {
    loggers.configure("test", "LOUD");
    FAIL() << "no error";
  } catch (const LoggerError& e) {
    EXPECT_EQ(std::string(e.what()), "Unknown log level 'LOUD': expected one of OFF, ERROR, WARN, INFO, DEBUG, TRACE");
  }
  for (const char* bad : {"../etc/passwd", "a..b", "", ".a", "a b"})
    EXPECT_THROW(loggers.configure(bad, "INFO"), LoggerError) << bad;
  try {
    loggers.configure("ROOT", std::nullopt);
    FAIL() << "no error";
  } catch (const LoggerError& e) {
    EXPECT_EQ(std::string(e.what()), "The ROOT logger's level cannot be cleared");
  }
  EXPECT_EQ(loggers.levels("ROOT").configured, "INFO");
}

}  // namespace
}  // namespace runwatch
