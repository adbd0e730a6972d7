#include "runwatch/server/connection_watch.h"

#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "runwatch/logging/loggers.h"
#include "runwatch/model/thread_name.h"

namespace runwatch {

using Clock = std::chrono::steady_clock;

struct ConnectionWatch::Connection {
  ConnectionWatch* watch;
  int fd;  // our duplicate: the socket stays the same object until we close it
  unsigned long inode;
  std::optional<Clock::time_point> deadline;  // none while a handler runs
  bool writing = false;                       // the deadline is the answer's
  bool shut = false;
  bool close_after_answer = false;
};

namespace {

thread_local ConnectionWatch::Connection* current = nullptr;

int port_of(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
  if (address.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
  return -1;
}

bool accepted_on(int fd, int port) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0 || port_of(address) != port) return false;
  int listening = 1;
  length = sizeof listening;
  return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0 && !listening;
}

std::optional<unsigned long> socket_inode(const char* link_name, int dir) {
  char link[64];
  ssize_t n = readlinkat(dir, link_name, link, sizeof link - 1);
  if (n <= 0) return std::nullopt;
  link[n] = '\0';
  unsigned long inode = 0;
  if (std::sscanf(link, "socket:[%lu]", &inode) != 1) return std::nullopt;
  return inode;
}

// A duplicate of the socket accepted on `port` whose inode is not in `known`, and that inode.
template <typename Known>
std::optional<std::pair<int, unsigned long>> new_connection(int port, const Known& known) {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return std::nullopt;
  std::optional<std::pair<int, unsigned long>> found;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    auto inode = socket_inode(entry->d_name, dirfd(dir));
    if (!inode || known.contains(*inode)) continue;
    int fd = std::atoi(entry->d_name);
    if (!accepted_on(fd, port)) continue;
    int copy = dup(fd);
    struct stat st {};
    // The number may have been closed and reused since it was read: check the copy.
    if (copy >= 0 && fstat(copy, &st) == 0 && st.st_ino == *inode) {
      found.emplace(copy, *inode);
      break;
    }
    if (copy >= 0) close(copy);
  }
  closedir(dir);
  return found;
}

}  // namespace

ConnectionWatch::ConnectionWatch(std::string what, int port, std::chrono::nanoseconds read_deadline,
                                 std::chrono::nanoseconds write_deadline)
    : what_(std::move(what)),
      port_(port),
      read_deadline_(read_deadline),
      write_deadline_(write_deadline),
      watchdog_([this] { watch(); }) {}

ConnectionWatch::~ConnectionWatch() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  watchdog_.join();
  for (const auto& [inode, connection] : connections_) close(connection->fd);
}

std::function<void()> ConnectionWatch::adopt(std::function<void()> job) {
  std::shared_ptr<Connection> connection;
  {
    std::lock_guard lock(mutex_);
    if (auto found = new_connection(port_, connections_)) {
      connection = std::make_shared<Connection>(Connection{this, found->first, found->second, std::nullopt});
      if (closing_) shutdown(connection->fd, SHUT_RDWR);
      connections_.emplace(connection->inode, connection);
    }
  }
  if (!connection) {
    logger(kServerLogger)->warn("{}: a connection is served without a read deadline (its socket was not found)", what_);
    return job;
  }
  return [this, connection, job = std::move(job)] {
    current = connection.get();
    answered();  // the first request's deadline starts with the thread
    job();
    current = nullptr;
    forget(connection);
  };
}

void ConnectionWatch::forget(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mutex_);
  connections_.erase(connection->inode);
  close(connection->fd);
}

void ConnectionWatch::close_all() {
  std::lock_guard lock(mutex_);
  closing_ = true;
  for (const auto& [inode, connection] : connections_) shutdown(connection->fd, SHUT_RDWR);
}

void ConnectionWatch::handling() {
  if (!current) return;
  std::lock_guard lock(current->watch->mutex_);
  current->deadline.reset();
}

void ConnectionWatch::writing() { arm(true); }

void ConnectionWatch::answered() { arm(false); }

void ConnectionWatch::arm(bool for_answer) {
  if (!current) return;
  ConnectionWatch& watch = *current->watch;
  std::lock_guard lock(watch.mutex_);
  current->deadline = Clock::now() + (for_answer ? watch.write_deadline_ : watch.read_deadline_);
  current->writing = for_answer;
  if (!for_answer && current->close_after_answer && !current->shut) {
    current->shut = true;
    shutdown(current->fd, SHUT_RDWR);
  }
}

void ConnectionWatch::close_after_answer() {
  if (current) current->close_after_answer = true;
}

bool ConnectionWatch::client_gone() {
  if (!current) return false;
  {
    std::lock_guard lock(current->watch->mutex_);
    if (current->watch->closing_) return true;
  }
  pollfd peer{current->fd, POLLRDHUP, 0};
  return poll(&peer, 1, 0) > 0 && (peer.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

void ConnectionWatch::watch() {
  set_thread_name("http-deadline");
  // Deadlines are checked this often: a late request is cut at most this much after it.
  const auto tick = std::min<Clock::duration>({std::chrono::milliseconds(200), read_deadline_ / 4, write_deadline_ / 4});
  auto ms = [](std::chrono::nanoseconds d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, tick, [this] { return stopping_; })) {
    const auto now = Clock::now();
    for (const auto& [inode, connection] : connections_) {
      if (connection->shut || !connection->deadline || *connection->deadline > now) continue;
      connection->shut = true;
      shutdown(connection->fd, SHUT_RDWR);
      if (connection->writing)
        logger(kServerLogger)->info("{}: closed a connection whose answer was not read within {} ms", what_,
                                    ms(write_deadline_));
      else
        logger(kServerLogger)->info("{}: closed a connection whose request did not arrive within {} ms", what_,
                                    ms(read_deadline_));
    }
  }
}

}  // namespace runwatch
