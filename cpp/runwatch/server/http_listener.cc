#include "runwatch/server/http_listener.h"

#include <openssl/err.h>

#include <algorithm>

#include "runwatch/logging/loggers.h"
#include "runwatch/model/error.h"
#include "runwatch/server/http_thread_pool.h"

namespace runwatch {

std::unique_ptr<httplib::Server> new_http_server(const std::string& what, const TlsSettings& tls) {
  if (!tls.enabled) return std::make_unique<httplib::Server>();
  ERR_clear_error();
  auto server = std::make_unique<httplib::SSLServer>(tls.certificate_path.c_str(), tls.key_path.c_str());
  if (!server->is_valid()) {
    char reason[256] = "not PEM";
    if (unsigned long code = ERR_get_error()) ERR_error_string_n(code, reason, sizeof reason);
    throw Error("The " + what + " cannot use the TLS certificate '" + tls.certificate_path + "' with the key '" +
                tls.key_path + "': " + reason);
  }
  return server;
}

HttpListener::HttpListener(httplib::Server& server, const std::string& what, const std::string& host, int port,
                           const std::string& thread_prefix, int threads, std::chrono::nanoseconds idle_timeout,
                           std::chrono::nanoseconds write_timeout)
    : server_(server) {
  server_.new_task_queue = [this, thread_prefix, threads] { return new HttpThreadPool(thread_prefix, threads, &*watch_); };
  // httplib's default adds SO_REUSEPORT, which lets a second server share a busy port
  // silently; SO_REUSEADDR alone still allows a quick restart.
  server_.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // Answers are written in pieces (headers, body): without TCP_NODELAY, Nagle's algorithm
  // and the client's delayed ACK hold each keep-alive answer about 40 ms.
  server_.set_tcp_nodelay(true);
  // httplib closes a keep-alive connection after 5 requests by default: scrapers and load
  // balancers reuse theirs far longer.
  server_.set_keep_alive_max_count(10000);
  server_.set_read_timeout(idle_timeout);
  server_.set_write_timeout(write_timeout);
  server_.set_keep_alive_timeout(std::max<time_t>(1, std::chrono::duration_cast<std::chrono::seconds>(idle_timeout).count()));
  port_ = port == 0 ? server_.bind_to_any_port(host) : (server_.bind_to_port(host, port) ? port : -1);
  if (port_ < 0)
    throw Error("The " + what + " cannot listen on " + host + ":" + std::to_string(port) +
                ": the port is in use or not allowed");
  watch_.emplace(what, port_, idle_timeout, write_timeout);
  server_.set_logger([](const httplib::Request&, const httplib::Response&) { ConnectionWatch::answered(); });
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::yield();
  logger(kServerLogger)->info("{} listening on {}:{}", what, host, port_);
}

void HttpListener::stop() {
  if (!thread_.joinable()) return;
  server_.stop();
  watch_->close_all();
  thread_.join();
}

}  // namespace runwatch
