#pragma once
// A thread dump of the current process, for the management endpoint GET /threaddump:
// every thread with its name, state, CPU time and symbolized stack, taken while the
// engine keeps running. Each thread is asked for its stack with a real-time signal
// (thread_dump_signal()); a thread that cannot answer in time is listed without one.
#include <chrono>
#include <string>
#include <vector>

#include "runwatch/model/value.h"

namespace runwatch {

struct ThreadInfo {
  int tid = 0;
  std::string name;  // the kernel's thread name (comm), 15 characters at most
  char state = '?';  // the kernel's state letter: R, S, D, T, t, Z, X, I, P
  // The state letter as a word in Java's enum style: RUNNING, SLEEPING, DISK_SLEEP,
  // STOPPED, TRACING_STOP, ZOMBIE, DEAD, IDLE, PARKED; UNKNOWN for anything else.
  std::string state_name;
  double cpu_user_seconds = 0;
  double cpu_system_seconds = 0;
  // Symbolized frames, innermost first: "function+0xoff (module)", demangled.
  std::vector<std::string> stack;
  // Empty when `stack` was taken; otherwise why not, starting with "stack unavailable".
  std::string stack_unavailable;
};

// Lists every thread of the process, in thread id order. Threads other than the caller
// are asked one after the other and each is waited for at most `per_thread_timeout`: a
// thread that blocks thread_dump_signal(), is stuck in the kernel or exits meanwhile gets
// an empty stack and a reason. Dumps are taken one at a time; concurrent callers queue.
std::vector<ThreadInfo> take_thread_dump(std::chrono::milliseconds per_thread_timeout = std::chrono::milliseconds(100));

// Micronaut's /threaddump shape: an array of
//   {"threadName", "threadId", "threadState", "cpuTimeSeconds", "userTimeSeconds",
//    "systemTimeSeconds", "stackTrace": [{"methodName": frame text}, ...],
//    "stackTraceUnavailable": null or the reason}
Value thread_dump_json(const std::vector<ThreadInfo>& threads);

// The real-time signal that asks a thread for its stack. Its handler is installed by the
// first dump; a thread that must never be interrupted may block it.
int thread_dump_signal();

}  // namespace runwatch
