// The HTTP client against real local servers: answers, which attempts are worth repeating
// and after what wait, Retry-After, the final failure, timeouts, garbage, TLS verification, cancellation.
#include <gtest/gtest.h>

#include <future>

#include "net_test_server.h"
#include "runwatch/net/http_client.h"
#include "runwatch/net/url.h"

namespace runwatch {
namespace {

using namespace std::chrono_literals;
using testing::Gate;
using testing::LocalServer;
using testing::RawServer;
using testing::Recorder;
using testing::SelfSignedCertificate;

class NetHttpClient : public ::testing::Test {
 protected:
  ManualClock clock{TimePoint(std::chrono::seconds(1'700'000'000))};
  Gate gate;  // holds the handlers of slow endpoints
  LocalServer server;
  Recorder recorder;
  std::vector<std::pair<std::string, Duration>> retries;  // failure, wait

  // Handlers may still be waiting on the gate: let them finish before it goes away.
  void TearDown() override {
    gate.open();
    server.stop();
  }

  HttpClientOptions options() { return {}; }
  // Makes attempts as the executor does, without the waits, noting each retry's failure and wait.
  HttpResponse send_with_retries(const HttpClientOptions& o, const HttpRequest& request) {
    HttpClient client(o, clock);
    for (int attempt = 1;; ++attempt) {
      try {
        return client.send(request, attempt);
      } catch (const HttpRetryLater& e) {
        EXPECT_EQ(e.attempt(), attempt);
        retries.emplace_back(e.what(), e.wait());
      }
    }
  }
  // Answers `statuses` in turn, then 200 "ok"; each answer may carry headers.
  void answer_in_turn(std::vector<std::pair<int, httplib::Headers>> answers) {
    server.server().Post("/hook", [this, answers, n = std::make_shared<std::atomic<size_t>>(0)](
                                      const httplib::Request& req, httplib::Response& res) {
      recorder.add(req);
      size_t i = (*n)++;
      if (i < answers.size()) {
        res.status = answers[i].first;
        for (const auto& h : answers[i].second) res.set_header(h.first.c_str(), h.second);
        res.set_content("failure " + std::to_string(i + 1), "text/plain");
      } else {
        res.set_content("ok", "text/plain");
      }
    });
    server.start();
  }
  HttpRequest post(std::string body = "{}") {
    HttpRequest r;
    r.method = "POST";
    r.url = server.url("/hook");
    r.body = std::move(body);
    r.content_type = "application/json";
    return r;
  }
};

TEST_F(NetHttpClient, SendsTheRequestAndReturnsTheAnswer) {
  server.server().Put("/things/1", [&](const httplib::Request& req, httplib::Response& res) {
    recorder.add(req);
    res.status = 201;
    res.set_header("X-Answer", "yes");
    res.set_content("{\"id\":1}", "application/json");
  });
  server.start();
  HttpRequest request;
  request.method = "PUT";
  request.url = server.url("/things/1?dry=1");
  request.headers = {{"X-Token", "abc"}, {"Idempotency-Key", "k1"}};
  request.body = "{\"name\":\"x\"}";
  request.content_type = "application/json";
  HttpResponse response = send_with_retries(options(), request);

  EXPECT_EQ(response.status, 201);
  EXPECT_TRUE(response.ok());
  EXPECT_EQ(response.body, "{\"id\":1}");
  ASSERT_NE(find_header(response.headers, "x-answer"), nullptr);
  EXPECT_EQ(*find_header(response.headers, "x-answer"), "yes");
  EXPECT_EQ(find_header(response.headers, "X-Missing"), nullptr);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_GE(response.latency.count(), 0);

  auto got = recorder.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "PUT");
  EXPECT_EQ(got[0].path, "/things/1");
  EXPECT_EQ(got[0].body, "{\"name\":\"x\"}");
  EXPECT_EQ(got[0].header("Content-Type"), "application/json");
  EXPECT_EQ(got[0].header("X-Token"), "abc");
  EXPECT_EQ(got[0].header("Idempotency-Key"), "k1");
  EXPECT_EQ(got[0].header("User-Agent"), "runwatch/" RUNWATCH_VERSION);
  EXPECT_TRUE(retries.empty());
}

TEST_F(NetHttpClient, RetriesServerErrorsWithExponentialBackoff) {
  answer_in_turn({{503, {}}, {500, {}}});
  HttpResponse response = send_with_retries(options(), post());

  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "ok");
  EXPECT_EQ(response.attempts, 3);
  ASSERT_EQ(retries.size(), 2u);
  EXPECT_EQ(retries[0].first, "answered 503");
  EXPECT_EQ(retries[0].second, 1s);
  EXPECT_EQ(retries[1].first, "answered 500");
  EXPECT_EQ(retries[1].second, 2s);
  EXPECT_EQ(clock.now(), TimePoint(std::chrono::seconds(1'700'000'000)));  // the client itself never waits
  auto got = recorder.received();
  ASSERT_EQ(got.size(), 3u);
  for (const auto& r : got) EXPECT_EQ(r.body, "{}");
}

TEST_F(NetHttpClient, BackoffGrowsToItsCap) {
  answer_in_turn({{500, {}}, {500, {}}, {500, {}}, {500, {}}});
  HttpClientOptions o = options();
  o.retry.max_attempts = 5;
  o.retry.first_backoff = 10s;
  o.retry.backoff_factor = 3;
  o.retry.max_backoff = 60s;
  EXPECT_EQ(send_with_retries(o, post()).status, 200);
  std::vector<Duration> waits;
  for (const auto& r : retries) waits.push_back(r.second);
  EXPECT_EQ(waits, (std::vector<Duration>{10s, 30s, 60s, 60s}));
}

std::string http_date(TimePoint t) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return text;
}

TEST_F(NetHttpClient, HonoursRetryAfterInSecondsAndAsADateAndCapsIt) {
  std::atomic<int> calls = 0;
  server.server().Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    recorder.add(req);
    switch (calls++) {
      case 0: res.status = 429; res.set_header("Retry-After", "7"); break;
      case 1: res.status = 503; res.set_header("Retry-After", http_date(clock.now() + 20s)); break;
      case 2: res.status = 429; res.set_header("Retry-After", "3600"); break;
      default: res.set_content("ok", "text/plain");
    }
  });
  server.start();
  HttpClientOptions o = options();
  o.retry.max_attempts = 4;
  HttpResponse response = send_with_retries(o, post());
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.attempts, 4);
  std::vector<Duration> waits;
  for (const auto& r : retries) waits.push_back(r.second);
  EXPECT_EQ(waits, (std::vector<Duration>{7s, 20s, 60s}));
  EXPECT_EQ(retries[0].first, "answered 429");
}

TEST_F(NetHttpClient, TheLastAnswerIsReturnedWhenEveryAttemptFails) {
  answer_in_turn({{500, {}}, {502, {}}, {504, {}}, {500, {}}});
  HttpResponse response = send_with_retries(options(), post());
  EXPECT_EQ(response.status, 504);
  EXPECT_EQ(response.body, "failure 3");
  EXPECT_EQ(response.attempts, 3);
  EXPECT_FALSE(response.ok());
  EXPECT_EQ(retries.size(), 2u);
  EXPECT_EQ(recorder.count(), 3u);
}

TEST_F(NetHttpClient, ClientErrorsAreNotRetried) {
  answer_in_turn({{404, {}}, {404, {}}});
  HttpResponse response = send_with_retries(options(), post());
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_TRUE(retries.empty());
  EXPECT_EQ(recorder.count(), 1u);
}

TEST_F(NetHttpClient, AnUnreachablePortFailsAfterEveryAttempt) {
  HttpRequest request;
  int port = testing::unused_port();
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
  try {
    send_with_retries(options(), request);
    FAIL() << "no error";
  } catch (const HttpError& e) {
    EXPECT_EQ(std::string(e.what()), "could not connect to 127.0.0.1:" + std::to_string(port));
    EXPECT_EQ(e.attempts(), 3);
  }
  ASSERT_EQ(retries.size(), 2u);
  EXPECT_EQ(retries[0].first, "could not connect to 127.0.0.1:" + std::to_string(port));
}

TEST_F(NetHttpClient, ASlowEndpointEndsAtTheReadTimeout) {
  server.server().Post("/hook", [&](const httplib::Request&, httplib::Response& res) {
    gate.pass();
    res.set_content("late", "text/plain");
  });
  server.start();
  HttpClientOptions o = options();
  o.read_timeout = 200ms;
  o.retry.max_attempts = 1;
  auto started = std::chrono::steady_clock::now();
  try {
    send_with_retries(o, post());
    FAIL() << "no error";
  } catch (const HttpError& e) {
    EXPECT_EQ(std::string(e.what()),
              "no valid HTTP answer from 127.0.0.1:" + std::to_string(server.port()) +
                  " (connection closed, not HTTP, or no data within the read timeout PT0.2S)");
    EXPECT_EQ(e.attempts(), 1);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(NetHttpClient, AGarbageAnswerIsAnError) {
  RawServer raw("this is not HTTP at all\r\n\r\n");
  HttpClientOptions o = options();
  o.retry.max_attempts = 1;
  HttpRequest request;
  request.url = raw.url();
  EXPECT_THROW(send_with_retries(o, request), HttpError);
}

TEST_F(NetHttpClient, AnInvalidUrlOrHeaderFailsBeforeAnyAttempt) {
  HttpRequest request;
  request.url = "ftp://example.org/";
  EXPECT_THROW(send_with_retries(options(), request), UrlError);
  answer_in_turn({});
  HttpRequest injected = post();
  injected.headers = {{"X-Note", "a\r\nX-Evil: 1"}};
  try {
    send_with_retries(options(), injected);
    FAIL() << "no error";
  } catch (const HttpError& e) {
    EXPECT_EQ(std::string(e.what()), "Invalid header 'X-Note': empty name or a line break");
    EXPECT_EQ(e.attempts(), 0);
  }
  EXPECT_EQ(recorder.count(), 0u);
}

TEST_F(NetHttpClient, AKillDuringARequestEndsItBeforeItsTimeout) {
  server.server().Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    recorder.add(req);
    gate.pass();
    res.set_content("late", "text/plain");
  });
  server.start();
  Cancellation cancellation;
  HttpClientOptions o = options();
  o.read_timeout = 60s;
  auto sending = std::async(std::launch::async, [&] { return HttpClient(o, clock, &cancellation).send(post()); });
  ASSERT_TRUE(testing::eventually([&] { return recorder.count() == 1; }));
  auto started = std::chrono::steady_clock::now();
  cancellation.cancel("");
  try {
    sending.get();
    FAIL() << "no error";
  } catch (const HttpCancelled& e) {
    EXPECT_EQ(std::string(e.what()), "Request cancelled");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

class NetHttpClientTls : public ::testing::Test {
 protected:
  ManualClock clock{TimePoint(std::chrono::seconds(1'700'000'000))};
  SelfSignedCertificate certificate;
  LocalServer server{certificate.cert_file(), certificate.key_file()};

  void SetUp() override {
    server.server().Post("/hook", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
    server.start();
  }
  HttpRequest post() {
    HttpRequest r;
    r.method = "POST";
    r.url = server.url("/hook");
    r.body = "{}";
    return r;
  }
};

TEST_F(NetHttpClientTls, AnUnknownCertificateIsRefusedAndNotRetried) {
  try {
    HttpClient(HttpClientOptions{}, clock).send(post());
    FAIL() << "no error";
  } catch (const HttpError& e) {
    EXPECT_EQ(std::string(e.what()), "the TLS certificate of 127.0.0.1:" + std::to_string(server.port()) +
                                         " was not accepted: self-signed certificate");
    EXPECT_EQ(e.attempts(), 1);
  }
}

TEST_F(NetHttpClientTls, ItsCaFileMakesItTrusted) {
  HttpClientOptions o;
  o.extra_ca_file = certificate.cert_file();
  HttpResponse response = HttpClient(o, clock).send(post());
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "ok");
}

TEST_F(NetHttpClientTls, VerificationCanBeTurnedOff) {
  HttpClientOptions o;
  o.verify_certificates = false;
  EXPECT_EQ(HttpClient(o, clock).send(post()).status, 200);
}

TEST_F(NetHttpClientTls, AMissingCaFileIsAClearError) {
  HttpClientOptions o;
  o.extra_ca_file = "/nonexistent/ca.pem";
  try {
    HttpClient(o, clock).send(post());
    FAIL() << "no error";
  } catch (const HttpError& e) {
    EXPECT_EQ(std::string(e.what()), "Could not load the CA file '/nonexistent/ca.pem'");
    EXPECT_EQ(e.attempts(), 0);
  }
}

}  // namespace
}  // namespace runwatch
