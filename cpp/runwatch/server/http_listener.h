#pragma once
// Runs an httplib server on its own named threads: binds at once (a busy port is an
// error, not a silently shared one), listens on a thread of its own until stop(), which
// ends every connection (and so every request thread) at once.
#include <httplib.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "runwatch/config/config.h"
#include "runwatch/server/connection_watch.h"

namespace runwatch {

// A plain server, or with `tls` enabled one that speaks HTTPS only, with its PEM files.
// Throws Error, naming `what` and the files, when they are not a certificate and its key.
std::unique_ptr<httplib::Server> new_http_server(const std::string& what, const TlsSettings& tls);

class HttpListener {
 public:
  // `what` names the server in errors and logs; threads are named `<thread_prefix>-N`. A
  // connection silent for `idle_timeout` (between requests or inside one) is closed, and
  // so is one whose request does not arrive whole within it, or whose answer is not read
  // whole within `write_timeout` (ConnectionWatch).
  HttpListener(httplib::Server& server, const std::string& what, const std::string& host, int port,
               const std::string& thread_prefix, int threads, std::chrono::nanoseconds idle_timeout,
               std::chrono::nanoseconds write_timeout);
  ~HttpListener() { stop(); }
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  int port() const { return port_; }
  void stop();

 private:
  httplib::Server& server_;
  std::optional<ConnectionWatch> watch_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace runwatch
