// Thread dumps of the test process itself: every thread once, names, states, CPU time,
// symbolized stacks, threads that cannot answer, concurrent dumps, threads that come and
// go mid-dump, and the JSON shape.
#include <gtest/gtest.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <latch>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "runwatch/model/thread_name.h"
#include "runwatch/server/thread_dump.h"

// External linkage and no inlining or cloning: the dump must find this very name in a
// parked thread's stack (the test executable exports its symbols for dladdr).
namespace runwatch_thread_dump_test {
[[gnu::noipa]] void wait_in_distinctively_named_function(std::unique_lock<std::mutex>& lock,
                                                         std::condition_variable& cv,
                                                         const std::function<bool()>& wake) {
  cv.wait(lock, wake);
}
}  // namespace runwatch_thread_dump_test

namespace runwatch {
namespace {

using namespace std::chrono_literals;
using runwatch_thread_dump_test::wait_in_distinctively_named_function;

constexpr const char* kParkedFunction = "runwatch_thread_dump_test::wait_in_distinctively_named_function(";

std::vector<int> task_ids() {
  std::vector<int> tids;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
    tids.push_back(std::stoi(entry.path().filename().string()));
  }
  std::sort(tids.begin(), tids.end());
  return tids;
}

char kernel_state(int tid) {
  std::ifstream stat("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string line;
  std::getline(stat, line);
  return line.at(line.rfind(')') + 2);
}

const ThreadInfo& find_thread(const std::vector<ThreadInfo>& dump, int tid) {
  const auto found = std::find_if(dump.begin(), dump.end(), [&](const ThreadInfo& t) { return t.tid == tid; });
  if (found == dump.end()) throw std::runtime_error("thread " + std::to_string(tid) + " is not in the dump");
  return *found;
}

// Index of the first frame that starts with `function`, or -1.
long frame_index(const ThreadInfo& thread, const std::string& function) {
  const auto found = std::find_if(thread.stack.begin(), thread.stack.end(),
                                  [&](const std::string& frame) { return frame.starts_with(function); });
  return found == thread.stack.end() ? -1 : found - thread.stack.begin();
}

void set_dump_signal_blocked(bool blocked) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, thread_dump_signal());
  pthread_sigmask(blocked ? SIG_BLOCK : SIG_UNBLOCK, &signals, nullptr);
}

// A named thread parked in wait_in_distinctively_named_function. run_errand() has it run
// a function and park again; every call returns once the thread waits again.
class ParkedThread {
 public:
  explicit ParkedThread(std::string name) : thread_([this, name] { run(name); }) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return tid_ != 0; });
  }
  ~ParkedThread() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  int tid() const { return tid_; }

  void run_errand(std::function<void()> errand) {
    std::unique_lock lock(mutex_);
    errand_ = std::move(errand);
    cv_.notify_all();
    // Holding the mutex again means the thread released it inside cv.wait: it is parked.
    cv_.wait(lock, [&] { return !errand_; });
  }

  // Until the kernel says the thread sleeps: cv.wait released the mutex just before.
  void wait_until_asleep() const {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (kernel_state(tid_) != 'S' && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  }

 private:
  void run(const std::string& name) {
    set_thread_name(name);
    std::unique_lock lock(mutex_);
    tid_ = static_cast<int>(gettid());
    cv_.notify_all();
    while (true) {
      wait_in_distinctively_named_function(lock, cv_, [&] { return stopping_ || errand_; });
      if (stopping_) return;
      errand_();
      errand_ = nullptr;
      cv_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  int tid_ = 0;
  bool stopping_ = false;
  std::function<void()> errand_;
  std::thread thread_;
};

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// A named thread that spins until destroyed; constructed once it has spun `cpu_seconds`.
class SpinningThread {
 public:
  SpinningThread(std::string name, double cpu_seconds) : thread_([this, name, cpu_seconds] { run(name, cpu_seconds); }) {
    spun_.wait();
  }
  ~SpinningThread() {
    stopping_ = true;
    thread_.join();
  }
  int tid() const { return tid_; }

 private:
  void run(const std::string& name, double cpu_seconds) {
    set_thread_name(name);
    tid_ = static_cast<int>(gettid());
    while (thread_cpu_seconds() < cpu_seconds) {
    }
    spun_.count_down();
    while (!stopping_) {
    }
  }

  std::latch spun_{1};
  std::atomic<bool> stopping_ = false;
  int tid_ = 0;
  std::thread thread_;
};

std::string own_thread_name() {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  return name;
}

TEST(ServerThreadDump, ListsEveryThreadOnceWithItsName) {
  const ParkedThread parked("td-parked");
  const SpinningThread spinning("td-spinning", 0.001);
  const std::vector<int> before = task_ids();
  const std::vector<ThreadInfo> dump = take_thread_dump();
  const std::vector<int> after = task_ids();

  std::map<int, int> listed;
  for (const auto& thread : dump) ++listed[thread.tid];
  for (const auto& [tid, times] : listed) EXPECT_EQ(times, 1) << "thread " << tid;
  std::vector<int> alive_throughout;
  std::set_intersection(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(alive_throughout));
  for (const int tid : alive_throughout) EXPECT_EQ(listed[tid], 1) << "thread " << tid;
  EXPECT_TRUE(std::is_sorted(dump.begin(), dump.end(), [](auto& a, auto& b) { return a.tid < b.tid; }));

  EXPECT_EQ(find_thread(dump, parked.tid()).name, "td-parked");
  EXPECT_EQ(find_thread(dump, spinning.tid()).name, "td-spinning");
  EXPECT_EQ(find_thread(dump, static_cast<int>(gettid())).name, own_thread_name());
}

TEST(ServerThreadDump, ParkedThreadStackNamesTheFunctionItWaitsIn) {
  const ParkedThread parked("td-parked");
  parked.wait_until_asleep();
  const ThreadInfo thread = find_thread(take_thread_dump(), parked.tid());

  EXPECT_EQ(thread.state, 'S');
  EXPECT_EQ(thread.state_name, "SLEEPING");
  EXPECT_EQ(thread.stack_unavailable, "");
  const long parked_frame = frame_index(thread, kParkedFunction);
  ASSERT_GE(parked_frame, 0) << testing::PrintToString(thread.stack);
  EXPECT_TRUE(std::regex_match(thread.stack[parked_frame], std::regex(R"(.+\)\+0x[0-9a-f]+ \(runwatch_tests\))")))
      << thread.stack[parked_frame];
  // Innermost first: libc's futex wait, then pthread_cond_wait, called by the parked
  // function. The dump's own signal handler (in this executable) is left out.
  EXPECT_TRUE(std::regex_match(thread.stack.front(), std::regex(R"(.+ \(libc\.so\.6(\+0x[0-9a-f]+)?\))")))
      << thread.stack.front();
  const long library_wait = frame_index(thread, "pthread_cond_wait+0x");
  ASSERT_GE(library_wait, 0) << testing::PrintToString(thread.stack);
  EXPECT_LT(library_wait, parked_frame);
}

TEST(ServerThreadDump, CallerStackIsTakenDirectly) {
  const std::vector<ThreadInfo> dump = take_thread_dump();
  const ThreadInfo& self = find_thread(dump, static_cast<int>(gettid()));

  EXPECT_EQ(self.state, 'R');
  EXPECT_EQ(self.stack_unavailable, "");
  EXPECT_GE(frame_index(self, "runwatch::take_thread_dump("), 0) << testing::PrintToString(self.stack);
}

TEST(ServerThreadDump, SpinningThreadHasCpuTimeAndRuns) {
  constexpr double kSpun = 0.05;
  const SpinningThread spinning("td-spinning", kSpun);
  const ThreadInfo thread = find_thread(take_thread_dump(), spinning.tid());

  EXPECT_EQ(thread.state, 'R');
  EXPECT_EQ(thread.state_name, "RUNNING");
  // The kernel reports the precise run time, truncated to clock ticks in each of the two fields.
  EXPECT_GE(thread.cpu_user_seconds + thread.cpu_system_seconds, kSpun - 2.0 / static_cast<double>(sysconf(_SC_CLK_TCK)));
  EXPECT_EQ(thread.stack_unavailable, "");
  EXPECT_FALSE(thread.stack.empty());
}

TEST(ServerThreadDump, ThreadBlockingTheSignalIsListedWithoutStackAfterTheTimeout) {
  ParkedThread blocking("td-blocking");
  blocking.run_errand([] { set_dump_signal_blocked(true); });
  const ParkedThread parked("td-parked");

  const auto start = std::chrono::steady_clock::now();
  const std::vector<ThreadInfo> dump = take_thread_dump(200ms);
  const auto elapsed = std::chrono::steady_clock::now() - start;

  const ThreadInfo& blocked = find_thread(dump, blocking.tid());
  EXPECT_EQ(blocked.name, "td-blocking");
  EXPECT_TRUE(blocked.stack.empty());
  EXPECT_EQ(blocked.stack_unavailable,
            "stack unavailable: no answer within 200 ms (the thread blocks the signal, is exiting or is stuck in the kernel)");
  EXPECT_GE(elapsed, 200ms);
  EXPECT_LT(elapsed, 5s);
  EXPECT_GE(frame_index(find_thread(dump, parked.tid()), kParkedFunction), 0);

  // The next dump does not queue a second signal behind the pending one, nor wait.
  const auto again = std::chrono::steady_clock::now();
  const ThreadInfo still_blocked = find_thread(take_thread_dump(200ms), blocking.tid());
  EXPECT_LT(std::chrono::steady_clock::now() - again, 200ms);
  EXPECT_TRUE(still_blocked.stack.empty());
  EXPECT_EQ(still_blocked.stack_unavailable,
            "stack unavailable: an earlier request is still pending (the thread blocks the signal)");

  // The pending signal arrives when the thread unblocks it, long after its dump gave up:
  // it is ignored, and the next dump gets the stack.
  blocking.run_errand([] { set_dump_signal_blocked(false); });
  const ThreadInfo unblocked = find_thread(take_thread_dump(200ms), blocking.tid());
  EXPECT_EQ(unblocked.stack_unavailable, "");
  EXPECT_GE(frame_index(unblocked, kParkedFunction), 0) << testing::PrintToString(unblocked.stack);
}

TEST(ServerThreadDump, ConcurrentDumpsBothComplete) {
  const ParkedThread parked("td-parked");
  std::latch start(2);
  std::vector<ThreadInfo> dumps[2];
  int dumpers[2] = {};
  auto dump_into = [&](int i) {
    dumpers[i] = static_cast<int>(gettid());
    start.arrive_and_wait();
    dumps[i] = take_thread_dump();
  };
  std::thread first(dump_into, 0);
  std::thread second(dump_into, 1);
  first.join();
  second.join();

  for (int i = 0; i < 2; ++i) {
    EXPECT_GE(frame_index(find_thread(dumps[i], dumpers[i]), "runwatch::take_thread_dump("), 0);
    EXPECT_GE(frame_index(find_thread(dumps[i], parked.tid()), kParkedFunction), 0);
  }
}

// Rounds of 8 threads that live until the next dump starts, so they exit as it runs.
class Churn {
 public:
  Churn() : thread_([this] { run(); }) {}
  ~Churn() {
    stopping_ = true;
    thread_.join();
  }
  void dump_starts() { ++dumps_started_; }
  // A thread of a round: they are named td-churn, after starting with the name td-churner.
  bool is_churned(const ThreadInfo& thread) const { return thread.tid != churner_ && thread.name.starts_with("td-churn"); }

 private:
  void run() {
    set_thread_name("td-churner");
    churner_ = static_cast<int>(gettid());
    while (!stopping_) {
      std::vector<std::thread> round;
      for (int i = 0; i < 8; ++i) round.emplace_back([this] { live_until_next_dump(); });
      for (auto& thread : round) thread.join();
    }
  }
  void live_until_next_dump() {
    set_thread_name("td-churn");
    const int seen = dumps_started_;
    while (dumps_started_ == seen && !stopping_) std::this_thread::yield();
  }

  std::atomic<bool> stopping_ = false;
  std::atomic<int> dumps_started_ = 0;
  std::atomic<int> churner_ = 0;
  std::thread thread_;
};

TEST(ServerThreadDump, ThreadsStartingAndExitingMidDumpNeverBreakIt) {
  Churn churn;
  int dumps = 0;
  int dumps_listing_churned_threads = 0;
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while ((dumps < 20 || dumps_listing_churned_threads < 5) && std::chrono::steady_clock::now() < give_up) {
    churn.dump_starts();
    const std::vector<ThreadInfo> dump = take_thread_dump(50ms);
    ++dumps;
    std::set<int> tids;
    for (const auto& thread : dump) {
      EXPECT_TRUE(tids.insert(thread.tid).second) << "thread " << thread.tid << " listed twice";
      EXPECT_EQ(thread.stack_unavailable.empty(), !thread.stack.empty()) << thread.stack_unavailable;
      if (!thread.stack_unavailable.empty()) {
        EXPECT_TRUE(thread.stack_unavailable.starts_with("stack unavailable: ")) << thread.stack_unavailable;
      }
    }
    EXPECT_FALSE(find_thread(dump, static_cast<int>(gettid())).stack.empty());
    dumps_listing_churned_threads += std::ranges::any_of(dump, [&](auto& t) { return churn.is_churned(t); }) ? 1 : 0;
  }
  EXPECT_GE(dumps_listing_churned_threads, 5) << "in " << dumps << " dumps";
}

TEST(ServerThreadDump, JsonHasMicronautShape) {
  const ThreadInfo answered{7, "worker-1", 'S', "SLEEPING", 1.5, 0.25, {"f()+0x1 (libc.so.6)", "main+0x2a (runwatch)"}, ""};
  const ThreadInfo silent{8, "blocked", 'R', "RUNNING", 0, 0, {}, "stack unavailable: the thread exited"};

  const Value json = thread_dump_json({answered, silent});

  EXPECT_EQ(json, Value::parse(R"json([
    {"threadName": "worker-1", "threadId": 7, "threadState": "SLEEPING",
     "cpuTimeSeconds": 1.75, "userTimeSeconds": 1.5, "systemTimeSeconds": 0.25,
     "stackTrace": [{"methodName": "f()+0x1 (libc.so.6)"}, {"methodName": "main+0x2a (runwatch)"}],
     "stackTraceUnavailable": null},
    {"threadName": "blocked", "threadId": 8, "threadState": "RUNNING",
     "cpuTimeSeconds": 0.0, "userTimeSeconds": 0.0, "systemTimeSeconds": 0.0,
     "stackTrace": [],
     "stackTraceUnavailable": "stack unavailable: the thread exited"}
  ])json"));
}

}  // namespace
}  // namespace runwatch
