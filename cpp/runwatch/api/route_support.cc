#include "runwatch/api/route_support.h"

#include "runwatch/engine.h"
#include "runwatch/server/router.h"

namespace runwatch {

void ApiRoutes::add(Add method, const std::string& path, const Router::Handler& handler) {
  (router_.*method)("/api/v1" + path, handler);
  (router_.*method)("/api/v1/{tenant}" + path, [handler](const Match& m) {
    if (m.param("tenant") != kTenant)
      throw HttpStatusError(404, "Tenant '" + m.param("tenant") + "' not found: runwatch has one tenant, " + kTenant);
    return handler(m);
  });
}

int int_param(const httplib::Request& req, const std::string& name, int fallback, int low, int high) {
  if (!req.has_param(name.c_str())) return fallback;
  const std::string text = req.get_param_value(name.c_str());
  try {
    size_t used = 0;
    int value = std::stoi(text, &used);
    if (used == text.size() && value >= low && value <= high) return value;
  } catch (const std::exception&) {
  }
  throw HttpStatusError(400, "Query parameter '" + name + "' must be a number from " + std::to_string(low) + " to " +
                                 std::to_string(high) + ", got '" + text + "'");
}

std::optional<std::string> text_param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  return req.get_param_value(name);
}

std::optional<TimePoint> instant_param(const httplib::Request& req, const char* name) {
  auto text = text_param(req, name);
  if (!text) return std::nullopt;
  auto instant = parse_instant(*text);
  if (!instant)
    throw HttpStatusError(400, "Query parameter '" + std::string(name) +
                                   "' must be an ISO-8601 date-time with a zone, got '" + *text + "'");
  return instant;
}

std::shared_ptr<const Flow> existing_flow(const Engine& engine, const std::string& ns, const std::string& id) {
  auto flow = engine.flow(ns, id);
  if (!flow) throw HttpStatusError(404, "Flow '" + ns + "." + id + "' not found");
  return flow;
}

}  // namespace runwatch
