#pragma once
// Runs a program as a child process and streams its output line by line. The child runs
// in its own process group, with stdin on /dev/null and only stdout and stderr open; a
// cancellation stops the whole group (SIGTERM, then SIGKILL after a grace period). The
// child is always reaped before run_child_process returns or throws.
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "runwatch/model/cancellation.h"

namespace runwatch {

struct ChildProcessSpec {
  std::vector<std::string> argv;             // argv[0] is looked up on PATH
  std::map<std::string, std::string> env;    // on top of a safe base of this process's (PATH, HOME, locale, TZ...)
  std::string working_directory;             // empty: this process's
  std::chrono::milliseconds stop_grace{2000};  // between SIGTERM and SIGKILL
};

enum class OutputStream { Stdout, Stderr };

struct ChildProcessExit {
  int exit_code = 0;     // 128 + the signal number when a signal ended it, as shells report
  bool stopped = false;  // ended because the cancellation fired
};

// Returns once the child has exited and what it wrote has been read. Output still held by
// the child's own children after it exits is not waited for. Throws std::system_error when
// the child cannot be started.
ChildProcessExit run_child_process(const ChildProcessSpec& spec, Cancellation& cancellation,
                                   const std::function<void(OutputStream, std::string)>& on_line);

}  // namespace runwatch
