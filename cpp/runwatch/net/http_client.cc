#include "runwatch/net/http_client.h"

#include <httplib.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <strings.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "runwatch/net/retry_after.h"
#include "runwatch/net/url.h"

namespace runwatch {
namespace {

using std::chrono::steady_clock;

bool retryable_status(int status) { return status == 429 || (status >= 500 && status <= 599); }

// Failures a new attempt may get past; certificate and TLS setup problems stay.
bool retryable_error(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
    case httplib::Error::ConnectionTimeout:
    case httplib::Error::Read:
    case httplib::Error::Write:
    case httplib::Error::Unknown: return true;
    default: return false;
  }
}

struct Connection {
  std::unique_ptr<httplib::ClientImpl> client;
  httplib::SSLClient* tls = nullptr;  // client, when the URL is https
};

void trust_extra_ca(httplib::SSLClient& client, const std::string& ca_file) {
  // httplib adds the system's default paths to the same store when it connects.
  if (SSL_CTX_load_verify_locations(client.ssl_context(), ca_file.c_str(), nullptr) != 1)
    throw HttpError("Could not load the CA file '" + ca_file + "'", 0);
}

Connection connect_to(const Url& url, const HttpClientOptions& options) {
  Connection c;
  if (url.https()) {
    auto tls = std::make_unique<httplib::SSLClient>(url.host, url.port);
    if (!tls->is_valid()) throw HttpError("Could not set up TLS", 0);
    if (!options.extra_ca_file.empty()) trust_extra_ca(*tls, options.extra_ca_file);
    c.tls = tls.get();
    c.client = std::move(tls);
  } else {
    c.client = std::make_unique<httplib::ClientImpl>(url.host, url.port);
  }
  c.client->enable_server_certificate_verification(options.verify_certificates);
  c.client->set_connection_timeout(options.connect_timeout);
  c.client->set_read_timeout(options.read_timeout);
  c.client->set_write_timeout(options.read_timeout);
  c.client->set_follow_location(options.follow_redirects);
  return c;
}

std::string describe(httplib::Error error, const Url& url, const Connection& c, const HttpClientOptions& options) {
  const std::string where = url.authority();
  switch (error) {
    case httplib::Error::Connection: return "could not connect to " + where;
    case httplib::Error::ConnectionTimeout:
      return "connecting to " + where + " timed out after " + format_duration(options.connect_timeout);
    case httplib::Error::Read:
      return "no valid HTTP answer from " + where + " (connection closed, not HTTP, or no data within the read timeout " +
             format_duration(options.read_timeout) + ")";
    case httplib::Error::Write: return "sending the request to " + where + " failed";
    case httplib::Error::SSLConnection: return "the TLS handshake with " + where + " failed";
    case httplib::Error::SSLLoadingCerts: return "could not load the trusted CA certificates";
    case httplib::Error::SSLServerVerification:
      return "the TLS certificate of " + where + " was not accepted: " +
             X509_verify_cert_error_string(c.tls ? c.tls->get_openssl_verify_result() : X509_V_OK);
    case httplib::Error::ExceedRedirectCount: return "too many redirects from " + where;
    case httplib::Error::Canceled: return "the request to " + where + " was cancelled";
    case httplib::Error::Compression: return "could not decompress the answer of " + where;
    default: return "the request to " + where + " failed (" + httplib::to_string(error) + ")";
  }
}

httplib::Request to_httplib(const HttpRequest& request, const Url& url) {
  httplib::Request out;
  out.method = request.method;
  out.path = url.target;
  for (const auto& [name, value] : request.headers) {
    // A line break would let a templated value smuggle in headers of its own.
    if (name.empty() || has_line_break(name) || has_line_break(value))
      throw HttpError("Invalid header '" + name + "': empty name or a line break", 0);
    out.headers.emplace(name, value);
  }
  if (!request.content_type.empty() && !out.has_header("Content-Type"))
    out.headers.emplace("Content-Type", request.content_type);
  if (!out.has_header("User-Agent")) out.headers.emplace("User-Agent", "runwatch/" RUNWATCH_VERSION);
  out.body = request.body;
  return out;
}

HttpResponse from_httplib(const httplib::Response& response, int attempt, steady_clock::duration latency) {
  HttpResponse out;
  out.status = response.status;
  for (const auto& [name, value] : response.headers) out.headers.emplace_back(name, value);
  out.body = response.body;
  out.attempts = attempt;
  out.latency = std::chrono::duration_cast<std::chrono::milliseconds>(latency);
  return out;
}

}  // namespace

const std::string* find_header(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers)
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) return &value;
  return nullptr;
}

HttpClient::HttpClient(HttpClientOptions options, const Clock& clock, Cancellation* cancellation)
    : options_(std::move(options)), clock_(clock), cancellation_(cancellation) {}

Duration HttpClient::backoff(int attempt) const {
  const auto& retry = options_.retry;
  double scaled = static_cast<double>(retry.first_backoff.count()) * std::pow(retry.backoff_factor, attempt - 1);
  double capped = std::min(scaled, static_cast<double>(retry.max_backoff.count()));
  return Duration(static_cast<Duration::rep>(capped));
}

HttpResponse HttpClient::send(const HttpRequest& request, int attempt) const {
  const Url url = parse_url(request.url);
  const Connection connection = connect_to(url, options_);
  const httplib::Request prepared = to_httplib(request, url);
  // A kill shuts the socket, so a request in flight ends now rather than at its timeout.
  auto stop_on_cancel = cancellation_ ? cancellation_->on_cancel([&connection] { connection.client->stop(); })
                                      : Cancellation::Subscription();
  auto throw_if_cancelled = [this] {
    if (!cancellation_ || !cancellation_->cancelled()) return;
    std::string reason = cancellation_->reason();
    throw HttpCancelled(reason.empty() ? "Request cancelled" : reason);
  };
  throw_if_cancelled();
  auto started = steady_clock::now();
  httplib::Result result = connection.client->send(prepared);
  auto latency = steady_clock::now() - started;
  throw_if_cancelled();
  const bool last = attempt >= std::max(1, options_.retry.max_attempts);
  if (!result) {
    std::string failure = describe(result.error(), url, connection, options_);
    if (last || !retryable_error(result.error())) throw HttpError(failure, attempt);
    throw HttpRetryLater(failure, attempt, backoff(attempt));
  }
  HttpResponse response = from_httplib(*result, attempt, latency);
  if (last || !retryable_status(response.status)) return response;
  Duration wait = backoff(attempt);
  if (const auto* header = find_header(response.headers, "Retry-After"))
    if (auto asked = parse_retry_after(*header, clock_.now())) wait = std::min(*asked, options_.retry.max_retry_after);
  throw HttpRetryLater("answered " + std::to_string(response.status), attempt, wait);
}

}  // namespace runwatch
