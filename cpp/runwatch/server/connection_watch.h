#pragma once
// Deadlines for the connections of one httplib server, which has only per-read timeouts:
// a client that sends one byte just before each timeout would hold a request thread
// forever. A request (head and body) must arrive whole within `read_deadline` of the
// moment its connection got a thread or answered the previous request, and its answer
// must be written (read by the client) within `write_deadline` of the handler's return;
// a watchdog thread shuts the socket down when either does not. close_all() shuts every connection, so that no request
// thread outlives its server, and handlers that wait can ask whether their client left.
//
// httplib does not hand out a connection's socket: the watch finds it when the accept
// loop queues the connection, as the one socket on the port that it does not know yet
// (by inode, which is never reused while the socket is open), and keeps a duplicate of
// it so that a socket closed by httplib cannot be mistaken for a new one with its number.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace runwatch {

class ConnectionWatch {
 public:
  ConnectionWatch(std::string what, int port, std::chrono::nanoseconds read_deadline,
                  std::chrono::nanoseconds write_deadline);
  ~ConnectionWatch();
  ConnectionWatch(const ConnectionWatch&) = delete;
  ConnectionWatch& operator=(const ConnectionWatch&) = delete;

  // Wraps the job httplib queues for a connection it has just accepted; called on the
  // accept thread, before the next accept.
  std::function<void()> adopt(std::function<void()> job);
  // Shuts every connection down, now and as they come; client_gone() answers true.
  void close_all();

  // On a request thread, for the connection it serves. The request is in and its handler
  // runs: no deadline while it does.
  static void handling();
  // The handler returned: its answer is being written.
  static void writing();
  // The answer is written: the next request's deadline starts, or the connection ends
  // when close_after_answer() was called (httplib keeps it open whatever the answer says).
  static void answered();
  static void close_after_answer();
  // Whether the client of the current request closed its side or the server is stopping.
  static bool client_gone();

  struct Connection;

 private:
  // The current connection's deadline: its answer's, or its next request's.
  static void arm(bool for_answer);
  void watch();
  void forget(const std::shared_ptr<Connection>& connection);

  const std::string what_;
  const int port_;
  const std::chrono::nanoseconds read_deadline_;
  const std::chrono::nanoseconds write_deadline_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<unsigned long, std::shared_ptr<Connection>> connections_;  // by socket inode
  bool closing_ = false;
  bool stopping_ = false;
  std::thread watchdog_;
};

}  // namespace runwatch
