#include "runwatch/server/router.h"

#include <optional>

#include "runwatch/logging/loggers.h"
#include "runwatch/model/json_text.h"
#include "runwatch/model/utf8.h"

namespace runwatch {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 1;  // paths start with '/'
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  if (!out.empty() && out.back().empty()) out.pop_back();  // a trailing slash
  return out;
}

bool is_param(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::optional<std::map<std::string, std::string>> match(const std::vector<std::string>& pattern,
                                                        const std::vector<std::string>& path) {
  if (pattern.size() != path.size()) return std::nullopt;
  std::map<std::string, std::string> params;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (is_param(pattern[i])) {
      if (path[i].empty()) return std::nullopt;
      params[pattern[i].substr(1, pattern[i].size() - 2)] = path[i];
    } else if (pattern[i] != path[i]) {
      return std::nullopt;
    }
  }
  return params;
}

}  // namespace

Value Match::json_body() const {
  try {
    return parse_json(request.body);
  } catch (const Value::parse_error& e) {
    throw HttpStatusError(400, std::string("Malformed JSON body: ") + e.what());
  }
}

const std::string& Match::text_body() const {
  if (auto at = invalid_utf8_at(request.body))
    throw HttpStatusError(400, "The body is not valid UTF-8 (byte " + std::to_string(*at) + ")");
  return request.body;
}

std::string reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 416: return "Range Not Satisfiable";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "HTTP status " + std::to_string(status);
  }
}

void json(httplib::Response& res, int status, const Value& body) {
  res.status = status;
  res.set_content(dump_json(body), "application/json");
}

void json_error(httplib::Response& res, int status, const std::string& message) {
  json(res, status, {{"message", message}, {"status", status}});
}

void Router::add(std::string method, const std::string& pattern, Handler handler) {
  routes_.push_back({std::move(method), split_path(pattern), std::move(handler)});
}

void Router::serve(httplib::Server& server, Gate gate) {
  gate_ = std::move(gate);
  auto handler = [this](const httplib::Request& req, httplib::Response& res) { dispatch(req, res); };
  // httplib refuses (400) a POST, PUT or DELETE that has neither Content-Length nor
  // chunks, as `curl -X POST url` sends: such a request has no body, so route it now.
  // The gate runs here, before httplib reads the body: a refused client cannot make the
  // server read (or hold) what it sends. Its unread body ends the connection.
  server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (gate_ && !gate_(req, res)) {
      res.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.has_header("Content-Length") || req.has_header("Transfer-Encoding"))
      return httplib::Server::HandlerResponse::Unhandled;
    dispatch(req, res);
    return httplib::Server::HandlerResponse::Handled;
  });
  // What httplib answers itself (a malformed request, a body over the limit) gets a JSON message too.
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) json_error(res, res.status, reason_phrase(res.status));
  });
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Put(".*", handler);
  server.Delete(".*", handler);
  server.Patch(".*", handler);
}

// Texts of the request that handlers read: a bad byte is the client's mistake, said at once.
std::optional<std::string> invalid_text(const httplib::Request& req) {
  if (!is_valid_utf8(req.path)) return "The path is not valid UTF-8";
  for (const auto& [name, value] : req.params)
    if (!is_valid_utf8(name) || !is_valid_utf8(value))
      return "Query parameter '" + repair_utf8(name) + "' is not valid UTF-8";
  return std::nullopt;
}

void Router::dispatch(const httplib::Request& req, httplib::Response& res) const {
  if (auto invalid = invalid_text(req)) return json_error(res, 400, *invalid);
  const auto path = split_path(req.path);
  std::string allowed;
  for (const auto& route : routes_) {
    auto params = match(route.segments, path);
    if (!params) continue;
    if (route.method != req.method) {
      if (allowed.find(route.method) == std::string::npos) allowed += (allowed.empty() ? "" : ", ") + route.method;
      continue;
    }
    try {
      route.handler(Match{req, std::move(*params)}, res);
    } catch (const HttpStatusError& e) {
      json_error(res, e.status(), e.what());
    } catch (const std::exception& e) {
      logger(kServerLogger)->error("{} {} failed: {}", req.method, req.path, e.what());
      json_error(res, 500, std::string("Internal error: ") + e.what());
    }
    return;
  }
  if (!allowed.empty()) {
    res.set_header("Allow", allowed);
    return json_error(res, 405, "Method " + req.method + " not allowed on " + req.path + " (allowed: " + allowed + ")");
  }
  json_error(res, 404, "Not found: " + req.path);
}

}  // namespace runwatch
