#include "runwatch/tasks/core/python_environment.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <thread>

#include "runwatch/crypto/digest.h"
#include "runwatch/tasks/core/cancelled.h"

namespace runwatch {
namespace {

namespace fs = std::filesystem;

// An exclusive lock on a file, between runs of this process and of others; waiting for it
// ends when the task is cancelled.
class FileLock {
 public:
  FileLock(const fs::path& path, RunContext& ctx) : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "open " + path.string());
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      int error = errno;
      if (error != EWOULDBLOCK && error != EINTR) {
        ::close(fd_);
        throw std::system_error(error, std::generic_category(), "flock " + path.string());
      }
      if (ctx.cancelled()) {
        ::close(fd_);
        throw cancelled_failure(ctx);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock() { ::close(fd_); }  // closing releases the lock

 private:
  int fd_;
};

// Removes a virtualenv being made unless it was completed.
class Unfinished {
 public:
  explicit Unfinished(fs::path directory) : directory_(std::move(directory)) {}
  Unfinished(const Unfinished&) = delete;
  Unfinished& operator=(const Unfinished&) = delete;
  ~Unfinished() {
    std::error_code ignored;
    if (!done_) fs::remove_all(directory_, ignored);
  }
  void done() { done_ = true; }

 private:
  fs::path directory_;
  bool done_ = false;
};

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

}  // namespace

PythonEnvironment python_environment(RunContext& ctx, ScriptRun& run, const std::vector<std::string>& before_commands,
                                     const std::map<std::string, std::string>& task_env, ScriptLineConsumer& consumer) {
  const std::string text = join_lines(before_commands);
  const fs::path root = fs::path(ctx.cache_directory()) / "venvs";
  fs::create_directories(root);
  fs::permissions(root, fs::perms::owner_all);  // what runs from here is nobody else's to change
  const std::string key = crypto::hex_digest(crypto::DigestKind::Sha256, text);
  const fs::path directory = root / key;

  const char* path = std::getenv("PATH");
  PythonEnvironment environment{directory.string(),
                                {{"VIRTUAL_ENV", directory.string()},
                                 {"PATH", (directory / "bin").string() + ":" + (path ? path : "/usr/bin:/bin")},
                                 {"PYTHONUNBUFFERED", "true"},
                                 {"PIP_DISABLE_PIP_VERSION_CHECK", "1"}}};

  FileLock lock(root / (key + ".lock"), ctx);
  if (fs::exists(directory / kVenvReadyMarker)) return environment;
  fs::remove_all(directory);  // left by a run that did not finish making it
  Unfinished unfinished(directory);
  ctx.log(LogLevel::INFO, "Making the virtualenv " + directory.string() + " (python3 -m venv)");
  ScriptOutcome made = run.run({"python3", "-m", "venv", directory.string()}, {}, consumer);
  if (made.exit_code != 0)
    throw TaskFailure("Unable to make a virtualenv with 'python3 -m venv': exit code " +
                      std::to_string(made.exit_code));
  if (!before_commands.empty()) {
    auto env = environment.env;
    for (const auto& [name, value] : task_env) env.insert_or_assign(name, value);
    ScriptOutcome before = run.run({"/bin/sh", "-c", shell_script(true, before_commands)}, std::move(env), consumer);
    if (before.exit_code != 0)
      throw TaskFailure("beforeCommands failed with code " + std::to_string(before.exit_code) +
                        ": the virtualenv is not kept");
  }
  std::ofstream marker(directory / kVenvReadyMarker, std::ios::binary | std::ios::trunc);
  marker << text;
  if (!marker.flush()) throw TaskFailure("Unable to write " + (directory / kVenvReadyMarker).string());
  unfinished.done();
  return environment;
}

}  // namespace runwatch
