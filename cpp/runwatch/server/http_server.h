#pragma once
// One HTTP server shell for the API and the management server: its router, a gate that
// decides each request from its headers alone (authentication) before any body is read,
// and a plain or TLS listener on named threads with its deadlines. Each server is this
// shell with its own routes and gate. Free of httplib, so that the engine's and the
// bindings' headers never see it (its CPPHTTPLIB_* definitions are server/'s own).
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "runwatch/config/config.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace runwatch {

class Router;

// Where and how a server listens: what the API's and the management server's options share.
struct ListenOptions {
  std::string host = kLoopbackHost;
  int port = 0;     // 0: any free port
  int threads = 8;  // a keep-alive connection holds a thread while it is open
  Duration read_idle_timeout = std::chrono::seconds(10);
  Duration write_idle_timeout = std::chrono::seconds(60);  // a whole answer is written within it
  TlsSettings tls;                                         // enabled: HTTPS only
};

// What the server is, for its errors, logs and threads.
struct ServerIdentity {
  std::string what;           // "API server"
  std::string thread_prefix;  // its request threads are <thread_prefix>-N
};

class HttpServer {
 public:
  // Runs before every route, from the headers alone; returning false ends the request
  // with what it answered (Router::Gate).
  using Gate = std::function<bool(const httplib::Request&, httplib::Response&)>;

  // Listens at once; throws Error when the port cannot be bound or the TLS files are not
  // a certificate and its key.
  // Bodies longer than `max_body` bytes are refused (413) as soon as the count passes it.
  HttpServer(ServerIdentity identity, ListenOptions listen, std::size_t max_body, Router router, Gate gate);
  virtual ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;
  const std::string& host() const;
  bool tls() const;
  // Ends every connection, so every request thread, at once.
  void stop();

 private:
  struct Shell;
  std::unique_ptr<Shell> shell_;
};

}  // namespace runwatch
