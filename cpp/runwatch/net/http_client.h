#pragma once
// The HTTP(S) client tasks use to reach webhooks and APIs: certificate verification,
// connect and read timeouts, and a bounded number of attempts with exponential backoff
// after connection errors, 5xx and 429 (honouring Retry-After). Backoff waits go through
// the engine's clock and end at once when the task is cancelled.
#include <chrono>
#include <functional>
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
  // Told about each failed attempt that will be tried again, before the wait.
  std::function<void(int attempt, const std::string& failure, Duration wait)> on_retry;
};

// No answer: every attempt failed to connect, to complete TLS, to send or to read.
class HttpError : public Error {
 public:
  HttpError(const std::string& message, int attempts) : Error(message), attempts_(attempts) {}
  int attempts() const { return attempts_; }

 private:
  int attempts_;
};

// A kill or a timeout of the task stopped the request or its backoff.
class HttpCancelled : public Error {
 public:
  using Error::Error;
};

class HttpClient {
 public:
  HttpClient(HttpClientOptions options, const Clock& clock, Cancellation* cancellation = nullptr);

  // Returns the last answer whatever its status, once it is not worth trying again.
  // Throws UrlError, HttpError or HttpCancelled.
  HttpResponse send(const HttpRequest& request) const;

 private:
  Duration backoff(int attempt) const;

  HttpClientOptions options_;
  const Clock& clock_;
  Cancellation* cancellation_;
};

}  // namespace runwatch
