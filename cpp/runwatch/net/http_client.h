#pragma once
// The HTTP(S) client tasks use to reach webhooks and APIs: certificate verification,
// connect and read timeouts, and a bounded number of attempts with exponential backoff
// after connection errors, 5xx and 429 (honouring Retry-After). The client makes one
// attempt per call and says how long to wait before the next: the caller waits without
// holding a thread (the executor schedules the task's next attempt on its clock).
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runwatch/model/cancellation.h"
#include "runwatch/model/clock.h"
#include "runwatch/model/error.h"
#include "runwatch/model/time.h"

namespace runwatch {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// The value of the first header called `name` (case-insensitive), or nullptr.
const std::string* find_header(const HttpHeaders& headers, std::string_view name);

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HttpHeaders headers;
  std::string body;
  std::string content_type;  // sent as Content-Type unless empty or given in headers
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;
  int attempts = 0;                      // attempts made, this one included
  std::chrono::milliseconds latency{0};  // of the last attempt, in real time

  bool ok() const { return status >= 200 && status < 300; }
};

struct HttpRetryPolicy {
  int max_attempts = 3;  // the first one included
  Duration first_backoff = std::chrono::seconds(1);
  double backoff_factor = 2.0;
  Duration max_backoff = std::chrono::seconds(30);
  Duration max_retry_after = std::chrono::seconds(60);  // a longer Retry-After is cut to this
};

struct HttpClientOptions {
  Duration connect_timeout = std::chrono::seconds(10);
  Duration read_timeout = std::chrono::seconds(10);  // per read (and write) on the socket
  bool follow_redirects = true;
  bool verify_certificates = true;
  std::string extra_ca_file;  // a PEM file trusted besides the system's CA bundle
  HttpRetryPolicy retry;
};

// No answer: every attempt failed to connect, to complete TLS, to send or to read.
class HttpError : public Error {
 public:
  HttpError(const std::string& message, int attempts) : Error(message), attempts_(attempts) {}
  int attempts() const { return attempts_; }

 private:
  int attempts_;
};

// The attempt failed in a way a later one may get past: try again after wait().
class HttpRetryLater : public Error {
 public:
  HttpRetryLater(const std::string& failure, int attempt, Duration wait)
      : Error(failure), attempt_(attempt), wait_(wait) {}
  int attempt() const { return attempt_; }
  Duration wait() const { return wait_; }

 private:
  int attempt_;
  Duration wait_;
};

// A kill or a timeout of the task stopped the request or its backoff.
class HttpCancelled : public Error {
 public:
  using Error::Error;
};

class HttpClient {
 public:
  HttpClient(HttpClientOptions options, const Clock& clock, Cancellation* cancellation = nullptr);

  // Makes attempt number `attempt` (1-based) of the request. Returns the answer, whatever
  // its status, when it is not worth trying again; throws HttpRetryLater when it is, and
  // UrlError, HttpError (no answer, final) or HttpCancelled.
  HttpResponse send(const HttpRequest& request, int attempt = 1) const;

 private:
  Duration backoff(int attempt) const;

  HttpClientOptions options_;
  const Clock& clock_;
  Cancellation* cancellation_;
};

}  // namespace runwatch
