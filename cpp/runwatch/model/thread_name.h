#pragma once
#include <pthread.h>

#include <string>

namespace runwatch {
// Names the calling thread (15 characters at most), so thread dumps and debuggers read well.
inline void set_thread_name(const std::string& name) { pthread_setname_np(pthread_self(), name.substr(0, 15).c_str()); }
}  // namespace runwatch
