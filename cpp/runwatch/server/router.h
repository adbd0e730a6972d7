#pragma once
// Routes for an httplib server: paths with {name} parameters (one segment each), JSON
// answers, and errors as JSON with a message: 404 for an unknown path, 405 (with Allow)
// for a known path asked with another method, 400 for a malformed body or a path or query
// parameter that is not UTF-8, 413 for a body over the limit (counted while it is read,
// chunked or not), 500 for a bug.
#include <httplib.h>

#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runwatch/model/error.h"
#include "runwatch/model/value.h"

namespace runwatch {

// Thrown by a handler: answered as a JSON error with that status. Any other Error is
// answered with its kind's status, and anything else is a bug (500).
class HttpStatusError : public Error {
 public:
  HttpStatusError(int status, const std::string& message) : Error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

// Where a file part of a multipart body is written as it arrives (Router::receive_files).
class ReceivedFile {
 public:
  virtual ~ReceivedFile() = default;
  virtual void write(const char* data, size_t size) = 0;
};

// A file part of a multipart body: its name as the client gave it, and where it went.
struct FilePart {
  std::string filename;
  uint64_t size = 0;
  std::shared_ptr<ReceivedFile> file;
};

// A request's body as the router read it: the bytes, or the fields of a multipart form
// (and, when the router receives files, its file parts apart).
struct RequestBody {
  std::string text;
  httplib::MultipartFormDataMap fields;
  std::multimap<std::string, FilePart> files;
};

struct Match {
  const httplib::Request& request;
  const RequestBody& body;
  std::map<std::string, std::string> params;

  const std::string& param(const std::string& name) const { return params.at(name); }
  // The body as JSON; throws HttpStatusError 400 naming the parse error (invalid UTF-8
  // and nesting deeper than kMaxJsonDepth included).
  Value json_body() const;
  // The body as text; throws HttpStatusError 400 when it is not UTF-8.
  const std::string& text_body() const;
};

// What a handler answers: a status and its body.
struct Answer {
  int status = 200;
  std::string body;
  std::string content_type;  // empty: no body
  // Instead of `body`: `size` bytes read from the stream as the client takes them (a
  // stored file), never held whole in memory; `headers` go with them.
  std::shared_ptr<std::istream> stream;
  uint64_t size = 0;
  std::map<std::string, std::string> headers;

  static Answer streamed(std::shared_ptr<std::istream> in, uint64_t size, std::string content_type) {
    return {200, {}, std::move(content_type), std::move(in), size, {}};
  }
  static Answer json(const Value& body, int status = 200);
  static Answer text(std::string body, std::string content_type) {
    return {200, std::move(body), std::move(content_type)};
  }
  static Answer empty(int status) { return {status, {}, {}}; }
};

// The status a handler's Error answers: its kind's (see ErrorKind), mapped here once.
int status_of(ErrorKind kind);
// "Not Found" for 404, and so on.
std::string reason_phrase(int status);
// For gates, which answer before any route: {"message", "status"}.
void json_error(httplib::Response& res, int status, const std::string& message);

class Router {
 public:
  // Returns its answer, or throws: an Error is answered with its kind's status (see
  // status_of), HttpStatusError with its own, anything else with 500.
  using Handler = std::function<Answer(const Match&)>;
  // Runs before every route, from the headers alone (the body is not read yet);
  // returning false ends the request with what it answered, and closes the connection.
  using Gate = std::function<bool(const httplib::Request&, httplib::Response&)>;

  void get(const std::string& pattern, Handler handler) { add("GET", pattern, std::move(handler)); }
  void post(const std::string& pattern, Handler handler) { add("POST", pattern, std::move(handler)); }
  void put(const std::string& pattern, Handler handler) { add("PUT", pattern, std::move(handler)); }
  void del(const std::string& pattern, Handler handler) { add("DELETE", pattern, std::move(handler)); }

  // Opens where a file part goes, from its field and file name.
  using FileReceiver = std::function<std::shared_ptr<ReceivedFile>(const std::string&, const std::string&)>;

  // Sends every request of `server` through this router; bodies longer than `max_body`
  // bytes are refused (413) as soon as the count passes it.
  void serve(httplib::Server& server, Gate gate, size_t max_body);
  // Multipart parts with a file name are then streamed to `receiver`, never held in
  // memory, each refused (413) past `max_file_size` bytes; the whole request may then
  // reach the larger of max_body and max_file_size, but what is held in memory (the other
  // fields) still max_body.
  void receive_files(FileReceiver receiver, uint64_t max_file_size) {
    receiver_ = std::move(receiver);
    max_file_size_ = max_file_size;
  }

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{name}" for a parameter
    Handler handler;
  };
  void add(std::string method, const std::string& pattern, Handler handler);
  void dispatch(const httplib::Request& req, const RequestBody& body, httplib::Response& res) const;
  uint64_t payload_limit() const;  // what a whole request may reach

  std::vector<Route> routes_;
  Gate gate_;
  size_t max_body_ = 0;
  FileReceiver receiver_;
  uint64_t max_file_size_ = 0;
};

}  // namespace runwatch
