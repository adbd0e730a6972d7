#pragma once
// Running core tasks directly through RunContext as a worker would, with their logs, and
// what tests of child processes need: named pipes to learn how far a command got.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <stdexcept>

#include "runwatch/tasks/builtin.h"
#include "runwatch/tasks/registry.h"

namespace runwatch {

// A manual clock that also tells a test when a task has started waiting on it, so the
// test advances time only once the task's deadline is set.
class WaitAwareClock final : public Clock {
 public:
  explicit WaitAwareClock(TimePoint start) : now_(start) {}
  TimePoint now() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  bool is_manual() const override { return true; }
  void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, TimePoint deadline) const override {
    {
      std::lock_guard guard(mutex_);
      ++waits_;
    }
    waited_.notify_all();
    if (now() < deadline) cv.wait(lock);
  }
  void advance(Duration d) {
    {
      std::lock_guard lock(mutex_);
      now_ += d;
    }
    notify_advance();
  }
  // Blocks until the clock's waiters have waited `count` times in all.
  void await_waits(int count) const {
    std::unique_lock lock(mutex_);
    waited_.wait(lock, [&] { return waits_ >= count; });
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable waited_;
  mutable int waits_ = 0;
  TimePoint now_;
};

struct LogLine {
  LogLevel level;
  std::string message;
  bool operator==(const LogLine&) const = default;
};

inline void PrintTo(const LogLine& line, std::ostream* os) { *os << to_string(line.level) << " " << line.message; }

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
    } catch (const std::exception& e) {
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

  // The messages logged at one level, in order.
  std::vector<std::string> messages(LogLevel level) const {
    std::vector<std::string> out;
    for (const auto& line : logs_)
      if (line.level == level) out.push_back(line.message);
    return out;
  }

  PluginRegistry registry_;
  std::shared_ptr<Cancellation> cancellation_ = std::make_shared<Cancellation>();
  std::vector<LogLine> logs_;
};

inline bool process_exists(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

inline size_t open_descriptor_count() {
  return static_cast<size_t>(
      std::distance(std::filesystem::directory_iterator("/proc/self/fd"), std::filesystem::directory_iterator()));
}

// A named pipe a command writes a line to, so the test learns when the command has got
// that far (and what it wrote) without waiting on time.
class Fifo {
 public:
  Fifo() : dir_(std::filesystem::temp_directory_path() / ("runwatch-test-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "fifo").string();
    ::unlink(path_.c_str());
    if (::mkfifo(path_.c_str(), 0600) != 0) throw std::runtime_error("mkfifo failed");
    fd_ = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  }
  ~Fifo() {
    ::close(fd_);
    std::filesystem::remove_all(dir_);
  }
  const std::string& path() const { return path_; }
  // The first line written, or "" when none comes within the safety limit.
  std::string read_line() {
    std::string line;
    for (;;) {
      pollfd fd{fd_, POLLIN, 0};
      if (::poll(&fd, 1, 10'000) <= 0) return line;
      char c;
      ssize_t n = ::read(fd_, &c, 1);
      if (n == 1 && c == '\n') return line;
      if (n == 1) line += c;
    }
  }

 private:
  std::filesystem::path dir_;
  std::string path_;
  int fd_ = -1;
};

}  // namespace runwatch
