#pragma once
// The API server (micronaut.server.port, 8080 by default) on Kestra's paths: executions
// (start, get, search, kill, logs), flows (list, get, create, update, delete, validate)
// and Webhook triggers. A client of the Engine facade, like the Python bindings.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runwatch/config/config.h"
#include "runwatch/server/http_server.h"

namespace runwatch {

class Engine;

struct ApiOptions : ListenOptions {
  ApiOptions() { port = 8080; }

  std::int64_t max_request_size = 10 * 1024 * 1024;  // larger bodies get 413
  // Each file of a multipart request (FILE inputs), streamed to the internal storage.
  std::int64_t max_file_size = std::int64_t{10} * 1024 * 1024 * 1024;
  Duration wait_timeout = std::chrono::seconds(60);  // ?wait=true answers 202 after it
  // Every request needs these credentials, but the paths starting with an open URL.
  std::optional<BasicAuth> basic_auth;
  std::string realm = "Kestra";
  std::vector<std::string> open_urls;

  static ApiOptions from(const Config& config);
};

class ApiServer final : public HttpServer {
 public:
  // Listens at once; throws Error when the port cannot be bound. `engine` must outlive it.
  ApiServer(ApiOptions options, Engine& engine);
  ~ApiServer() override;

 private:
  struct Impl;  // the routes' state: built before the server listens, ended after it stops
  explicit ApiServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace runwatch
