#include "runwatch/server/http_server.h"

#include <httplib.h>

#include <optional>

#include "runwatch/server/http_listener.h"
#include "runwatch/server/router.h"

namespace runwatch {

struct HttpServer::Shell {
  ListenOptions options;
  Router router;
  std::unique_ptr<httplib::Server> server;
  std::optional<HttpListener> listener;  // last: it stops before the rest goes
};

HttpServer::HttpServer(ServerIdentity identity, ListenOptions listen, std::size_t max_body, Router router, Gate gate)
    : shell_(std::make_unique<Shell>()) {
  auto& s = *shell_;
  s.options = std::move(listen);
  s.router = std::move(router);
  s.server = new_http_server(identity.what, s.options.tls);
  s.router.serve(*s.server, std::move(gate), max_body);
  s.listener.emplace(*s.server, identity.what, s.options.host, s.options.port, identity.thread_prefix,
                     s.options.threads, s.options.read_idle_timeout, s.options.write_idle_timeout);
}

HttpServer::~HttpServer() { stop(); }

int HttpServer::port() const { return shell_->listener->port(); }
const std::string& HttpServer::host() const { return shell_->options.host; }
bool HttpServer::tls() const { return shell_->options.tls.enabled; }
void HttpServer::stop() { shell_->listener->stop(); }

}  // namespace runwatch
