#include "runwatch/server/thread_dump.h"

#include <cxxabi.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <semaphore.h>
#include <signal.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>

namespace runwatch {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr int kMaxFrames = 128;

// ---------------------------------------------------------------- threads from /proc

std::vector<int> read_task_directory() {
  std::vector<int> tids;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", error)) {
    tids.push_back(std::stoi(entry.path().filename().string()));
  }
  std::sort(tids.begin(), tids.end());
  return tids;
}

// One pass over /proc/self/task can end early: the kernel stops listing at a thread that
// exits meanwhile. Passes are repeated until two agree, and their union is kept.
std::vector<int> list_thread_ids() {
  constexpr int kMaxPasses = 5;
  std::set<int> listed;
  std::vector<int> previous;
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    std::vector<int> current = read_task_directory();
    listed.insert(current.begin(), current.end());
    if (current == previous) break;
    previous = std::move(current);
  }
  return {listed.begin(), listed.end()};
}

std::string state_name(char state) {
  switch (state) {
    case 'R': return "RUNNING";
    case 'S': return "SLEEPING";
    case 'D': return "DISK_SLEEP";
    case 'T': return "STOPPED";
    case 't': return "TRACING_STOP";
    case 'Z': return "ZOMBIE";
    case 'X': return "DEAD";
    case 'I': return "IDLE";
    case 'P': return "PARKED";
    default: return "UNKNOWN";
  }
}

// Name, state and CPU times from /proc/self/task/<tid>/stat (proc(5)); nothing when the
// thread has exited since it was listed.
std::optional<ThreadInfo> read_thread(int tid) {
  std::ifstream file("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string line;
  if (!std::getline(file, line)) return std::nullopt;
  // The name may itself hold spaces and parentheses: it ends at the last ')'.
  const auto name_start = line.find('(');
  const auto name_end = line.rfind(')');
  if (name_start == std::string::npos || name_end == std::string::npos || name_end < name_start) return std::nullopt;

  ThreadInfo thread;
  thread.tid = tid;
  thread.name = line.substr(name_start + 1, name_end - name_start - 1);
  std::istringstream fields(line.substr(name_end + 1));
  std::string skipped;
  unsigned long long user_ticks = 0;
  unsigned long long system_ticks = 0;
  fields >> thread.state;
  for (int field = 4; field < 14; ++field) fields >> skipped;  // ppid .. cmajflt
  fields >> user_ticks >> system_ticks;
  if (!fields) return std::nullopt;

  const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
  thread.state_name = state_name(thread.state);
  thread.cpu_user_seconds = static_cast<double>(user_ticks) / ticks_per_second;
  thread.cpu_system_seconds = static_cast<double>(system_ticks) / ticks_per_second;
  return thread;
}

// ---------------------------------------------------------------- the signal handler

// One capture at a time goes through this slot. `state` says who may write it:
// kIdle, the tid of the thread asked for its stack, kClaimed while that thread's handler
// writes, kAnswered once it has. A handler writes only after claiming the request made to
// its own tid, so a thread that answers after the dumper gave up writes nothing. The slot
// has static storage, so even an answer that arrives after the dump returned is harmless.
constexpr int kIdle = 0;
constexpr int kClaimed = -1;
constexpr int kAnswered = -2;
static_assert(std::atomic<int>::is_always_lock_free, "the handler may use only lock-free atomics");

struct CaptureSlot {
  std::atomic<int> state{kIdle};
  void* frames[kMaxFrames]{};
  int depth = 0;
  void* interrupted_pc = nullptr;
  sem_t answered{};
};
CaptureSlot slot;

void* interrupted_pc(void* signal_context) {
  const auto* context = static_cast<const ucontext_t*>(signal_context);
#if defined(__x86_64__)
  return reinterpret_cast<void*>(context->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  return reinterpret_cast<void*>(context->uc_mcontext.pc);
#else
  (void)context;
  return nullptr;
#endif
}

// Runs on the interrupted thread, anywhere: only async-signal-safe calls here (lock-free
// atomics, sem_post, gettid), no allocation. backtrace() is safe once primed (see
// install_handler).
void answer_stack_request(int, siginfo_t*, void* signal_context) {
  const int saved_errno = errno;
  int expected = static_cast<int>(gettid());
  if (slot.state.compare_exchange_strong(expected, kClaimed, std::memory_order_acquire)) {
    slot.depth = backtrace(slot.frames, kMaxFrames);
    slot.interrupted_pc = interrupted_pc(signal_context);
    slot.state.store(kAnswered, std::memory_order_release);
    sem_post(&slot.answered);
  }
  errno = saved_errno;
}

void install_handler() {
  static std::once_flag installed;
  std::call_once(installed, [] {
    sem_init(&slot.answered, 0, 0);
    // glibc's first backtrace() loads the unwinder (dlopen, malloc): never let that
    // happen inside the handler.
    void* priming[1];
    backtrace(priming, 1);
    struct sigaction action {};
    action.sa_sigaction = &answer_stack_request;
    action.sa_flags = SA_RESTART | SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    sigaction(thread_dump_signal(), &action, nullptr);
  });
}

// ---------------------------------------------------------------- capturing stacks

struct RawStack {
  std::vector<void*> frames;       // innermost first
  bool innermost_is_exact = false;  // frames[0] is an interrupted instruction, not a return address
  std::string unavailable;
};

RawStack unavailable(std::string reason) { return {{}, false, "stack unavailable: " + std::move(reason)}; }

[[gnu::noinline]] RawStack capture_own_stack() {
  RawStack stack;
  stack.frames.resize(kMaxFrames);
  stack.frames.resize(static_cast<size_t>(backtrace(stack.frames.data(), kMaxFrames)));
  stack.frames.erase(stack.frames.begin());  // this function
  return stack;
}

// True when the open request was answered before `deadline`.
bool wait_for_answer(steady_clock::time_point deadline) {
  // steady_clock is CLOCK_MONOTONIC on Linux.
  const auto since_epoch = deadline.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const timespec until{static_cast<time_t>(seconds.count()),
                       static_cast<long>(std::chrono::nanoseconds(since_epoch - seconds).count())};
  while (true) {
    if (sem_clockwait(&slot.answered, CLOCK_MONOTONIC, &until) == 0) {
      if (slot.state.load(std::memory_order_acquire) == kAnswered) return true;
      continue;  // the post of an answer to a request given up earlier
    }
    if (errno != EINTR) return false;
  }
}

// Makes the slot idle unless a handler is still writing an earlier answer.
bool reclaim_slot() {
  if (slot.state.load(std::memory_order_acquire) == kAnswered) slot.state.store(kIdle, std::memory_order_relaxed);
  return slot.state.load(std::memory_order_acquire) == kIdle;
}

// Whether an earlier request still waits in the thread's queue of pending signals
// ("SigPnd" in /proc/self/task/<tid>/status): real-time signals queue, so asking a thread
// that blocks the signal again at every dump would pile them up to RLIMIT_SIGPENDING.
bool dump_signal_pending(int tid) {
  std::ifstream status("/proc/self/task/" + std::to_string(tid) + "/status");
  constexpr std::string_view kPending = "SigPnd:";
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with(kPending)) {
      const unsigned long long pending = std::stoull(line.substr(kPending.size()), nullptr, 16);
      return (pending >> (thread_dump_signal() - 1)) & 1;
    }
  }
  return false;
}

RawStack take_answer() {
  std::vector<void*> frames(slot.frames, slot.frames + slot.depth);
  const auto interrupted = std::find(frames.begin(), frames.end(), slot.interrupted_pc);
  slot.state.store(kIdle, std::memory_order_release);
  if (interrupted == frames.end()) return unavailable("the unwinder did not get past the signal handler");
  // The frames above the interrupted instruction are the handler and the kernel's signal
  // trampoline.
  frames.erase(frames.begin(), interrupted);
  return {std::move(frames), true, ""};
}

RawStack capture_by_signal(int tid, milliseconds timeout) {
  if (!reclaim_slot()) return unavailable("an earlier capture has not finished");
  if (dump_signal_pending(tid)) return unavailable("an earlier request is still pending (the thread blocks the signal)");
  slot.state.store(tid, std::memory_order_release);
  if (tgkill(getpid(), tid, thread_dump_signal()) != 0) {
    slot.state.store(kIdle, std::memory_order_release);
    return unavailable("the thread exited");
  }
  bool answered = wait_for_answer(steady_clock::now() + timeout);
  if (!answered) {
    int request = tid;
    // Giving up fails only when the handler claimed the request meanwhile and is writing.
    const bool given_up = slot.state.compare_exchange_strong(request, kIdle, std::memory_order_acq_rel);
    answered = !given_up && wait_for_answer(steady_clock::now() + timeout);
  }
  if (!answered) {
    return unavailable("no answer within " + std::to_string(timeout.count()) +
                       " ms (the thread blocks the signal, is exiting or is stuck in the kernel)");
  }
  return take_answer();
}

// ---------------------------------------------------------------- symbolizing

std::string demangle(const char* symbol) {
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> demangled(abi::__cxa_demangle(symbol, nullptr, nullptr, &status),
                                                              &std::free);
  return status == 0 ? demangled.get() : symbol;
}

std::string hex(std::uintptr_t number) {
  std::ostringstream text;
  text << "0x" << std::hex << number;
  return text.str();
}

std::string file_name(const char* path) {
  const std::string_view text(path);
  return std::string(text.substr(text.rfind('/') + 1));
}

// For an address in no loaded module: glibc's own rendering, "[0x7f...]".
std::string backtrace_symbol(void* address) {
  const std::unique_ptr<char*, decltype(&std::free)> symbols(backtrace_symbols(&address, 1), &std::free);
  return symbols ? symbols.get()[0] : hex(reinterpret_cast<std::uintptr_t>(address));
}

// "function+0xoff (module)"; "?? (module+0xoff)" for a function the module does not
// export, with the offset addr2line takes.
std::string describe_frame(void* address, bool is_return_address) {
  const auto pc = reinterpret_cast<std::uintptr_t>(address);
  // A return address points after the call, which may be past the caller's last byte
  // (a call to a noreturn function): look up the call instruction instead.
  const auto lookup = is_return_address ? pc - 1 : pc;
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(lookup), &info) == 0 || info.dli_fname == nullptr) return backtrace_symbol(address);
  const std::string module = file_name(info.dli_fname);
  if (info.dli_sname == nullptr || info.dli_saddr == nullptr) {
    return "?? (" + module + "+" + hex(pc - reinterpret_cast<std::uintptr_t>(info.dli_fbase)) + ")";
  }
  return demangle(info.dli_sname) + "+" + hex(pc - reinterpret_cast<std::uintptr_t>(info.dli_saddr)) + " (" + module +
         ")";
}

std::vector<std::string> symbolize(const RawStack& stack) {
  std::vector<std::string> frames;
  frames.reserve(stack.frames.size());
  for (size_t i = 0; i < stack.frames.size(); ++i) {
    frames.push_back(describe_frame(stack.frames[i], i > 0 || !stack.innermost_is_exact));
  }
  return frames;
}

bool has_exited(char state) { return state == 'Z' || state == 'X'; }

RawStack capture_stack(const ThreadInfo& thread, int own_tid, milliseconds timeout) {
  if (thread.tid == own_tid) return capture_own_stack();
  if (has_exited(thread.state)) return unavailable("the thread exited");
  return capture_by_signal(thread.tid, timeout);
}

std::mutex one_dump_at_a_time;

Value frame_json(const std::string& frame) { return {{"methodName", frame}}; }

Value thread_json(const ThreadInfo& thread) {
  Value stack_trace = Value::array();
  for (const auto& frame : thread.stack) stack_trace.push_back(frame_json(frame));
  Value unavailable_reason = thread.stack_unavailable.empty() ? Value() : Value(thread.stack_unavailable);
  return {{"threadName", thread.name},
          {"threadId", thread.tid},
          {"threadState", thread.state_name},
          {"cpuTimeSeconds", thread.cpu_user_seconds + thread.cpu_system_seconds},
          {"userTimeSeconds", thread.cpu_user_seconds},
          {"systemTimeSeconds", thread.cpu_system_seconds},
          {"stackTrace", std::move(stack_trace)},
          {"stackTraceUnavailable", std::move(unavailable_reason)}};
}

}  // namespace

int thread_dump_signal() { return SIGRTMIN + 3; }

std::vector<ThreadInfo> take_thread_dump(milliseconds per_thread_timeout) {
  const std::lock_guard lock(one_dump_at_a_time);
  install_handler();
  const int own_tid = static_cast<int>(gettid());
  std::vector<ThreadInfo> threads;
  for (const int tid : list_thread_ids()) {
    // The state is read before the signal, which would wake a sleeping thread.
    std::optional<ThreadInfo> thread = read_thread(tid);
    if (!thread) continue;
    RawStack stack = capture_stack(*thread, own_tid, per_thread_timeout);
    thread->stack = symbolize(stack);
    thread->stack_unavailable = std::move(stack.unavailable);
    threads.push_back(std::move(*thread));
  }
  return threads;
}

Value thread_dump_json(const std::vector<ThreadInfo>& threads) {
  Value dump = Value::array();
  for (const auto& thread : threads) dump.push_back(thread_json(thread));
  return dump;
}

}  // namespace runwatch
