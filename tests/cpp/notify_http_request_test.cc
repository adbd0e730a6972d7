// Kestra's core HTTP Request task against a local server.
#include "notify_test_support.h"

namespace runwatch {
namespace {

constexpr const char* kRequest = "io.kestra.plugin.core.http.Request";

class NotifyHttpRequest : public testing::NotifyTest {};

TEST_F(NotifyHttpRequest, GetReturnsCodeHeadersAndBody) {
  success_body = "{\"id\": 7}";
  TaskResult result = run(kRequest, {{"uri", server.url("/api/things?x=1")}});
  auto got = recorder.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "GET");
  EXPECT_EQ(got[0].path, "/api/things");
  EXPECT_EQ(got[0].body, "");
  EXPECT_EQ(got[0].header("Idempotency-Key"), "");  // not a notification
  EXPECT_EQ(result.outputs["uri"], server.url("/api/things?x=1"));
  EXPECT_EQ(result.outputs["code"], 200);
  EXPECT_EQ(result.outputs["body"], "{\"id\": 7}");
  EXPECT_EQ(result.outputs["headers"]["Content-Type"], Value::array({"text/plain"}));
}

TEST_F(NotifyHttpRequest, PostsABodyWithItsContentTypeAndHeaders) {
  run(kRequest, {{"uri", server.url("/api")},
                 {"method", "post"},
                 {"body", "{\"title\": \"Pen\"}"},
                 {"headers", {{"user-agent", "kestra-io"}, {"X-N", 3}}}});
  auto got = recorder.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].body, "{\"title\": \"Pen\"}");
  EXPECT_EQ(got[0].header("Content-Type"), "application/json");
  EXPECT_EQ(got[0].header("User-Agent"), "kestra-io");
  EXPECT_EQ(got[0].header("X-N"), "3");
}

TEST_F(NotifyHttpRequest, SendsFormDataUrlEncoded) {
  run(kRequest, {{"uri", server.url("/login")}, {"method", "POST"}, {"formData", {{"user", "a b"}, {"pass", "x&y=z"}}}});
  auto got = recorder.received();
  EXPECT_EQ(got[0].body, "user=a%20b&pass=x%26y%3Dz");
  EXPECT_EQ(got[0].header("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(failure(kRequest, {{"uri", server.url("/x")},
                               {"method", "POST"},
                               {"contentType", "multipart/form-data"},
                               {"formData", {{"f", "v"}}}}),
            "multipart/form-data requests are not supported");
}

TEST_F(NotifyHttpRequest, AnAnswerOf400OrMoreFailsUnlessAllowed) {
  failures = 1;
  failure_status = 404;
  failure_body = "not here";
  EXPECT_EQ(failure(kRequest, {{"uri", server.url("/missing")}}),
            "Failed http request with response code '404' and body:\nnot here");
  failures = 1;
  TaskResult allowed = run(kRequest, {{"uri", server.url("/missing")}, {"options", {{"allowFailed", true}}}});
  EXPECT_EQ(allowed.outputs["code"], 404);
  EXPECT_EQ(allowed.outputs["body"], "not here");
  failures = 1;
  EXPECT_EQ(run(kRequest, {{"uri", server.url("/missing")}, {"allowFailed", true}}).outputs["code"], 404);
}

TEST_F(NotifyHttpRequest, ServerErrorsAreNotRetried) {
  failures = 1;
  EXPECT_EQ(failure(kRequest, {{"uri", server.url("/x")}}),
            "Failed http request with response code '500' and body:\ninternal error");
  EXPECT_EQ(recorder.count(), 1u);
}

TEST_F(NotifyHttpRequest, AnEmptyBodyIsNull) {
  success_status = 204;
  success_body = "";
  EXPECT_TRUE(run(kRequest, {{"uri", server.url("/x")}, {"method", "DELETE"}}).outputs["body"].is_null());
}

TEST_F(NotifyHttpRequest, Failures) {
  std::string url = "http://127.0.0.1:" + std::to_string(testing::unused_port()) + "/x";
  EXPECT_EQ(failure(kRequest, {{"uri", url}}),
            "HTTP request to " + url + " failed: could not connect to " + url.substr(7, url.size() - 9));
  EXPECT_EQ(failure(kRequest, {{"uri", "nope"}}), "Invalid URL 'nope': no scheme (expected http:// or https://)");
  EXPECT_EQ(failure(kRequest, Value::object()), "Missing required property 'uri'");
  EXPECT_EQ(failure(kRequest, {{"uri", server.url("/x")}, {"encryptBody", true}}),
            "encryptBody is not supported: runwatch has no encryption key configured");
  success_body = std::string("\xFF\xFE binary", 9);
  EXPECT_EQ(failure(kRequest, {{"uri", server.url("/x")}}),
            "The answer's body is not valid UTF-8 text: the Request task only supports text bodies");
}

TEST_F(NotifyHttpRequest, SchemaFollowsKestra) {
  const TypeSchema& s = registry.task(kRequest)->schema();
  EXPECT_EQ(s.aliases, (std::vector<std::string>{"io.kestra.plugin.fs.http.Request"}));
  EXPECT_TRUE(s.property("uri")->required);
  EXPECT_EQ(s.property("method")->default_value, "GET");
  EXPECT_EQ(s.property("contentType")->default_value, "application/json");
}

}  // namespace
}  // namespace runwatch
