// SendGrid, Sentry and Twilio: what each type posts, field by field, for a failed and a
// successful execution and for the flow's own message; authentication; retries; and the
// property values each refuses.
#include "notify_test_support.h"
#include "runwatch/net/url.h"

namespace runwatch {
namespace {

using testing::kFailedLink;
using testing::kHeadlineArrow;
using testing::Received;

constexpr const char* kSendGridSend = "io.kestra.plugin.twilio.sendgrid.SendGridMailSend";
constexpr const char* kSendGridExecution = "io.kestra.plugin.twilio.sendgrid.SendGridMailExecution";
constexpr const char* kSentryAlert = "io.kestra.plugin.sentry.SentryAlert";
constexpr const char* kSentryExecution = "io.kestra.plugin.sentry.SentryExecution";
constexpr const char* kTwilioAlert = "io.kestra.plugin.twilio.notify.TwilioAlert";
constexpr const char* kTwilioExecution = "io.kestra.plugin.twilio.notify.TwilioExecution";

// md5("exec-1:tr-notify"): the event id of the test's task run.
constexpr const char* kStableEventId = "943fba1c31977a3c235e9b142ee0c8d5";
constexpr const char* kNow = "2023-11-14T22:13:30Z";

class NotifyVendors : public testing::NotifyTwoExecutionsTest {
 protected:
  Value sendgrid(const Value& properties = Value::object()) const {
    Value all = {{"url", server.url("/v3/mail/send")},
                 {"sendgridApiKey", "SG.key"},
                 {"from", "alerts@example.com"},
                 {"to", "ops@example.com"}};
    all.update(properties);
    return all;
  }
  std::string dsn() const { return "http://abc123@" + server.url("/42").substr(std::string("http://").size()); }
  Value twilio(const Value& properties) const {
    Value all = {
        {"url", server.url("/v1/Services/IS1/Notifications")}, {"accountSID", "AC123"}, {"authToken", "secret-token"}};
    all.update(properties);
    return all;
  }
  FormFields form() const { return form_fields(last().body); }
};

// ---- SendGrid

TEST_F(NotifyVendors, SendGridMailSendPostsTheMailAsSendGridJavaBuildsIt) {
  TaskResult result = run(kSendGridSend, {{"url", server.url("/v3/mail/send")},
                                          {"sendgridApiKey", "SG.key"},
                                          {"from", "alerts@example.com"},
                                          {"to", Value::array({"ops@example.com", "dev@example.com"})},
                                          {"cc", "lead@example.com"},
                                          {"subject", "ETL"},
                                          {"htmlContent", "<b>It failed</b>"},
                                          {"textContent", "It failed"}});
  EXPECT_EQ(
      posted(),
      Value({{"from", {{"email", "alerts@example.com"}}},
             {"personalizations",
              Value::array({{{"to", Value::array({{{"email", "ops@example.com"}}, {{"email", "dev@example.com"}}})},
                             {"cc", Value::array({{{"email", "lead@example.com"}}})},
                             {"subject", "ETL"}}})},
             {"content", Value::array({{{"type", "text/plain"}, {"value", "It failed"}},
                                       {{"type", "text/html"}, {"value", "<b>It failed</b>"}}})}}));
  EXPECT_EQ(last().path, "/v3/mail/send");
  EXPECT_EQ(last().header("Authorization"), "Bearer SG.key");
  EXPECT_EQ(last().header("Content-Type"), "application/json");
  EXPECT_EQ(result.outputs["code"], 200);
}

TEST_F(NotifyVendors, SendGridEmptyTextIsKestrasStandInAndHtmlAloneIsEnough) {
  run(kSendGridSend, sendgrid({{"textContent", ""}}));
  EXPECT_EQ(posted()["content"],
            Value::array({{{"type", "text/plain"}, {"value", "Please view this email in a modern email client"}}}));
  run(kSendGridSend, sendgrid({{"htmlContent", "<p>hi</p>"}}));
  EXPECT_EQ(Value::parse(last().body)["content"], Value::array({{{"type", "text/html"}, {"value", "<p>hi</p>"}}}));
  EXPECT_EQ(Value::parse(last().body)["personalizations"],
            Value::array({{{"to", Value::array({{{"email", "ops@example.com"}}})}}}));
}

TEST_F(NotifyVendors, SendGridUrlIsRunwatchsExtension) {
  const TypeSchema& schema = registry.task(kSendGridSend)->schema();
  EXPECT_EQ(schema.property("url")->default_value, "https://api.sendgrid.com/v3/mail/send");
  EXPECT_TRUE(schema.property("url")->description.starts_with("runwatch's, not Kestra's"));
  EXPECT_EQ(schema.requires_any, (std::vector<std::string>{"htmlContent", "textContent"}));
  EXPECT_TRUE(schema.property("sendgridApiKey")->required);
}

TEST_F(NotifyVendors, SendGridExecutionOfAFailure) {
  run(kSendGridExecution,
      sendgrid(
          {{"executionId", "exec-failed"}, {"customMessage", "Check the ETL"}, {"customFields", {{"env", "prod"}}}}),
      identity(), with_link());
  Value mail = posted();
  EXPECT_EQ(mail["personalizations"][0]["subject"], "[company.team] etl " + kHeadlineArrow + " FAILED");
  EXPECT_EQ(mail["content"][0],
            Value({{"type", "text/plain"},
                   {"value", "[company.team] etl " + kHeadlineArrow +
                                 " FAILED\nCheck the ETL\nFailed on task `load` after "
                                 "00:00:01.500\nDetails: " +
                                 kFailedLink +
                                 "\n\nNamespace: company.team\nFlow: etl\nExecution: "
                                 "exec-failed\nStatus: FAILED\nFinal task ID: load\nenv: prod\n"}}));
  EXPECT_EQ(mail["content"][1]["type"], "text/html");
  std::string html = mail["content"][1]["value"];
  EXPECT_NE(html.find(">Failed on task <code>load</code> after 00:00:01.500</p>"), std::string::npos) << html;
  EXPECT_NE(html.find("<a href=\"" + kFailedLink + "\""), std::string::npos) << html;
}

TEST_F(NotifyVendors, SendGridExecutionOfASuccessKeepsTheSubjectAndReplacesTheContents) {
  run(kSendGridExecution,
      sendgrid({{"executionId", "exec-ok"}, {"subject", "ETL report"}, {"textContent", "replaced"}}));
  Value mail = posted();
  EXPECT_EQ(mail["personalizations"][0]["subject"], "ETL report");
  EXPECT_EQ(mail["content"][0]["value"], "[company.team] etl " + kHeadlineArrow +
                                             " SUCCESS\nSucceeded after 00:00:01.500\n\nNamespace: "
                                             "company.team\nFlow: etl\nExecution: exec-ok\nStatus: SUCCESS\n"
                                             "Final task ID: load\n");
  EXPECT_EQ(mail["content"].size(), 2u);
}

TEST_F(NotifyVendors, SendGridRefusesWhatItCannotSend) {
  EXPECT_EQ(failure(kSendGridSend, sendgrid()), "Either 'htmlContent' or 'textContent' is required");
  EXPECT_EQ(failure(kSendGridSend, sendgrid({{"textContent", "x"}, {"to", Value::array()}})),
            "Property 'to' must name at least one recipient");
  EXPECT_EQ(failure(kSendGridSend,
                    sendgrid({{"textContent", "x"}, {"attachments", Value::array({{{"uri", "kestra:///a.csv"}}})}})),
            "Property 'attachments' needs Kestra's internal storage (kestra:// files), which runwatch does not have");
  EXPECT_EQ(recorder.count(), 0u);
}

TEST_F(NotifyVendors, SendGridRetriesAndNeverQuotesTheKey) {
  failure_status = 429;
  failure_body = "too many requests for SG.key";
  failures = 1;
  EXPECT_EQ(failure(kSendGridSend, sendgrid({{"textContent", "x"}})),
            "SendGrid: answered 429 (attempt 1 of 3), trying again in PT1S");
  failures = 1;
  EXPECT_EQ(failure(kSendGridSend, sendgrid({{"textContent", "x"}}), attempt_of(3)),
            "SendGrid answered 429 after 3 attempts: too many requests for ******");
}

// ---- Sentry

TEST_F(NotifyVendors, SentryExecutionSendsAnEnvelopeToTheDsnsProject) {
  run(kSentryExecution, {{"dsn", dsn()}, {"executionId", "exec-failed"}}, identity(), with_link());
  Received got = last();
  EXPECT_EQ(got.target, "/api/42/envelope/?sentry_version=7&sentry_client=java&sentry_key=abc123");
  EXPECT_EQ(got.header("Content-Type"), "application/json");
  EXPECT_EQ(got.header("Authorization"), "");
  auto first = got.body.find('\n');
  auto second = got.body.find('\n', first + 1);
  ASSERT_NE(second, std::string::npos);
  std::string event = got.body.substr(second + 1);
  ASSERT_TRUE(event.ends_with('\n'));
  event.pop_back();
  EXPECT_EQ(Value::parse(got.body.substr(0, first)), Value({{"event_id", kStableEventId},
                                                            {"dsn", dsn()},
                                                            {"sdk", {{"name", "java"}, {"version", "7"}}},
                                                            {"sent_at", kNow}}));
  // Bytes, the arrow counting 3 (Kestra's length counts it 1).
  EXPECT_EQ(Value::parse(got.body.substr(first + 1, second - first - 1)), Value({{"type", "event"},
                                                                                 {"length", event.size()},
                                                                                 {"content_type", "application/json"},
                                                                                 {"filename", "application.log"}}));
  EXPECT_EQ(Value::parse(event),
            Value({{"exception",
                    {{"values", Value::array({{{"type", "etl " + kHeadlineArrow + " FAILED"},
                                               {"value", "Failed on task `load` after 00:00:01.500"},
                                               {"module", "company.team"}}})}}},
                   {"extra",
                    {{"Namespace", "company.team"},
                     {"Flow ID", "etl"},
                     {"Execution ID", "exec-failed"},
                     {"Execution Status", "FAILED"},
                     {"Final task ID", "load"},
                     {"Link", kFailedLink}}},
                   {"event_id", kStableEventId},
                   {"timestamp", kNow},
                   {"platform", "java"},
                   {"level", "error"}}));
}

TEST_F(NotifyVendors, SentryExecutionOfASuccessToTheStoreEndpointWithEveryProperty) {
  run(kSentryExecution, {{"dsn", dsn()},
                         {"endpointType", "STORE"},
                         {"executionId", "exec-ok"},
                         {"eventId", "0123456789abcdef0123456789abcdef"},
                         {"platform", "PYTHON"},
                         {"level", "INFO"},
                         {"transaction", "etl/load"},
                         {"serverName", "worker-1"},
                         {"extra", {{"team", "data"}}},
                         {"errors", {{"load", "timeout"}}},
                         {"customMessage", "Check the ETL"},
                         {"customFields", {{"env", "prod"}}}});
  EXPECT_EQ(last().target, "/api/42/store/?sentry_version=7&sentry_client=java&sentry_key=abc123");
  EXPECT_EQ(posted(), Value({{"exception",
                              {{"values", Value::array({{{"type", "etl " + kHeadlineArrow + " SUCCESS"},
                                                         {"value", "Succeeded after 00:00:01.500"},
                                                         {"module", "company.team"}}})}}},
                             {"extra",
                              {{"Namespace", "company.team"},
                               {"Flow ID", "etl"},
                               {"Execution ID", "exec-ok"},
                               {"Execution Status", "SUCCESS"},
                               {"Final task ID", "load"},
                               {"Message", "Check the ETL"},
                               {"env", "prod"},
                               {"team", "data"}}},
                             {"errors", {{"load", "timeout"}}},
                             {"event_id", "0123456789abcdef0123456789abcdef"},
                             {"timestamp", kNow},
                             {"platform", "python"},
                             {"level", "info"},
                             {"transaction", "etl/load"},
                             {"server_name", "worker-1"}}));
}

TEST_F(NotifyVendors, SentryAlertSendsKestrasDefaultEvent) {
  run(kSentryAlert, {{"dsn", dsn()}, {"endpointType", "STORE"}}, identity(),
      {{"execution", {{"id", "exec-1"}, {"startDate", "2023-11-14T22:13:20Z"}}},
       {"flow", {{"namespace", "company.monitoring"}, {"id", "alerts"}}}});
  EXPECT_EQ(
      posted(),
      Value({{"timestamp", "2023-11-14T22:13:20Z"},
             {"platform", "java"},
             {"level", "error"},
             {"message", {{"message", "Execution exec-1 failed"}}},
             {"extra", {{"Namespace", "company.monitoring"}, {"Flow ID", "alerts"}, {"Execution ID", "exec-1"}}}}));
}

TEST_F(NotifyVendors, SentryAlertEnvelopeCarriesThePayloadsEventId) {
  std::string event = "{\"event_id\":\"fedcba98765432100123456789abcdef\",\"message\":\"" + kHeadlineArrow + "\"}";
  run(kSentryAlert, {{"dsn", dsn()}, {"payload", event}});
  std::string body = last().body;
  auto first = body.find('\n');
  EXPECT_EQ(Value::parse(body.substr(0, first))["event_id"], "fedcba98765432100123456789abcdef");
  EXPECT_EQ(body.substr(first + 1),
            "{\"type\":\"event\",\"length\":63,\"content_type\":\"application/json\","
            "\"filename\":\"application.log\"}\n" +
                event + "\n");
}

TEST_F(NotifyVendors, SentryPostsToAUrlWithoutAKeyAsItIs) {
  run(kSentryAlert, {{"dsn", server.url("/webhook-unit-test")}, {"payload", "{}"}, {"endpointType", "STORE"}});
  EXPECT_EQ(last().target, "/webhook-unit-test");
  EXPECT_EQ(last().body, "{}");
}

// Kestra reports success on every error answer but 401 and 404 from the envelope endpoint.
TEST_F(NotifyVendors, SentryFailsOnEveryErrorAnswerAndRetriesServerErrors) {
  const Value properties = {{"dsn", dsn()}, {"payload", "{}"}};
  failure_status = 400;
  failure_body = "bad event";
  failures = 1;
  EXPECT_EQ(failure(kSentryAlert, properties), "Sentry answered 400 after 1 attempt: bad event");
  failure_status = 503;
  failures = 1;
  EXPECT_EQ(failure(kSentryAlert, properties), "Sentry: answered 503 (attempt 1 of 3), trying again in PT1S");
}

TEST_F(NotifyVendors, SentryRefusesBadValues) {
  const Value base = {{"dsn", dsn()}, {"executionId", "exec-failed"}};
  auto with = [&](const char* name, Value value) {
    Value properties = base;
    properties[name] = std::move(value);
    return failure(kSentryExecution, properties);
  };
  EXPECT_EQ(with("level", "error"),
            "Invalid level value 'error'. Valid values (case-sensitive): FATAL, ERROR, WARNING, INFO, DEBUG");
  EXPECT_EQ(with("endpointType", "envelope"),
            "Invalid endpointType value 'envelope'. Valid values (case-sensitive): ENVELOPE, STORE");
  EXPECT_EQ(with("platform", "RUST").substr(0, 70),
            "Invalid platform value 'RUST'. Valid values (case-sensitive): AS3, C, ");
  EXPECT_EQ(with("eventId", "0123-4567"),
            "Property 'eventId' must be 32 lower-case hexadecimal digits, got '0123-4567'");
  EXPECT_EQ(with("extra", "[1]"), "Property 'extra' must be a map, got \"[1]\"");
  EXPECT_EQ(with("dsn", "https://abc@o1.ingest.sentry.io/"),
            "Property 'dsn' is not a Sentry DSN: it must end with the project's id (digits)");
  EXPECT_EQ(recorder.count(), 0u);
}

TEST_F(NotifyVendors, SentryNeverQuotesTheDsn) {
  failure_status = 400;
  failure_body = "unknown project in " + dsn();
  failures = 1;
  EXPECT_EQ(failure(kSentryAlert, {{"dsn", dsn()}, {"payload", "{}"}}),
            "Sentry answered 400 after 1 attempt: unknown project in ******");
}

// ---- Twilio

TEST_F(NotifyVendors, TwilioExecutionPostsAFormWithBasicAuthentication) {
  run(kTwilioExecution,
      twilio({{"executionId", "exec-failed"}, {"identity", Value::array({"0000001", "0000002"})}, {"tag", "ops"}}),
      identity(), with_link());
  Received got = last();
  EXPECT_EQ(got.path, "/v1/Services/IS1/Notifications");
  EXPECT_EQ(got.header("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(got.header("Authorization"), "Basic QUMxMjM6c2VjcmV0LXRva2Vu");
  EXPECT_TRUE(got.body.starts_with("Body=Namespace%20company.team%2C%20Flow%20ID%20etl%2C%20")) << got.body;
  EXPECT_EQ(form(), (FormFields{{"Body",
                                 "Namespace company.team, Flow ID etl, Execution ID exec-failed, Execution "
                                 "Status FAILED, Final task ID load. *<" +
                                     kFailedLink + "|[company.team] etl " + kHeadlineArrow +
                                     " FAILED>*\n> Failed on task `load` after 00:00:01.500"},
                                {"Identity", "0000001"},
                                {"Identity", "0000002"},
                                {"Tag", "ops"}}));
}

TEST_F(NotifyVendors, TwilioExecutionOfASuccessWithACustomMessage) {
  run(kTwilioExecution, twilio({{"executionId", "exec-ok"}, {"identity", "0000001"}, {"customMessage", "All good"}}));
  EXPECT_EQ(form(), (FormFields{{"Body",
                                 "Namespace company.team, Flow ID etl, Execution ID exec-ok, Execution Status "
                                 "SUCCESS, Final task ID load. *[company.team] etl " +
                                     kHeadlineArrow + " SUCCESS*\n> Succeeded after 00:00:01.500\nAll good"},
                                {"Identity", "0000001"}}));
  run(kTwilioExecution, twilio({{"executionId", "exec-ok"}, {"body", "Deployed"}}));
  EXPECT_EQ(form(), (FormFields{{"Body", "Deployed"}}));
}

TEST_F(NotifyVendors, TwilioAlertSendsEachFieldOfThePayload) {
  run(kTwilioAlert,
      twilio({{"payload",
               "{\"Body\": \"Disk {{ inputs.disk }} full\", \"Identity\": [\"a\", \"b\"], \"Data\": {\"k\": "
               "1}, \"Priority\": \"high\"}"}}),
      identity(), {{"inputs", {{"disk", "/var"}}}});
  EXPECT_EQ(form(), (FormFields{{"Body", "Disk /var full"},
                                {"Identity", "a"},
                                {"Identity", "b"},
                                {"Data", "{\"k\":1}"},
                                {"Priority", "high"}}));
}

TEST_F(NotifyVendors, TwilioRefusesBadPayloadsRetriesAndNeverQuotesTheToken) {
  EXPECT_EQ(failure(kTwilioAlert, twilio({{"payload", "[1]"}})),
            "Property 'payload' must be a JSON object (its fields are the form's), got [1]");
  EXPECT_EQ(failure(kTwilioAlert, twilio({{"payload", "Body=x"}})).substr(0, 36),
            "Property 'payload' is not valid JSON");
  EXPECT_EQ(failure(kTwilioAlert, {{"url", server.url("/")}, {"accountSID", "AC1"}, {"payload", "{}"}}),
            "Missing required property 'authToken'");
  EXPECT_EQ(recorder.count(), 0u);
  failure_status = 429;
  failure_body = "slow down, secret-token";
  failures = 2;
  EXPECT_EQ(failure(kTwilioAlert, twilio({{"payload", "{}"}})),
            "Twilio: answered 429 (attempt 1 of 3), trying again in PT1S");
  EXPECT_EQ(failure(kTwilioAlert, twilio({{"payload", "{}"}}), attempt_of(3)),
            "Twilio answered 429 after 3 attempts: slow down, ******");
}

TEST_F(NotifyVendors, EachTypeAnswersToTodaysNameAndItsOlderOne) {
  for (const char* today :
       {kSendGridSend, kSendGridExecution, kSentryAlert, kSentryExecution, kTwilioAlert, kTwilioExecution}) {
    std::string name = today;
    std::string simple = name.substr(name.rfind('.') + 1);
    std::string vendor = simple.starts_with("SendGrid") ? "sendgrid"
                         : simple.starts_with("Sentry") ? "sentry"
                                                        : "twilio";
    std::string older = "io.kestra.plugin.notifications." + vendor + "." + simple;
    auto type = registry.task(today);
    ASSERT_TRUE(type) << today;
    EXPECT_EQ(type->schema().aliases, std::vector<std::string>{older});
    EXPECT_EQ(registry.task(older), type) << older;
  }
}

}  // namespace
}  // namespace runwatch
