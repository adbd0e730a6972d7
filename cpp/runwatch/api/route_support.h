#pragma once
// What the API's routes share: query parameters read and checked (400 naming the
// parameter), and the flow a path names (404 when it is not loaded).
#include <httplib.h>

#include <memory>
#include <optional>
#include <string>

#include "runwatch/model/flow.h"
#include "runwatch/model/time.h"
#include "runwatch/server/router.h"

namespace runwatch {

class Engine;

// Adds each API route under Kestra's two forms: /api/v1/<path> and, as today's Kestra,
// /api/v1/{tenant}/<path>, where the one tenant of its open-source edition is `main`
// (any other answers 404).
inline const std::string kTenant = "main";

class ApiRoutes {
 public:
  explicit ApiRoutes(Router& router) : router_(router) {}
  // `path` follows /api/v1: "/executions/{id}".
  void get(const std::string& path, const Router::Handler& handler) { add(&Router::get, path, handler); }
  void post(const std::string& path, const Router::Handler& handler) { add(&Router::post, path, handler); }
  void put(const std::string& path, const Router::Handler& handler) { add(&Router::put, path, handler); }
  void del(const std::string& path, const Router::Handler& handler) { add(&Router::del, path, handler); }

 private:
  using Add = void (Router::*)(const std::string&, Router::Handler);
  void add(Add method, const std::string& path, const Router::Handler& handler);
  Router& router_;
};

// The largest `size` of a searched page.
inline constexpr int kMaxPageSize = 1000;

int int_param(const httplib::Request& req, const std::string& name, int fallback, int low, int high);
std::optional<std::string> text_param(const httplib::Request& req, const char* name);
// An ISO-8601 date-time with a zone.
std::optional<TimePoint> instant_param(const httplib::Request& req, const char* name);
std::shared_ptr<const Flow> existing_flow(const Engine& engine, const std::string& ns, const std::string& id);

}  // namespace runwatch
