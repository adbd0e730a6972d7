#pragma once
// CPU seconds of the whole process (every thread, user + system). Less sensitive than
// wall time to other work on the machine: per-item CPU figures compare builds fairly.
#include <sys/resource.h>

inline double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}
