#include "runwatch/server/router.h"

#include <algorithm>
#include <optional>

#include "runwatch/logging/loggers.h"
#include "runwatch/model/json_text.h"
#include "runwatch/model/utf8.h"
#include "runwatch/server/connection_watch.h"

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

// True when `a` is more specific than `b`: at the first segment where one has a literal
// and the other a parameter, the literal wins ("/executions/search" over "/executions/{id}").
bool more_specific(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    if (is_param(a[i]) != is_param(b[i])) return !is_param(a[i]);
  return false;
}

}  // namespace

Value Match::json_body() const {
  try {
    return parse_json(body.text);
  } catch (const Value::parse_error& e) {
    throw HttpStatusError(400, std::string("Malformed JSON body: ") + e.what());
  }
}

const std::string& Match::text_body() const {
  if (auto at = invalid_utf8_at(body.text))
    throw HttpStatusError(400, "The body is not valid UTF-8 (byte " + std::to_string(*at) + ")");
  return body.text;
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

Answer Answer::json(const Value& body, int status) { return {status, dump_json(body), "application/json"}; }

namespace {

void send(httplib::Response& res, const Answer& answer) {
  res.status = answer.status;
  for (const auto& [name, value] : answer.headers) res.set_header(name, value);
  if (answer.stream) {
    res.set_content_provider(answer.size, answer.content_type,
                             [in = answer.stream](size_t, size_t length, httplib::DataSink& sink) {
                               char buffer[64 * 1024];
                               in->read(buffer, static_cast<std::streamsize>(std::min(length, sizeof buffer)));
                               return in->gcount() > 0 && sink.write(buffer, static_cast<size_t>(in->gcount()));
                             });
  } else if (!answer.content_type.empty()) {
    res.set_content(answer.body, answer.content_type);
  }
}

}  // namespace

int status_of(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Malformed: return 400;
    case ErrorKind::NotFound: return 404;
    case ErrorKind::Conflict: return 409;
    case ErrorKind::Unavailable: return 503;
    case ErrorKind::Invalid: break;
  }
  return 422;
}

void json_error(httplib::Response& res, int status, const std::string& message) {
  send(res, Answer::json({{"message", message}, {"status", status}}, status));
}

void Router::add(std::string method, const std::string& pattern, Handler handler) {
  routes_.push_back({std::move(method), split_path(pattern), std::move(handler)});
}

namespace {

std::string too_large(uint64_t max_body) {
  return "The request body is larger than the limit of " + std::to_string(max_body) + " bytes";
}

// Reads the body through httplib's content reader, counting as it goes: a chunked body
// has no length to check first. False when it is longer than a limit or cut short, with
// what to answer in `refusal`.
struct BodyReader {
  const httplib::Request& req;
  size_t max_body;
  const Router::FileReceiver& receiver;
  uint64_t max_file_size;
  RequestBody body;
  std::optional<std::pair<int, std::string>> refusal;

  bool counted(size_t& total, size_t n) {
    total += n;
    if (total <= max_body) return true;
    refusal = {413, too_large(max_body)};
    return false;
  }

  bool read(const httplib::ContentReader& reader) {
    size_t total = 0;
    uint64_t all_files = 0;
    if (!req.is_multipart_form_data())
      return reader([&](const char* data, size_t n) { return counted(total, n) && (body.text.append(data, n), true); });
    auto field = body.fields.end();
    FilePart* file = nullptr;
    std::string file_field;
    return reader(
        [&](const httplib::MultipartFormData& part) {
          file = nullptr;
          if (!counted(total, part.name.size() + part.filename.size() + part.content_type.size())) return false;
          if (!receiver || part.filename.empty()) {
            field = body.fields.emplace(part.name, part);
            return true;
          }
          file_field = part.name;
          file = &body.files.emplace(part.name, FilePart{part.filename, 0, nullptr})->second;
          return opened(*file, part);
        },
        [&](const char* data, size_t n) {
          if (!file) return counted(total, n) && (field->second.content.append(data, n), true);
          if ((all_files += n) + total > std::max<uint64_t>(max_body, max_file_size)) {
            refusal = {413, too_large(std::max<uint64_t>(max_body, max_file_size))};
            return false;
          }
          if ((file->size += n) > max_file_size) {
            refusal = {413, "The file '" + repair_utf8(file->filename) + "' of field '" + repair_utf8(file_field) +
                                "' is larger than the limit of " + std::to_string(max_file_size) + " bytes"};
            return false;
          }
          return written(*file, data, n);
        });
  }

  // A receiver's failure (a full disk) is the server's, said as its kind says.
  template <typename Call>
  bool failing(Call call) {
    try {
      call();
      return true;
    } catch (const Error& e) {
      refusal = {status_of(e.kind()), e.what()};
    }
    return false;
  }
  bool opened(FilePart& file, const httplib::MultipartFormData& part) {
    return failing([&] { file.file = receiver(part.name, part.filename); });
  }
  bool written(FilePart& file, const char* data, size_t n) {
    return failing([&] { file.file->write(data, n); });
  }
};

}  // namespace

uint64_t Router::payload_limit() const { return receiver_ ? std::max<uint64_t>(max_body_, max_file_size_) : max_body_; }

void Router::serve(httplib::Server& server, Gate gate, size_t max_body) {
  gate_ = std::move(gate);
  max_body_ = max_body;
  // httplib refuses (400) a POST, PUT or DELETE that has neither Content-Length nor
  // chunks, as `curl -X POST url` sends: such a request has no body, so route it now.
  // The gate runs here, before httplib reads the body: a refused client cannot make the
  // server read (or hold) what it sends. Its unread body ends the connection.
  server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (gate_ && !gate_(req, res)) {
      res.set_header("Connection", "close");
      ConnectionWatch::close_after_answer();
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.has_header("Content-Length") || req.has_header("Transfer-Encoding"))
      return httplib::Server::HandlerResponse::Unhandled;
    dispatch(req, RequestBody{}, res);
    return httplib::Server::HandlerResponse::Handled;
  });
  // A Content-Length over the limit is refused by httplib before any byte is read.
  const uint64_t limit = payload_limit();
  server.set_payload_max_length(limit);
  server.set_error_handler([limit](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) return json_error(res, 413, too_large(limit));
    json_error(res, res.status, reason_phrase(res.status));
  });
  auto with_body = [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    BodyReader body{req, max_body_, receiver_, max_file_size_, {}, std::nullopt};
    if (body.read(reader)) return dispatch(req, body.body, res);
    res.set_header("Connection", "close");  // what is left of the body is not read
    ConnectionWatch::close_after_answer();
    if (body.refusal) return json_error(res, body.refusal->first, body.refusal->second);
    if (res.status == 413) return json_error(res, 413, too_large(payload_limit()));
    json_error(res, 400, "The request body could not be read: it ended early or its chunks are malformed");
  };
  server.Get(".*", [this](const httplib::Request& req, httplib::Response& res) { dispatch(req, RequestBody{}, res); });
  server.Post(".*", with_body);
  server.Put(".*", with_body);
  server.Delete(".*", with_body);
  server.Patch(".*", with_body);
}

// Texts of the request that handlers read: a bad byte is the client's mistake, said at once.
std::optional<std::string> invalid_text(const httplib::Request& req) {
  if (!is_valid_utf8(req.path)) return "The path is not valid UTF-8";
  for (const auto& [name, value] : req.params)
    if (!is_valid_utf8(name) || !is_valid_utf8(value))
      return "Query parameter '" + repair_utf8(name) + "' is not valid UTF-8";
  return std::nullopt;
}

void Router::dispatch(const httplib::Request& req, const RequestBody& body, httplib::Response& res) const {
  ConnectionWatch::handling();
  struct AnswerDeadline {
    ~AnswerDeadline() { ConnectionWatch::writing(); }
  } answer_deadline;
  if (auto invalid = invalid_text(req)) return json_error(res, 400, *invalid);
  const auto path = split_path(req.path);
  std::string allowed;
  const Route* chosen = nullptr;
  std::map<std::string, std::string> chosen_params;
  for (const auto& route : routes_) {
    auto params = match(route.segments, path);
    if (!params) continue;
    if (route.method != req.method) {
      if (allowed.find(route.method) == std::string::npos) allowed += (allowed.empty() ? "" : ", ") + route.method;
      continue;
    }
    if (!chosen || more_specific(route.segments, chosen->segments)) {
      chosen = &route;
      chosen_params = std::move(*params);
    }
  }
  if (chosen) {
    try {
      send(res, chosen->handler(Match{req, body, std::move(chosen_params)}));
    } catch (const HttpStatusError& e) {
      json_error(res, e.status(), e.what());
    } catch (const Error& e) {
      json_error(res, status_of(e.kind()), e.what());
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
