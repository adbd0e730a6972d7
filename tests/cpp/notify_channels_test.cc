// Zenduty, Squadcast, Zulip and Telegram: each *Execution payload, field by field, for a
// failed execution; each webhook or send task posting its own; both names of each type;
// Telegram's URL, built from its token, which no failure quotes.
#include "notify_test_support.h"

namespace runwatch {
namespace {

using namespace std::chrono_literals;
using testing::make_execution;

const std::string kArrow = "\xE2\x9E\x9B";
const std::string kLink = "https://kestra.example.com/ui/main/executions/company.team/etl/exec-failed";
const std::string kToken = "123456:ABC-def_ghi";

constexpr const char* kZendutyExecution = "io.kestra.plugin.zenduty.ZendutyExecution";
constexpr const char* kSquadcastExecution = "io.kestra.plugin.squadcast.SquadcastExecution";
constexpr const char* kZulipExecution = "io.kestra.plugin.zulip.ZulipExecution";
constexpr const char* kTelegramExecution = "io.kestra.plugin.telegram.TelegramExecution";
constexpr const char* kTelegramSend = "io.kestra.plugin.telegram.TelegramSend";

class NotifyChannels : public testing::NotifyTest {
 protected:
  void SetUp() override {
    NotifyTest::SetUp();
    executions.add(make_execution("exec-failed", State::FAILED,
                                  {{"extract", State::SUCCESS, ""}, {"load", State::FAILED, ""}}, 1500ms));
  }
  Value with_link() { return {{"kestra", {{"url", "https://kestra.example.com/"}}}}; }
  Value post(const std::string& type, Value properties, Value variables = Value::object()) {
    properties["url"] = server.url("/hook");
    return sent(type, std::move(properties), std::move(variables));
  }
  // Telegram's bot API is this server.
  Value telegram(const std::string& type, Value properties, Value variables = Value::object()) {
    properties["endpointOverride"] = server.url("");
    properties["token"] = kToken;
    return sent(type, std::move(properties), std::move(variables));
  }
  // Runs the task; the JSON body of the one request it made.
  Value sent(const std::string& type, Value properties, Value variables) {
    size_t before = recorder.count();
    run(type, std::move(properties), identity(), std::move(variables));
    auto got = recorder.received();
    EXPECT_EQ(got.size(), before + 1);
    return got.size() > before ? Value::parse(got.back().body) : Value();
  }
};

TEST_F(NotifyChannels, ZendutyMatchesKestrasTemplate) {
  Value got = post(kZendutyExecution, {{"executionId", "exec-failed"}}, with_link());
  Value expected = {
      {"message", "Kestra workflow execution"},
      {"alert_type", "error"},
      {"entity_id", "exec-failed"},
      {"urls", Value::array({{{"link_url", kLink}, {"link_text", "Execution link"}}})},
      {"payload",
       {{"Namespace", "company.team"},
        {"Flow ID", "etl"},
        {"Execution ID", "exec-failed"},
        {"Execution Status", "FAILED"},
        {"Final task ID", "load"},
        {"Duration", "00:00:01.500"}}},
      {"summary",
       "Kestra workflow execution exec-failed of a flow etl in the namespace company.team changed status to FAILED"}};
  EXPECT_EQ(got, expected) << got.dump(2);
  EXPECT_EQ(recorder.received()[0].header("Content-Type"), "application/json");
  EXPECT_EQ(recorder.received()[0].header("Idempotency-Key"), "exec-1:tr-notify");
}

TEST_F(NotifyChannels, ZendutyPropertiesGoOverTheTemplate) {
  Value got = post(kZendutyExecution, {{"executionId", "exec-failed"},
                                       {"message", "ETL broke"},
                                       {"summary", "Load failed"},
                                       {"alertType", "CRITICAL"},
                                       {"entityId", "etl"},
                                       {"urls", Value::array({"https://runbooks.example.com/etl"})},
                                       {"customMessage", "Check the ETL"},
                                       {"customFields", {{"env", "prod"}, {"retries", 2}}}});
  Value expected = {{"message", "ETL broke"},
                    {"alert_type", "critical"},
                    {"entity_id", "etl"},
                    {"urls", Value::array({Value{{"link_url", "https://runbooks.example.com/etl"}}})},
                    {"payload",
                     {{"Namespace", "company.team"},
                      {"Flow ID", "etl"},
                      {"Execution ID", "exec-failed"},
                      {"Execution Status", "FAILED"},
                      {"Final task ID", "load"},
                      {"Duration", "00:00:01.500"},
                      {"env", "prod"},
                      {"retries", 2},
                      {"Message", "Check the ETL"}}},
                    {"summary", "Load failed"}};
  EXPECT_EQ(got, expected) << got.dump(2);
}

TEST_F(NotifyChannels, ZendutyResolvesWhenNoTaskFailed) {
  executions.add(make_execution("exec-ok", State::SUCCESS, {{"a", State::SUCCESS, ""}}, 65s));
  Value got = post(kZendutyExecution, {{"executionId", "exec-ok"}});
  EXPECT_EQ(got["alert_type"], "resolved");
  EXPECT_EQ(got["urls"], Value::array());
  EXPECT_EQ(got["payload"]["Final task ID"], "a");
  EXPECT_EQ(got["summary"],
            "Kestra workflow execution exec-ok of a flow etl in the namespace company.team changed status to SUCCESS");
}

TEST_F(NotifyChannels, SquadcastMatchesKestrasTemplate) {
  Value got = post(kSquadcastExecution,
                   {{"executionId", "exec-failed"},
                    {"message", "Kestra Squadcast alert"},
                    {"priority", "P1"},
                    {"eventId", "6"},
                    {"status", "trigger"},
                    {"tags", {{"severity", "high"}, {"retries", 2}}}},
                   with_link());
  Value expected = {{"description", "*<" + kLink +
                                        "|[company.team] etl &rarr; FAILED>*\nFinal task ID: load\nStatus: Failed on "
                                        "task `load`\nDuration: 00:00:01.500"},
                    {"message", "Kestra Squadcast alert"},
                    {"priority", "P1"},
                    {"event_id", "6"},
                    {"status", "trigger"},
                    {"tags", {{"severity", "high"}, {"retries", "2"}}}};
  EXPECT_EQ(got, expected) << got.dump(2);
}

TEST_F(NotifyChannels, SquadcastAddsTheCustomMessageAndFieldsAndNeedsAMessage) {
  Value got = post(kSquadcastExecution, {{"executionId", "exec-failed"},
                                         {"message", "ETL broke"},
                                         {"customMessage", "Check the ETL"},
                                         {"customFields", {{"env", "prod"}}}});
  EXPECT_EQ(got, Value({{"description",
                         "*[company.team] etl &rarr; FAILED*\nFinal task ID: load\nStatus: Failed on task `load`\n"
                         "Duration: 00:00:01.500\nCheck the ETL\nenv: prod"},
                        {"message", "ETL broke"}}))
      << got.dump(2);
  EXPECT_TRUE(registry.task(kSquadcastExecution)->schema().property("message")->required);
  EXPECT_EQ(failure(kSquadcastExecution, {{"url", server.url("/hook")}, {"executionId", "exec-failed"}}),
            "Missing required property 'message'");
  EXPECT_EQ(recorder.count(), 1u);
}

TEST_F(NotifyChannels, ZulipMatchesKestrasTemplate) {
  Value got = post(kZulipExecution,
                   {{"executionId", "exec-failed"},
                    {"channel", "#alerts"},
                    {"username", "runwatch"},
                    {"iconUrl", "https://x/icon.png"},
                    {"iconEmoji", ":fire:"},
                    {"customMessage", "Check the ETL"},
                    {"customFields", {{"env", "prod"}, {"retries", 2}}}},
                   with_link());
  std::string text =
      "*<" + kLink + "|[company.team] etl " + kArrow + " FAILED>*\n> Failed on task `load` after 00:00:01.500";
  auto field = [](const char* title, Value value) {
    return Value{{"title", title}, {"value", value}, {"short", true}};
  };
  Value expected = {
      {"text", text},
      {"blocks",
       Value::array(
           {{{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", "Check the ETL"}}}},
            {{"type", "section"},
             {"text", {{"type", "mrkdwn"}, {"text", text}}},
             {"accessory",
              {{"type", "button"}, {"text", {{"type", "plain_text"}, {"text", "Details"}}}, {"url", kLink}}}}})},
      // Zulip's template lists the final task before the custom fields (Slack's, after).
      {"attachments",
       Value::array(
           {{{"color", "danger"},
             {"fields", Value::array({field("Namespace", "company.team"), field("Flow ID", "etl"),
                                      field("Execution ID", "exec-failed"), field("Execution Status", "FAILED"),
                                      field("Final task ID", "load"), field("env", "prod"), field("retries", 2)})},
             {"ts", 1'700'000'000}}})},
      {"channel", "#alerts"},
      {"username", "runwatch"},
      {"icon_url", "https://x/icon.png"},
      {"icon_emoji", ":fire:"}};
  EXPECT_EQ(got, expected) << got.dump(2);
}

TEST_F(NotifyChannels, TelegramMatchesKestrasTemplate) {
  Value got = telegram(kTelegramExecution,
                       {{"executionId", "exec-failed"}, {"channel", "-100123"}, {"payload", "replaced"}}, with_link());
  // Kestra's text is the same between double quotes, which runwatch leaves out.
  EXPECT_EQ(got, Value({{"chat_id", "-100123"},
                        {"text", "<company.team etl exec-failed " + kArrow + " FAILED - Final task ID " + kArrow +
                                     " load> Failed on task `load` after 00:00:01.500 (" + kLink + ")"}}))
      << got.dump(2);
  EXPECT_EQ(recorder.received()[0].path, "/bot" + kToken + "/sendMessage");
  EXPECT_EQ(recorder.received()[0].header("Content-Type"), "application/json");
}

TEST_F(NotifyChannels, TelegramEscapesTheSummaryForItsParseMode) {
  Value html = telegram(kTelegramExecution, {{"executionId", "exec-failed"},
                                             {"channel", "@alerts"},
                                             {"parseMode", "HTML"},
                                             {"customMessage", "Check <load> & retry"}});
  EXPECT_EQ(html, Value({{"chat_id", "@alerts"},
                         {"text", "&lt;company.team etl exec-failed " + kArrow + " FAILED - Final task ID " + kArrow +
                                      " load&gt; Failed on task `load` after 00:00:01.500\n"
                                      "Check &lt;load&gt; &amp; retry"},
                         {"parse_mode", "HTML"}}));
  Value markdown = telegram(kTelegramExecution,
                            {{"executionId", "exec-failed"}, {"channel", "@alerts"}, {"parseMode", "MARKDOWNV2"}});
  EXPECT_EQ(markdown, Value({{"chat_id", "@alerts"},
                             {"text", "<company\\.team etl exec\\-failed " + kArrow + " FAILED \\- Final task ID " +
                                          kArrow + " load\\> Failed on task \\`load\\` after 00:00:01\\.500"},
                             {"parse_mode", "MarkdownV2"}}));
}

TEST_F(NotifyChannels, TelegramSendPostsThePayloadAsItsText) {
  TaskResult result = run(kTelegramSend, {{"endpointOverride", server.url("")},
                                          {"token", kToken},
                                          {"channel", -100123},
                                          {"payload", "{\"text\": \"Telegram <b>Alert</b>\"}"},
                                          {"parseMode", "HTML"}});
  EXPECT_EQ(posted(),
            Value({{"chat_id", "-100123"}, {"text", "{\"text\": \"Telegram <b>Alert</b>\"}"}, {"parse_mode", "HTML"}}));
  EXPECT_EQ(recorder.received()[0].path, "/bot" + kToken + "/sendMessage");
  EXPECT_EQ(result.outputs["code"], 200);
  EXPECT_EQ(failure(kTelegramSend, {{"endpointOverride", server.url("")},
                                    {"token", kToken},
                                    {"channel", "c"},
                                    {"payload", "x"},
                                    {"parseMode", "Markdown"}}),
            "Invalid parseMode value 'Markdown'. Valid values (case-sensitive): HTML, MARKDOWNV2");
}

TEST_F(NotifyChannels, TelegramBuildsItsUrlFromTheTokenAndTheEndpoint) {
  const TypeSchema& schema = registry.task(kTelegramSend)->schema();
  EXPECT_EQ(schema.property("url"), nullptr);
  EXPECT_EQ(schema.property("endpointOverride")->default_value, "https://api.telegram.org");
  EXPECT_TRUE(schema.property("token")->required);
  EXPECT_TRUE(schema.property("channel")->required);
  for (const std::string endpoint : {"", "/", "/proxy", "/proxy/"}) {
    SCOPED_TRACE(endpoint);
    run(kTelegramSend,
        {{"endpointOverride", server.url(endpoint)}, {"token", kToken}, {"channel", "c"}, {"payload", "x"}});
    std::string prefix = endpoint.starts_with("/proxy") ? "/proxy" : "";
    EXPECT_EQ(recorder.received().back().path, prefix + "/bot" + kToken + "/sendMessage");
  }
}

TEST_F(NotifyChannels, TelegramNeverQuotesTheToken) {
  const Value properties = {
      {"endpointOverride", server.url("")}, {"token", kToken}, {"channel", "c"}, {"payload", "x"}};
  // Servers echo the path they were sent.
  failure_body = "Cannot POST /bot" + kToken + "/sendMessage";
  failures = 2;
  std::string retry = failure(kTelegramSend, properties);
  EXPECT_EQ(retry, "Telegram: answered 500 (attempt 1 of 3), trying again in PT1S");
  std::string last = failure(kTelegramSend, properties, attempt_of(3));
  EXPECT_EQ(last, "Telegram answered 500 after 3 attempts: Cannot POST /bot******/sendMessage");
  for (const auto& entry : logs) EXPECT_EQ(entry.message.find(kToken), std::string::npos) << entry.message;

  Value bad_endpoint = properties;
  bad_endpoint["endpointOverride"] = "api.telegram.org";
  EXPECT_EQ(failure(kTelegramSend, bad_endpoint),
            "Property 'endpointOverride': Invalid URL 'api.telegram.org': no scheme (expected http:// or https://)");
  Value bad_token = properties;
  bad_token["token"] = kToken + "/../x y";
  std::string refused = failure(kTelegramSend, bad_token);
  EXPECT_EQ(refused, "Property 'token' is not a Telegram bot token (letters, digits, ':', '_' and '-')");
  EXPECT_EQ(recorder.count(), 2u);
}

TEST_F(NotifyChannels, EveryWebhookPostsItsPayloadAndHeaders) {
  for (const char* type :
       {"io.kestra.plugin.zenduty.ZendutyAlert", "io.kestra.plugin.squadcast.SquadcastIncomingWebhook",
        "io.kestra.plugin.zulip.ZulipIncomingWebhook"}) {
    SCOPED_TRACE(type);
    size_t before = recorder.count();
    TaskResult result = run(type,
                            {{"url", server.url("/hook")},
                             {"payload", "{\"k\": \"{{ inputs.note }}\"}"},
                             {"options", {{"headers", {{"X-Env", "prod"}}}}}},
                            identity(), {{"inputs", {{"note", "say \"hi\""}}}});
    auto got = recorder.received();
    ASSERT_EQ(got.size(), before + 1);
    EXPECT_EQ(got.back().path, "/hook");
    EXPECT_EQ(got.back().body, "{\"k\": \"say \\\"hi\\\"\"}");
    EXPECT_EQ(got.back().header("Content-Type"), "application/json");
    // Kestra's SquadcastIncomingWebhook alone drops options.headers; runwatch sends them.
    EXPECT_EQ(got.back().header("X-Env"), "prod");
    EXPECT_EQ(result.outputs["code"], 200);
    EXPECT_EQ(failure(type, {{"url", server.url("/hook")}, {"payload", "nope"}}).substr(0, 36),
              "Property 'payload' is not valid JSON");
  }
}

TEST_F(NotifyChannels, ReceiversAreNamedInFailures) {
  const std::pair<const char*, const char*> rows[] = {
      {"io.kestra.plugin.zenduty.ZendutyAlert", "Zenduty"},
      {"io.kestra.plugin.squadcast.SquadcastIncomingWebhook", "Squadcast webhook"},
      {"io.kestra.plugin.zulip.ZulipIncomingWebhook", "Zulip webhook"}};
  failure_status = 400;
  failure_body = "bad";
  for (const auto& [type, receiver] : rows) {
    failures = 1;
    EXPECT_EQ(failure(type, {{"url", server.url("/hook")}, {"payload", "{}"}}),
              std::string(receiver) + " answered 400 after 1 attempt: bad");
  }
}

// Their URLs hold the API key, as Telegram's holds the token.
TEST_F(NotifyChannels, WebhookUrlsAreNotQuoted) {
  for (const char* type :
       {"io.kestra.plugin.zenduty.ZendutyAlert", "io.kestra.plugin.squadcast.SquadcastIncomingWebhook",
        "io.kestra.plugin.zulip.ZulipIncomingWebhook"}) {
    SCOPED_TRACE(type);
    EXPECT_EQ(failure(type, {{"url", "example.zulipchat.com/api/v1/external/x?api_key=K3Y"}, {"payload", "{}"}}),
              "Invalid URL '******': no scheme (expected http:// or https://)");
  }
}

TEST_F(NotifyChannels, EachTypeAnswersToTodaysNameAndItsOlderOne) {
  const std::pair<const char*, const char*> names[] = {
      {"io.kestra.plugin.zenduty.ZendutyAlert", "io.kestra.plugin.notifications.zenduty.ZendutyAlert"},
      {"io.kestra.plugin.zenduty.ZendutyExecution", "io.kestra.plugin.notifications.zenduty.ZendutyExecution"},
      {"io.kestra.plugin.squadcast.SquadcastIncomingWebhook",
       "io.kestra.plugin.notifications.squadcast.SquadcastIncomingWebhook"},
      {"io.kestra.plugin.squadcast.SquadcastExecution", "io.kestra.plugin.notifications.squadcast.SquadcastExecution"},
      {"io.kestra.plugin.zulip.ZulipIncomingWebhook", "io.kestra.plugin.notifications.zulip.ZulipIncomingWebhook"},
      {"io.kestra.plugin.zulip.ZulipExecution", "io.kestra.plugin.notifications.zulip.ZulipExecution"},
      {"io.kestra.plugin.telegram.TelegramSend", "io.kestra.plugin.notifications.telegram.TelegramSend"},
      {"io.kestra.plugin.telegram.TelegramExecution", "io.kestra.plugin.notifications.telegram.TelegramExecution"},
  };
  for (const auto& [today, older] : names) {
    auto type = registry.task(today);
    ASSERT_TRUE(type) << today;
    EXPECT_EQ(type->schema().name, today);
    EXPECT_EQ(type->schema().aliases, std::vector<std::string>{older});
    EXPECT_EQ(registry.task(older), type) << older;
  }
}

TEST_F(NotifyChannels, EveryExecutionTypeSharesTheExecutionProperties) {
  for (const char* type : {kZendutyExecution, kSquadcastExecution, kZulipExecution, kTelegramExecution}) {
    SCOPED_TRACE(type);
    const TypeSchema& schema = registry.task(type)->schema();
    for (const char* name : {"executionId", "customFields", "customMessage", "options", "payload"})
      EXPECT_NE(schema.property(name), nullptr) << name;
    EXPECT_EQ(schema.property("executionId")->default_value, "{{ execution.id }}");
    EXPECT_FALSE(schema.property("payload")->required);
    EXPECT_EQ(schema.property("url") != nullptr, type != std::string(kTelegramExecution));
  }
}

}  // namespace
}  // namespace runwatch
