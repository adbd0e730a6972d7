#include "runwatch/api/api_server.h"

#include <httplib.h>

#include <optional>

#include "runwatch/api/routes.h"
#include "runwatch/server/basic_auth.h"
#include "runwatch/server/router.h"

namespace runwatch {

ApiOptions ApiOptions::from(const Config& config) {
  ApiOptions o;
  o.host = config.api_host;
  o.port = config.api_port;
  o.max_request_size = config.max_request_size;
  o.max_file_size = config.max_file_size;
  o.read_idle_timeout = config.read_idle_timeout;
  o.write_idle_timeout = config.write_idle_timeout;
  o.wait_timeout = config.api_wait_timeout;
  o.basic_auth = config.api_basic_auth;
  o.realm = config.api_realm;
  o.open_urls = config.api_open_urls;
  o.tls = config.api_tls;
  if (o.tls.enabled) o.port = config.api_ssl_port;
  return o;
}

struct ApiServer::Impl {
  ApiOptions options;
  Engine& engine;
  std::optional<BasicAuthGate> gate;
  Router router;

  Impl(ApiOptions o, Engine& e) : options(std::move(o)), engine(e) {
    if (options.basic_auth) gate.emplace(*options.basic_auth, options.realm);
    add_execution_routes(router, engine, options.wait_timeout);
    add_flow_routes(router, engine);
    add_kv_routes(router, engine);
    add_file_routes(router, engine);
    add_alert_routes(router, engine);
    add_silence_routes(router, engine);
    receive_files(router, engine, static_cast<uint64_t>(options.max_file_size));
  }

  // Kestra's kestra.server.basic-auth: every path needs the credentials but the open URLs.
  bool allowed(const httplib::Request& req, httplib::Response& res) const {
    if (!gate) return true;
    for (const auto& open : options.open_urls)
      if (req.path.starts_with(open)) return true;
    if (gate->authorized(req)) return true;
    gate->challenge(res, "Unauthorized: the API needs basic authentication (kestra.server.basic-auth)");
    return false;
  }
};

ApiServer::ApiServer(ApiOptions options, Engine& engine)
    : ApiServer(std::make_unique<Impl>(std::move(options), engine)) {}

ApiServer::ApiServer(std::unique_ptr<Impl> impl)
    : HttpServer({.what = "API server", .thread_prefix = "api-http"}, impl->options,
                 static_cast<size_t>(impl->options.max_request_size), std::move(impl->router),
                 [routes = impl.get()](const httplib::Request& req, httplib::Response& res) {
                   return routes->allowed(req, res);
                 }),
      impl_(std::move(impl)) {}

ApiServer::~ApiServer() { stop(); }

}  // namespace runwatch
