#include "runwatch/tasks/core/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <utility>

extern char** environ;

namespace runwatch {
namespace {

using SteadyClock = std::chrono::steady_clock;
using LineCallback = std::function<void(OutputStream, std::string)>;

// A longer line is handed over in pieces, so a child writing no newline cannot grow memory
// without bound.
constexpr size_t kMaxLineBytes = 1 << 20;

[[noreturn]] void throw_errno(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), what);
}

class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(FileDescriptor&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  FileDescriptor& operator=(FileDescriptor&&) = delete;
  ~FileDescriptor() { reset(); }

  int get() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:

  int fd_ = -1;
};

struct Pipe {
  FileDescriptor read;
  FileDescriptor write;
};

// Both ends close on exec; O_NONBLOCK applies to both ends too, so it is only set on pipes
// whose write end stays in this process.
Pipe make_pipe(int flags) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | flags) != 0) throw_errno(errno, "pipe2");
  return Pipe{FileDescriptor(fds[0]), FileDescriptor(fds[1])};
}

void set_nonblocking(const FileDescriptor& fd) {
  int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK) != 0) throw_errno(errno, "fcntl");
}

class LineSplitter {
 public:
  LineSplitter(OutputStream stream, const LineCallback& on_line) : stream_(stream), on_line_(on_line) {}

  void feed(std::string_view data) {
    buffer_.append(data);
    size_t start = 0;
    for (size_t end; (end = buffer_.find('\n', start)) != std::string::npos; start = end + 1)
      emit(buffer_.substr(start, end - start));
    buffer_.erase(0, start);
    if (buffer_.size() >= kMaxLineBytes) emit_buffer();
  }
  // Hands over a last line that has no newline.
  void finish() {
    if (!buffer_.empty()) emit_buffer();
  }

 private:
  // Not std::exchange(buffer_, {}): GCC 12 at -O2 warns falsely (-Warray-bounds) on it.
  void emit_buffer() {
    std::string line;
    line.swap(buffer_);
    emit(std::move(line));
  }
  void emit(std::string line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    on_line_(stream_, std::move(line));
  }

  OutputStream stream_;
  const LineCallback& on_line_;
  std::string buffer_;
};

// The read end of the child's stdout or stderr.
struct OutputPipe {
  FileDescriptor fd;
  LineSplitter lines;

  // One read; the number of bytes read, 0 when nothing is available now or at the end.
  size_t read_some() {
    if (!fd.is_open()) return 0;
    char buffer[65536];
    ssize_t n;
    do n = ::read(fd.get(), buffer, sizeof buffer);
    while (n < 0 && errno == EINTR);
    if (n > 0) {
      lines.feed(std::string_view(buffer, static_cast<size_t>(n)));
      return static_cast<size_t>(n);
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    close();  // end of file, or an error that ends the stream all the same
    return 0;
  }
  // Reads what the pipe holds now and no more, so that a grandchild still writing to it
  // cannot hold the run.
  void drain() {
    int pending = 0;
    if (!fd.is_open() || ::ioctl(fd.get(), FIONREAD, &pending) != 0) return;
    for (size_t left = static_cast<size_t>(pending); left > 0;) {
      size_t n = read_some();
      if (n == 0) break;
      left -= std::min(n, left);
    }
  }
  void close() {
    fd.reset();
    lines.finish();
  }
};

// A started child: if the run ends by an exception, its group is killed and it is reaped.
class ChildGuard {
 public:
  explicit ChildGuard(pid_t pid) : pid_(pid) {}
  ChildGuard(const ChildGuard&) = delete;
  ChildGuard& operator=(const ChildGuard&) = delete;
  ~ChildGuard() {
    if (pid_ <= 0) return;
    signal_group(SIGKILL);
    reap();
  }

  pid_t pid() const { return pid_; }
  // Only while the child is not reaped: until then its pid, which is also its process
  // group's id, cannot be reused.
  void signal_group(int signal) const { ::kill(-pid_, signal); }
  int reap() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_;
};

// What a child inherits from the engine's environment: where programs and the home
// are, the locale and the time zone. Nothing else: secrets (SECRET_*) and the server's
// own credentials stay out, whatever their names.
bool inherited(std::string_view name) {
  for (std::string_view safe : {"PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "USER", "LOGNAME", "SHELL", "TERM"})
    if (name == safe) return true;
  return name.starts_with("LC_");
}

std::vector<std::string> child_environment(const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry; ++entry) {
    std::string_view text(*entry);
    std::string name(text.substr(0, text.find('=')));
    if (inherited(name) && !overrides.contains(name)) env.emplace_back(text);
  }
  for (const auto& [name, value] : overrides) env.push_back(name + "=" + value);
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

class SpawnSettings {
 public:
  SpawnSettings() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  SpawnSettings(const SpawnSettings&) = delete;
  SpawnSettings& operator=(const SpawnSettings&) = delete;
  ~SpawnSettings() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
};

pid_t spawn(const ChildProcessSpec& spec, int stdout_fd, int stderr_fd) {
  SpawnSettings settings;
  posix_spawn_file_actions_adddup2(&settings.actions, stdout_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&settings.actions, stderr_fd, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&settings.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  // Descriptors other threads opened without O_CLOEXEC must not leak into the child.
  posix_spawn_file_actions_addclosefrom_np(&settings.actions, STDERR_FILENO + 1);
  if (!spec.working_directory.empty())
    posix_spawn_file_actions_addchdir_np(&settings.actions, spec.working_directory.c_str());

  // Its own process group, so that stopping it reaches whatever it started. Ignored
  // signals (servers ignore SIGPIPE) and blocked ones would be inherited: reset them.
  posix_spawnattr_setpgroup(&settings.attributes, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&settings.attributes, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int signal : {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP}) sigaddset(&defaults, signal);
  posix_spawnattr_setsigdefault(&settings.attributes, &defaults);
  posix_spawnattr_setflags(&settings.attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> argv = spec.argv;
  std::vector<std::string> env = child_environment(spec.env);
  pid_t pid = 0;
  int error = ::posix_spawnp(&pid, argv[0].c_str(), &settings.actions, &settings.attributes, c_strings(argv).data(),
                             c_strings(env).data());
  if (error != 0) throw_errno(error, "Unable to start '" + argv[0] + "'");
  return pid;
}

// Through syscall(): glibc 2.36 declares pidfd_open without C linkage for C++.
int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

int milliseconds_until(SteadyClock::time_point deadline) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return static_cast<int>(std::max<std::chrono::milliseconds::rep>(0, left.count()));
}

}  // namespace

ChildProcessExit run_child_process(const ChildProcessSpec& spec, Cancellation& cancellation,
                                   const LineCallback& on_line) {
  if (spec.argv.empty()) throw std::invalid_argument("no program to run");
  Pipe out = make_pipe(0);
  Pipe err = make_pipe(0);
  Pipe wake = make_pipe(O_NONBLOCK);  // written to when the cancellation fires
  auto on_cancel = cancellation.on_cancel([fd = wake.write.get()] {
    char byte = 0;
    [[maybe_unused]] auto written = ::write(fd, &byte, 1);
  });

  ChildGuard child(spawn(spec, out.write.get(), err.write.get()));
  out.write.reset();
  err.write.reset();
  FileDescriptor exited(pidfd_open(child.pid()));  // readable once the child has exited
  if (!exited.is_open()) throw_errno(errno, "pidfd_open");
  set_nonblocking(out.read);
  set_nonblocking(err.read);
  OutputPipe pipes[] = {{std::move(out.read), LineSplitter(OutputStream::Stdout, on_line)},
                        {std::move(err.read), LineSplitter(OutputStream::Stderr, on_line)}};

  bool stopping = false;
  std::optional<SteadyClock::time_point> kill_at;
  for (;;) {
    pollfd fds[] = {{pipes[0].fd.get(), POLLIN, 0},
                    {pipes[1].fd.get(), POLLIN, 0},
                    {stopping ? -1 : wake.read.get(), POLLIN, 0},
                    {exited.get(), POLLIN, 0}};
    if (::poll(fds, std::size(fds), kill_at ? milliseconds_until(*kill_at) : -1) < 0) {
      if (errno == EINTR) continue;
      throw_errno(errno, "poll");
    }
    for (int i : {0, 1})
      if (fds[i].revents) pipes[i].read_some();
    if (fds[2].revents) {
      stopping = true;
      child.signal_group(SIGTERM);
      kill_at = SteadyClock::now() + spec.stop_grace;
    }
    if (kill_at && SteadyClock::now() >= *kill_at) {
      child.signal_group(SIGKILL);
      kill_at.reset();
    }
    if (fds[3].revents) break;
  }
  if (stopping) child.signal_group(SIGKILL);  // whatever of the group outlived SIGTERM
  for (auto& pipe : pipes) {
    pipe.drain();
    pipe.close();
  }
  return ChildProcessExit{exit_code(child.reap()), stopping};
}

}  // namespace runwatch
