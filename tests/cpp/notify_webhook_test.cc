// The *IncomingWebhook and *Alert tasks, and the delivery every notification shares:
// Idempotency-Key, outputs, retries, options, and the failure messages.
#include <future>

#include "notify_test_support.h"

namespace runwatch {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSlack = "io.kestra.plugin.notifications.slack.SlackIncomingWebhook";

class NotifyWebhook : public testing::NotifyTest {};

TEST_F(NotifyWebhook, SlackPostsThePayloadAsItIs) {
  std::string payload = "{\n  \"text\": \"Failure alert for flow company.team.etl\"\n}";
  TaskResult result = run(kSlack, {{"url", server.url("/services/T/B/x")}, {"payload", payload}});
  auto got = recorder.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].path, "/services/T/B/x");
  EXPECT_EQ(got[0].body, payload);
  EXPECT_EQ(got[0].header("Content-Type"), "application/json");
  EXPECT_EQ(got[0].header("Idempotency-Key"), "exec-1:tr-notify");
  EXPECT_EQ(result.state, State::SUCCESS);
  EXPECT_EQ(result.outputs["code"], 200);
  EXPECT_EQ(result.outputs["attempts"], 1);
  EXPECT_TRUE(result.outputs["latencyMs"].is_number_integer());
  EXPECT_EQ(result.outputs["idempotencyKey"], "exec-1:tr-notify");
  EXPECT_EQ(result.outputs.size(), 4u);
}

TEST_F(NotifyWebhook, SlackPostsMessageTextWhenThereIsNoPayload) {
  run(kSlack, {{"url", server.url("/hook")}, {"messageText", "Deploy \"v2\" done"}});
  EXPECT_EQ(posted(), Value({{"text", "Deploy \"v2\" done"}}));
}

// Kestra's MessageService: payload first; messageText as JSON when it parses, otherwise
// the text with its Markdown made Slack's, never across a line end.
TEST_F(NotifyWebhook, SlackMessageTextMarkdownBecomesSlackMrkdwn) {
  const std::pair<const char*, const char*> rows[] = {
      {"**Failed** flow __etl__ see [the run](http://ui/e/1)", "*Failed* flow _etl_ see <http://ui/e/1|the run>"},
      {"**open\nclosed**", "**open\nclosed**"},
      {"a ** b ** c **", "a * b * c **"},
      {"[no link] (here)", "[no link] (here)"},
      {"[a](b", "[a](b"},
      {"****", "**"},
      {"{not json", "{not json"},
  };
  for (const auto& [text, sent] : rows) {
    run(kSlack, {{"url", server.url("/hook")}, {"messageText", text}});
    EXPECT_EQ(Value::parse(recorder.received().back().body), Value({{"text", sent}})) << text;
  }
}

TEST_F(NotifyWebhook, SlackMessageTextThatIsJsonIsSentAsItIs) {
  run(kSlack, {{"url", server.url("/hook")}, {"messageText", "{\"blocks\": [], \"text\": \"**x**\"}"}});
  EXPECT_EQ(posted(), Value({{"blocks", Value::array()}, {"text", "**x**"}}));
}

TEST_F(NotifyWebhook, SlackPayloadWinsOverMessageText) {
  run(kSlack, {{"url", server.url("/hook")}, {"payload", "{\"text\": \"from payload\"}"}, {"messageText", "ignored"}});
  EXPECT_EQ(posted(), Value({{"text", "from payload"}}));
}

TEST_F(NotifyWebhook, EveryNotifierAnswersToTodaysNameAndItsOlderOnes) {
  const std::vector<std::vector<std::string>> families = {
      {"io.kestra.plugin.slack.notifications.SlackIncomingWebhook",
       "io.kestra.plugin.notifications.slack.SlackIncomingWebhook", "io.kestra.plugin.slack.SlackIncomingWebhook"},
      {"io.kestra.plugin.slack.notifications.SlackExecution", "io.kestra.plugin.notifications.slack.SlackExecution",
       "io.kestra.plugin.slack.SlackExecution"},
      {"io.kestra.plugin.microsoft365.teams.TeamsIncomingWebhook",
       "io.kestra.plugin.notifications.teams.TeamsIncomingWebhook"},
      {"io.kestra.plugin.microsoft365.teams.TeamsExecution", "io.kestra.plugin.notifications.teams.TeamsExecution"},
      {"io.kestra.plugin.discord.DiscordIncomingWebhook",
       "io.kestra.plugin.notifications.discord.DiscordIncomingWebhook"},
      {"io.kestra.plugin.discord.DiscordExecution", "io.kestra.plugin.notifications.discord.DiscordExecution"},
      {"io.kestra.plugin.googleworkspace.chat.GoogleChatIncomingWebhook",
       "io.kestra.plugin.notifications.google.GoogleChatIncomingWebhook"},
      {"io.kestra.plugin.googleworkspace.chat.GoogleChatExecution",
       "io.kestra.plugin.notifications.google.GoogleChatExecution"},
      {"io.kestra.plugin.pagerduty.PagerDutyAlert", "io.kestra.plugin.notifications.pagerduty.PagerDutyAlert"},
      {"io.kestra.plugin.pagerduty.PagerDutyExecution", "io.kestra.plugin.notifications.pagerduty.PagerDutyExecution"},
      {"io.kestra.plugin.opsgenie.OpsgenieAlert", "io.kestra.plugin.notifications.opsgenie.OpsgenieAlert"},
      {"io.kestra.plugin.opsgenie.OpsgenieExecution", "io.kestra.plugin.notifications.opsgenie.OpsgenieExecution"},
  };
  for (const auto& names : families) {
    auto today = registry.task(names.front());
    ASSERT_TRUE(today) << names.front();
    EXPECT_EQ(today->schema().name, names.front());
    EXPECT_EQ(today->schema().aliases, std::vector<std::string>(names.begin() + 1, names.end()));
    for (const auto& older : names) EXPECT_EQ(registry.task(older), today) << older;
  }
}

TEST_F(NotifyWebhook, SlackExecutionAcceptsWhatItInheritsFromTheWebhook) {
  const auto& properties = registry.task("io.kestra.plugin.slack.notifications.SlackExecution")->schema().properties;
  std::vector<std::string> names;
  for (const auto& p : properties) names.push_back(p.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"url", "channel", "username", "iconUrl", "iconEmoji", "payload", "messageText",
                                      "executionId", "customFields", "customMessage", "options"}));
}

TEST_F(NotifyWebhook, TemplatesInThePayloadAreRenderedAndEscaped) {
  run(kSlack, {{"url", server.url("/hook")}, {"payload", "{\"text\": \"{{ inputs.note }}\"}"}}, identity(),
      {{"inputs", {{"note", "say \"hi\""}}}});
  EXPECT_EQ(posted(), Value({{"text", "say \"hi\""}}));
}

TEST_F(NotifyWebhook, AMalformedPayloadFailsWithTheJsonErrorAndPostsNothing) {
  std::string message = failure(kSlack, {{"url", server.url("/hook")}, {"payload", "{\"text\": }"}});
  EXPECT_TRUE(message.starts_with("Property 'payload' is not valid JSON: [json.exception.parse_error.101]")) << message;
  EXPECT_EQ(recorder.count(), 0u);
}

TEST_F(NotifyWebhook, SlackNeedsAPayloadOrAText) {
  EXPECT_EQ(failure(kSlack, {{"url", server.url("/hook")}}), "Either 'payload' or 'messageText' is required");
  EXPECT_EQ(registry.task(kSlack)->schema().requires_any, (std::vector<std::string>{"payload", "messageText"}));
}

// The executor makes the next attempt (tests/cpp/notify_engine_test.cc); the task says when.
TEST_F(NotifyWebhook, ARetryableAnswerAsksForALaterAttemptWithTheSameIdempotencyKey) {
  failures = 2;
  failure_status = 503;
  const Value properties = {{"url", server.url("/hook")}, {"payload", "{}"}};
  std::vector<std::pair<std::string, Duration>> retries;
  for (int attempt = 1; attempt <= 2; ++attempt) {
    try {
      run(kSlack, properties, attempt_of(attempt));
      FAIL() << "no retry asked at attempt " << attempt;
    } catch (const RetryLater& e) {
      retries.emplace_back(e.what(), e.wait());
    }
  }
  EXPECT_EQ(retries, (std::vector<std::pair<std::string, Duration>>{
                         {"Slack webhook: answered 503 (attempt 1 of 3), trying again in PT1S", 1s},
                         {"Slack webhook: answered 503 (attempt 2 of 3), trying again in PT2S", 2s}}));
  TaskResult result = run(kSlack, properties, attempt_of(3));
  EXPECT_EQ(result.outputs["attempts"], 3);
  auto got = recorder.received();
  ASSERT_EQ(got.size(), 3u);
  for (const auto& r : got) EXPECT_EQ(r.header("Idempotency-Key"), "exec-1:tr-notify");
}

TEST_F(NotifyWebhook, TheFinalFailureNamesTheStatusAndTheBody) {
  failures = 1;
  failure_body = "{\"error\":\"rate\"}";
  EXPECT_EQ(failure(kSlack, {{"url", server.url("/hook")}, {"payload", "{}"}}, attempt_of(3)),
            "Slack webhook answered 500 after 3 attempts: {\"error\":\"rate\"}");
}

TEST_F(NotifyWebhook, AClientErrorFailsAtOnceWithTheFirstBytesOfTheBody) {
  failures = 1;
  failure_status = 404;
  failure_body = std::string(300, 'x');
  EXPECT_EQ(failure(kSlack, {{"url", server.url("/hook")}, {"payload", "{}"}}),
            "Slack webhook answered 404 after 1 attempt: " + std::string(200, 'x') + "...");
  EXPECT_EQ(recorder.count(), 1u);
}

TEST_F(NotifyWebhook, AnUnreachableEndpointFailsWithTheConnectionError) {
  std::string url = "http://127.0.0.1:" + std::to_string(testing::unused_port()) + "/hook";
  EXPECT_THROW(run(kSlack, {{"url", url}, {"payload", "{}"}}), RetryLater);
  std::string message = failure(kSlack, {{"url", url}, {"payload", "{}"}}, attempt_of(3));
  EXPECT_EQ(message, "Slack webhook could not be reached after 3 attempts: could not connect to " +
                         url.substr(7, url.find("/hook") - 7));
}

TEST_F(NotifyWebhook, ABadUrlFailsClearly) {
  EXPECT_EQ(failure(kSlack, {{"url", "hooks.slack.com/x"}, {"payload", "{}"}}),
            "Invalid URL 'hooks.slack.com/x': no scheme (expected http:// or https://)");
  EXPECT_EQ(failure(kSlack, {{"payload", "{}"}}), "Missing required property 'url'");
}

TEST_F(NotifyWebhook, OptionsSetHeadersAndTimeouts) {
  run(kSlack, {{"url", server.url("/hook")},
               {"payload", "{}"},
               {"options", {{"headers", {{"X-Env", "prod"}}}, {"connectTimeout", "PT2S"}, {"readTimeout", "PT3S"}}}});
  EXPECT_EQ(recorder.received()[0].header("X-Env"), "prod");
  EXPECT_EQ(failure(kSlack, {{"url", server.url("/hook")}, {"payload", "{}"}, {"options", {{"readTimeout", "soon"}}}}),
            "Property 'options.readTimeout' must be a positive ISO-8601 duration, got 'soon'");
  EXPECT_EQ(failure(kSlack, {{"url", server.url("/hook")}, {"payload", "{}"}, {"options", {{"headers", "x"}}}}),
            "Property 'options.headers' must be a map, got \"x\"");
  EXPECT_EQ(failure(kSlack, {{"url", server.url("/hook")}, {"payload", "{}"}, {"options", "x"}}),
            "Property 'options' must be a map, got \"x\"");
}

// A kill while the next attempt waits is the executor's (NotifyEngine.AKillDuringBackoffEndsTheTask);
// an attempt that starts after a kill sends nothing.
TEST_F(NotifyWebhook, AnAttemptAfterAKillSendsNothing) {
  cancellation->cancel("Execution killed");
  EXPECT_EQ(failure(kSlack, {{"url", server.url("/hook")}, {"payload", "{}"}}, attempt_of(2)), "Execution killed");
  EXPECT_EQ(recorder.count(), 0u);
}

TEST_F(NotifyWebhook, EveryIncomingWebhookPostsItsPayload) {
  for (const char* type : {"io.kestra.plugin.notifications.teams.TeamsIncomingWebhook",
                           "io.kestra.plugin.notifications.discord.DiscordIncomingWebhook",
                           "io.kestra.plugin.notifications.google.GoogleChatIncomingWebhook",
                           "io.kestra.plugin.notifications.pagerduty.PagerDutyAlert",
                           "io.kestra.plugin.notifications.opsgenie.OpsgenieAlert"}) {
    SCOPED_TRACE(type);
    size_t before = recorder.count();
    TaskResult result = run(type, {{"url", server.url("/hook")}, {"payload", "{\"k\": 1}"}});
    ASSERT_EQ(recorder.count(), before + 1);
    EXPECT_EQ(recorder.received().back().body, "{\"k\": 1}");
    EXPECT_EQ(result.outputs["code"], 200);
    EXPECT_EQ(failure(type, {{"url", server.url("/hook")}, {"payload", "nope"}}).substr(0, 36),
              "Property 'payload' is not valid JSON");
  }
}

TEST_F(NotifyWebhook, ReceiversAreNamedInFailures) {
  failures = 1;
  failure_status = 400;
  failure_body = "bad";
  EXPECT_EQ(failure("io.kestra.plugin.notifications.teams.TeamsIncomingWebhook",
                    {{"url", server.url("/hook")}, {"payload", "{}"}}),
            "Microsoft Teams webhook answered 400 after 1 attempt: bad");
  failures = 1;
  EXPECT_EQ(failure("io.kestra.plugin.notifications.pagerduty.PagerDutyAlert",
                    {{"url", server.url("/hook")}, {"payload", "{}"}}),
            "PagerDuty answered 400 after 1 attempt: bad");
}

TEST_F(NotifyWebhook, PagerDutyPostsToTheEventsApiByDefault) {
  auto type = registry.task("io.kestra.plugin.notifications.pagerduty.PagerDutyAlert");
  EXPECT_EQ(type->schema().property("url")->default_value, "https://events.pagerduty.com/v2/enqueue");
  EXPECT_FALSE(type->schema().property("url")->required);
}

TEST_F(NotifyWebhook, OpsgenieSendsTheAuthorizationToken) {
  run("io.kestra.plugin.notifications.opsgenie.OpsgenieAlert",
      {{"url", server.url("/v2/alerts")}, {"payload", "{}"}, {"authorizationToken", "GenieKey abc"}});
  EXPECT_EQ(recorder.received()[0].header("Authorization"), "GenieKey abc");
}

TEST_F(NotifyWebhook, HttpsWithTheFlowsCaFile) {
  testing::SelfSignedCertificate certificate;
  testing::LocalServer tls(certificate.cert_file(), certificate.key_file());
  tls.server().Post("/hook", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
  tls.start();
  std::string refused = failure(kSlack, {{"url", tls.url("/hook")}, {"payload", "{}"}});
  EXPECT_EQ(refused, "Slack webhook could not be reached after 1 attempt: the TLS certificate of 127.0.0.1:" +
                         std::to_string(tls.port()) + " was not accepted: self-signed certificate");
  TaskResult result = run(kSlack, {{"url", tls.url("/hook")},
                                   {"payload", "{}"},
                                   {"options", {{"ssl", {{"caFile", certificate.cert_file()}}}}}});
  EXPECT_EQ(result.outputs["code"], 200);
}

}  // namespace
}  // namespace runwatch
