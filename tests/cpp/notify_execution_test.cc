// The *Execution tasks: each channel's payload, field by field, for a failed execution
// reported by a monitoring flow and for the current execution in its errors branch.
#include "notify_test_support.h"

namespace runwatch {
namespace {

using namespace std::chrono_literals;
using testing::make_execution;

const std::string kArrow = "\xE2\x9E\x9B";
const std::string kLink = "https://kestra.example.com/ui/main/executions/company.team/etl/exec-failed";

class NotifyExecution : public testing::NotifyTest {
 protected:
  void SetUp() override {
    NotifyTest::SetUp();
    executions.add(make_execution("exec-failed", State::FAILED,
                                  {{"extract", State::SUCCESS, ""}, {"load", State::FAILED, ""}}, 1500ms));
  }
  Value with_link() { return {{"kestra", {{"url", "https://kestra.example.com/"}}}}; }
  Value post(const std::string& type, Value properties, Value variables = Value::object()) {
    properties["url"] = server.url("/hook");
    run(type, std::move(properties), identity(), std::move(variables));
    return posted();
  }
};

TEST_F(NotifyExecution, SlackMatchesKestrasTemplate) {
  Value got = post("io.kestra.plugin.notifications.slack.SlackExecution",
                   {{"executionId", "exec-failed"},
                    {"channel", "#alerts"},
                    {"username", "runwatch"},
                    {"iconUrl", "https://x/icon.png"},
                    {"iconEmoji", ":fire:"},
                    {"customMessage", "Check the ETL"},
                    {"customFields", {{"env", "prod"}, {"retries", 2}}}},
                   with_link());
  std::string text = "*<" + kLink + "|[company.team] etl " + kArrow + " FAILED>*\n> Failed on task `load` after 00:00:01.500";
  auto field = [](const char* title, Value value) { return Value{{"title", title}, {"value", value}, {"short", true}}; };
  Value expected = {
      {"text", text},
      {"blocks",
       Value::array({{{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", "Check the ETL"}}}},
                     {{"type", "section"},
                      {"text", {{"type", "mrkdwn"}, {"text", text}}},
                      {"accessory",
                       {{"type", "button"}, {"text", {{"type", "plain_text"}, {"text", "Details"}}}, {"url", kLink}}}}})},
      {"attachments", Value::array({{{"color", "danger"},
                                     {"fields", Value::array({field("Namespace", "company.team"), field("Flow ID", "etl"),
                                                              field("Execution ID", "exec-failed"),
                                                              field("Execution Status", "FAILED"), field("env", "prod"),
                                                              field("retries", 2), field("Final task ID", "load")})},
                                     {"ts", 1'700'000'000}}})},
      {"channel", "#alerts"},
      {"username", "runwatch"},
      {"icon_url", "https://x/icon.png"},
      {"icon_emoji", ":fire:"}};
  EXPECT_EQ(got, expected) << got.dump(2);
  EXPECT_EQ(recorder.received()[0].header("Idempotency-Key"), "exec-1:tr-notify");
}

TEST_F(NotifyExecution, SlackWithoutALinkOrExtras) {
  executions.add(make_execution("exec-ok", State::SUCCESS, {{"a", State::SUCCESS, ""}}, 65s));
  Value got = post("io.kestra.plugin.notifications.slack.SlackExecution", {{"executionId", "exec-ok"}});
  std::string text = "*[company.team] etl " + kArrow + " SUCCESS*\n> Succeeded after 00:01:05.000";
  EXPECT_EQ(got["text"], text);
  EXPECT_EQ(got["blocks"], Value::array({{{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", text}}}}}));
  EXPECT_EQ(got["attachments"][0]["color"], "good");
  EXPECT_EQ(got["attachments"][0]["fields"].size(), 5u);
  EXPECT_EQ(got["attachments"][0]["fields"][4]["value"], "a");
  EXPECT_FALSE(got.contains("channel"));
}

TEST_F(NotifyExecution, SlackColoursWarnings) {
  executions.add(make_execution("exec-warn", State::WARNING, {{"a", State::WARNING, ""}}, 1s));
  EXPECT_EQ(post("io.kestra.plugin.notifications.slack.SlackExecution", {{"executionId", "exec-warn"}})["attachments"][0]["color"],
            "warning");
}

TEST_F(NotifyExecution, SlackInTheErrorsBranchOfItsOwnExecutionUsesTheDefaultExecutionId) {
  executions.add(make_execution("exec-1", State::RUNNING,
                                {{"fail", State::FAILED, ""}, {"notify", State::RUNNING, "", "errors"}}, 0s));
  auto type = registry.task("io.kestra.plugin.notifications.slack.SlackExecution");
  EXPECT_EQ(type->schema().property("executionId")->default_value, "{{ execution.id }}");
  Value got = post("io.kestra.plugin.notifications.slack.SlackExecution", Value::object());
  EXPECT_EQ(got["text"], "*[company.team] etl " + kArrow + " FAILED*\n> Failed on task `fail` after 00:00:10.000");
  EXPECT_EQ(got["attachments"][0]["fields"][2]["value"], "exec-1");
}

TEST_F(NotifyExecution, AnUnknownExecutionFailsTheTask) {
  EXPECT_EQ(failure("io.kestra.plugin.notifications.slack.SlackExecution",
                    {{"url", server.url("/hook")}, {"executionId", "missing"}}),
            "Unable to find execution 'missing'");
  EXPECT_EQ(recorder.count(), 0u);
}

TEST_F(NotifyExecution, TeamsMessageCard) {
  Value got = post("io.kestra.plugin.notifications.teams.TeamsExecution",
                   {{"executionId", "exec-failed"},
                    {"activityTitle", "ETL alert"},
                    {"customMessage", "Check it"},
                    {"customFields", {{"env", "prod"}}}},
                   with_link());
  auto fact = [](const char* name, const char* value) { return Value{{"name", name}, {"value", value}}; };
  Value expected = {
      {"@type", "MessageCard"},
      {"@context", "http://schema.org/extensions"},
      {"themeColor", "0076D7"},
      {"summary", "[company.team] etl " + kArrow + " FAILED: Failed on task `load` after 00:00:01.500"},
      {"sections", Value::array({{{"activityTitle", "ETL alert"},
                                  {"text", "Check it"},
                                  {"facts", Value::array({fact("Namespace", "company.team"), fact("Flow ID", "etl"),
                                                          fact("Execution ID", "exec-failed"),
                                                          fact("Execution Status", "FAILED"), fact("env", "prod"),
                                                          fact("Final task ID", "load")})},
                                  {"markdown", true}}})},
      {"potentialAction",
       Value::array({{{"@type", "OpenUri"}, {"name", "Details"}, {"targets", Value::array({{{"os", "default"}, {"uri", kLink}}})}}})}};
  EXPECT_EQ(got, expected) << got.dump(2);
}

TEST_F(NotifyExecution, DiscordEmbed) {
  Value got = post("io.kestra.plugin.notifications.discord.DiscordExecution",
                   {{"executionId", "exec-failed"}, {"username", "bot"}, {"customFields", {{"env", "prod"}}}}, with_link());
  Value expected = {
      {"username", "bot"},
      {"tts", false},
      {"embeds",
       Value::array({{{"description", "Namespace: company.team\nFlow ID: etl\nExecution ID: exec-failed\nExecution Status: "
                                      "FAILED\nFinal task ID: load\nenv: prod\n\n[Link to the Execution page](" +
                                          kLink + ")"},
                      {"footer", {{"text", "Failed on task `load` after 00:00:01.500"}}}}})}};
  EXPECT_EQ(got, expected) << got.dump(2);
}

TEST_F(NotifyExecution, DiscordEmbedListTakesTheSummaryInItsFirstEmbed) {
  Value got = post("io.kestra.plugin.notifications.discord.DiscordExecution",
                   {{"executionId", "exec-failed"},
                    {"avatarUrl", "https://x/a.png"},
                    {"content", "Alert"},
                    {"embedList", Value::array({{{"title", "ETL"}, {"color", {255, 0, 16}}, {"authorName", "ops"}},
                                                {{"title", "Second"}, {"thumbnail", "https://x/t.png"}}})}});
  EXPECT_EQ(got["avatar_url"], "https://x/a.png");
  EXPECT_EQ(got["content"], "Alert");
  ASSERT_EQ(got["embeds"].size(), 2u);
  EXPECT_EQ(got["embeds"][0]["title"], "ETL");
  EXPECT_EQ(got["embeds"][0]["color"], 0xFF0010);
  EXPECT_EQ(got["embeds"][0]["author"], Value({{"name", "ops"}, {"url", ""}, {"icon_url", "https://x/a.png"}}));
  EXPECT_EQ(got["embeds"][0]["footer"]["text"], "Failed on task `load` after 00:00:01.500");
  EXPECT_TRUE(got["embeds"][0]["description"].get<std::string>().starts_with("Namespace: company.team\n"));
  EXPECT_EQ(got["embeds"][1], Value({{"title", "Second"}, {"thumbnail", {{"url", "https://x/t.png"}}}}));
}

TEST_F(NotifyExecution, DiscordUsesTheCustomMessageAsContent) {
  EXPECT_EQ(post("io.kestra.plugin.notifications.discord.DiscordExecution",
                 {{"executionId", "exec-failed"}, {"customMessage", "hello"}})["content"],
            "hello");
}

TEST_F(NotifyExecution, GoogleChatText) {
  Value got = post("io.kestra.plugin.notifications.google.GoogleChatExecution",
                   {{"executionId", "exec-failed"}, {"customMessage", "Check"}, {"customFields", {{"env", "prod"}}}},
                   with_link());
  EXPECT_EQ(got, Value({{"text", "Kestra Google notification: Namespace company.team, Flow ID etl, Execution ID "
                                 "exec-failed, Execution Status FAILED. *<" +
                                     kLink + "|[company.team] etl " + kArrow +
                                     " FAILED>*\n> Failed on task `load` after 00:00:01.500\nCheck\n*env*: prod"}}));
}

TEST_F(NotifyExecution, GoogleChatTextPropertyReplacesTheSummary) {
  EXPECT_EQ(post("io.kestra.plugin.notifications.google.GoogleChatExecution",
                 {{"executionId", "exec-failed"}, {"text", "custom"}}),
            Value({{"text", "custom"}}));
}

TEST_F(NotifyExecution, PagerDutyEvent) {
  Value got = post("io.kestra.plugin.notifications.pagerduty.PagerDutyExecution",
                   {{"executionId", "exec-failed"},
                    {"routingKey", "R0UT1NG"},
                    {"customMessage", "Check"},
                    {"customFields", {{"env", "prod"}}}},
                   with_link());
  Value expected = {
      {"routing_key", "R0UT1NG"},
      {"event_action", "trigger"},
      {"payload",
       {{"summary", "[company.team] etl " + kArrow + " FAILED - Failed on task `load` after 00:00:01.500"},
        {"source", "company.team exec-failed"},
        {"severity", "error"},
        {"timestamp", "2023-11-14T22:13:30Z"},
        {"custom_details",
         {{"Namespace", "company.team"},
          {"Flow ID", "etl"},
          {"Execution ID", "exec-failed"},
          {"Execution Status", "FAILED"},
          {"Final task ID", "load"},
          {"env", "prod"},
          {"Message", "Check"}}}}},
      {"links", Value::array({{{"href", kLink}, {"text", "Failed on task `load` after 00:00:01.500"}}})}};
  EXPECT_EQ(got, expected) << got.dump(2);
}

TEST_F(NotifyExecution, PagerDutyDeduplicationAcknowledgesUnlessAnActionIsGiven) {
  executions.add(make_execution("exec-ok", State::SUCCESS, {{"a", State::SUCCESS, ""}}, 1s));
  Value got = post("io.kestra.plugin.notifications.pagerduty.PagerDutyExecution",
                   {{"executionId", "exec-ok"}, {"deduplicationKey", "etl"}, {"payloadSummary", "ETL ok"}});
  EXPECT_EQ(got["dedup_key"], "etl");
  EXPECT_EQ(got["event_action"], "acknowledge");
  EXPECT_EQ(got["payload"]["summary"], "ETL ok");
  EXPECT_EQ(got["payload"]["severity"], "info");
  EXPECT_FALSE(got.contains("links"));
  run("io.kestra.plugin.notifications.pagerduty.PagerDutyExecution",
      {{"url", server.url("/hook")}, {"executionId", "exec-ok"}, {"deduplicationKey", "etl"}, {"eventAction", "resolve"}});
  EXPECT_EQ(Value::parse(recorder.received().back().body)["event_action"], "resolve");
}

TEST_F(NotifyExecution, OpsgenieAlert) {
  Value got = post("io.kestra.plugin.notifications.opsgenie.OpsgenieExecution",
                   {{"executionId", "exec-failed"},
                    {"alias", "etl-failure"},
                    {"responders", {{"4513b7ea", "team"}, {"bb4d9938", "user"}}},
                    {"visibleTo", {{"4513b7ea", "team"}}},
                    {"tags", Value::array({"ETL", "Error"})},
                    {"priority", "P1"},
                    {"authorizationToken", "GenieKey k"},
                    {"customFields", {{"retries", 2}}}},
                   with_link());
  Value expected = {
      {"message", "[company.team] etl " + kArrow + " FAILED"},
      {"alias", "etl-failure"},
      {"responders", Value::array({{{"id", "4513b7ea"}, {"type", "team"}}, {{"id", "bb4d9938"}, {"type", "user"}}})},
      {"visibleTo", Value::array({{{"id", "4513b7ea"}, {"type", "team"}}})},
      {"tags", Value::array({"ETL", "Error"})},
      {"priority", "P1"},
      {"description", "[company.team] etl " + kArrow + " FAILED - Final task ID load\nFailed on task `load` after 00:00:01.500\n" + kLink},
      {"details",
       {{"Namespace", "company.team"},
        {"Flow ID", "etl"},
        {"Execution ID", "exec-failed"},
        {"Execution Status", "FAILED"},
        {"Final task ID", "load"},
        {"retries", "2"}}}};
  EXPECT_EQ(got, expected) << got.dump(2);
  EXPECT_EQ(recorder.received()[0].header("Authorization"), "GenieKey k");
}

TEST_F(NotifyExecution, OpsgenieMessageAndBadResponders) {
  EXPECT_EQ(post("io.kestra.plugin.notifications.opsgenie.OpsgenieExecution",
                 {{"executionId", "exec-failed"}, {"message", "ETL broke"}})["message"],
            "ETL broke");
  EXPECT_EQ(failure("io.kestra.plugin.notifications.opsgenie.OpsgenieExecution",
                    {{"url", server.url("/hook")}, {"executionId", "exec-failed"}, {"responders", "team"}}),
            "Property 'responders' must be a map of id to type");
}

TEST_F(NotifyExecution, EveryChannelSharesTheExecutionProperties) {
  for (const char* type : {"io.kestra.plugin.notifications.slack.SlackExecution",
                           "io.kestra.plugin.notifications.teams.TeamsExecution",
                           "io.kestra.plugin.notifications.discord.DiscordExecution",
                           "io.kestra.plugin.notifications.google.GoogleChatExecution",
                           "io.kestra.plugin.notifications.pagerduty.PagerDutyExecution",
                           "io.kestra.plugin.notifications.opsgenie.OpsgenieExecution"}) {
    SCOPED_TRACE(type);
    const TypeSchema& schema = registry.task(type)->schema();
    for (const char* name : {"url", "executionId", "customFields", "customMessage", "options"})
      EXPECT_NE(schema.property(name), nullptr) << name;
    EXPECT_EQ(schema.property("executionId")->default_value, "{{ execution.id }}");
  }
}

}  // namespace
}  // namespace runwatch
