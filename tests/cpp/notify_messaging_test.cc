// WhatsApp, LINE, Messenger and X: what each type posts, field by field, for a failed and
// a successful execution; authentication; retries; and the property values each refuses.
#include "notify_test_support.h"
#include "runwatch/crypto/base64.h"
#include "runwatch/crypto/digest.h"
#include "runwatch/net/url.h"

namespace runwatch {
namespace {

using testing::kFailedLink;
using testing::kHeadlineArrow;

constexpr const char* kWhatsAppWebhook = "io.kestra.plugin.meta.whatsapp.WhatsAppIncomingWebhook";
constexpr const char* kWhatsAppExecution = "io.kestra.plugin.meta.whatsapp.WhatsAppExecution";
constexpr const char* kLineExecution = "io.kestra.plugin.line.LineExecution";
constexpr const char* kMessengerExecution = "io.kestra.plugin.meta.messenger.MessengerExecution";
constexpr const char* kXExecution = "io.kestra.plugin.x.XExecution";

const std::string kFailedDetails =
    "Execution FAILED\n\nDetails:\n- ID: exec-failed\n- Namespace: company.team\n- Flow: etl\n- Started: "
    "2023-11-14T22:13:20Z\n- Duration: 00:00:01.500\n";
const std::string kSucceededDetails =
    "Execution SUCCESS\n\nDetails:\n- ID: exec-ok\n- Namespace: company.team\n- Flow: etl\n- Started: "
    "2023-11-14T22:13:20Z\n- Duration: 00:00:01.500";

class NotifyMessaging : public testing::NotifyTwoExecutionsTest {
 protected:
  // Runs the task against this server's /hook; the JSON it posted last.
  Value post(const std::string& type, Value properties, Value variables = Value::object()) {
    properties["url"] = server.url("/hook");
    run(type, std::move(properties), identity(), std::move(variables));
    return Value::parse(last().body);
  }
  static Value line_text(std::string text) {
    return {{"messages", Value::array({{{"type", "text"}, {"text", std::move(text)}}})}};
  }
};

// ---- WhatsApp

TEST_F(NotifyMessaging, WhatsAppExecutionOfAFailureWithEveryProperty) {
  Value got = post(kWhatsAppExecution,
                   {{"executionId", "exec-failed"},
                    {"profileName", "MyProfile"},
                    {"whatsAppIds", Value::array({"some waId", "someId"})},
                    {"from", "some phone number"},
                    {"messageId", "wamid.1"},
                    {"recipientId", "15551234567"}},
                   with_link());
  auto contact = [](const char* id) { return Value{{"profile", {{"name", "MyProfile"}}}, {"wa_id", id}}; };
  EXPECT_EQ(got, Value({{"contacts", Value::array({contact("some waId"), contact("someId")})},
                        {"messages", Value::array({{{"from", "some phone number"},
                                                    {"id", "wamid.1"},
                                                    {"text",
                                                     {{"body",
                                                       "Namespace company.team\nFlow ID etl\nExecution ID "
                                                       "exec-failed\nExecution Status FAILED\nFinal task ID "
                                                       "load\n*<" +
                                                           kFailedLink + "|[company.team] etl " + kHeadlineArrow +
                                                           " FAILED>*\n> Failed on task `load` after "
                                                           "00:00:01.500"}}},
                                                    {"type", "text"}}})},
                        {"recipient_id", "15551234567"}}))
      << got.dump(2);
  EXPECT_EQ(last().header("Content-Type"), "application/json");
}

TEST_F(NotifyMessaging, WhatsAppExecutionOfASuccessAndItsTextBody) {
  Value got = post(kWhatsAppExecution, {{"executionId", "exec-ok"}, {"customFields", {{"env", "prod"}}}});
  EXPECT_EQ(got, Value({{"contacts", Value::array()},
                        {"messages", Value::array({{{"text",
                                                     {{"body",
                                                       "Namespace company.team\nFlow ID etl\nExecution ID "
                                                       "exec-ok\nExecution Status SUCCESS\nFinal task ID "
                                                       "load\n*[company.team] etl " +
                                                           kHeadlineArrow +
                                                           " SUCCESS*\n> Succeeded after 00:00:01.500\nenv: "
                                                           "prod"}}},
                                                    {"type", "text"}}})}}))
      << got.dump(2);
  got = post(kWhatsAppExecution, {{"executionId", "exec-ok"}, {"textBody", "Deployed"}});
  EXPECT_EQ(got["messages"], Value::array({{{"text", {{"body", "Deployed"}}}, {"type", "text"}}}));
}

TEST_F(NotifyMessaging, WhatsAppWebhookPostsItsPayloadAndRetries) {
  post(kWhatsAppWebhook, {{"payload", "{\"messages\": [{\"text\": {\"body\": \"{{ inputs.note }}\"}}]}"}},
       {{"inputs", {{"note", "say \"hi\""}}}});
  EXPECT_EQ(last().body, "{\"messages\": [{\"text\": {\"body\": \"say \\\"hi\\\"\"}}]}");
  EXPECT_EQ(failure(kWhatsAppWebhook, {{"url", server.url("/hook")}, {"payload", "nope"}}).substr(0, 36),
            "Property 'payload' is not valid JSON");
  failure_status = 502;
  failures = 1;
  EXPECT_EQ(failure(kWhatsAppWebhook, {{"url", server.url("/hook")}, {"payload", "{}"}}),
            "WhatsApp webhook: answered 502 (attempt 1 of 3), trying again in PT1S");
}

// ---- LINE

TEST_F(NotifyMessaging, LineExecutionOfAFailureBroadcastsTheTemplatesText) {
  Value got = post(kLineExecution,
                   {{"channelAccessToken", "line-token"},
                    {"executionId", "exec-failed"},
                    {"customMessage", "Check the ETL"},
                    {"customFields", {{"env", "prod"}, {"team", "data"}}}},
                   with_link());
  EXPECT_EQ(got, line_text(kFailedDetails +
                           "- Failed Task: load\n\nCheck the ETL\n\n- env: prod\n- team: data\n\n"
                           "View Execution: " +
                           kFailedLink))
      << got.dump(2);
  EXPECT_EQ(last().header("Authorization"), "Bearer line-token");
  EXPECT_EQ(last().header("Content-Type"), "application/json");
}

TEST_F(NotifyMessaging, LineExecutionOfASuccessAndItsTextBody) {
  EXPECT_EQ(post(kLineExecution, {{"channelAccessToken", "line-token"}, {"executionId", "exec-ok"}}),
            line_text(kSucceededDetails));
  EXPECT_EQ(post(kLineExecution, {{"channelAccessToken", "line-token"}, {"textBody", "Deployed"}}),
            line_text("Deployed"));
  EXPECT_EQ(registry.task(kLineExecution)->schema().property("url")->default_value,
            "https://api.line.me/v2/bot/message/broadcast");
}

TEST_F(NotifyMessaging, LineNeedsItsTokenRetriesAndNeverQuotesIt) {
  EXPECT_EQ(failure(kLineExecution, {{"url", server.url("/hook")}, {"executionId", "exec-ok"}}),
            "Missing required property 'channelAccessToken'");
  EXPECT_EQ(recorder.count(), 0u);
  failure_body = "bad token line-token";
  failures = 3;
  const Value properties = {{"url", server.url("/hook")}, {"channelAccessToken", "line-token"}, {"textBody", "x"}};
  EXPECT_EQ(failure(kLineExecution, properties), "LINE: answered 500 (attempt 1 of 3), trying again in PT1S");
  EXPECT_EQ(failure(kLineExecution, properties, attempt_of(3)), "LINE answered 500 after 3 attempts: bad token ******");
}

// ---- Messenger

TEST_F(NotifyMessaging, MessengerSendsOneMessagePerRecipient) {
  run(kMessengerExecution,
      {{"url", server.url("/v23.0/1234/messages")},
       {"pageId", "1234"},
       {"accessToken", "page-token"},
       {"recipientIds", Value::array({"24745216345137108", "222"})},
       {"executionId", "exec-failed"}},
      identity(), with_link());
  auto got = recorder.received();
  ASSERT_EQ(got.size(), 2u);
  const std::string text = kFailedDetails + "- Failed on task `load`\n\nView Execution: " + kFailedLink;
  for (std::size_t i = 0; i < 2; ++i) {
    SCOPED_TRACE(i);
    std::string recipient = i == 0 ? "24745216345137108" : "222";
    EXPECT_EQ(Value::parse(got[i].body),
              Value({{"recipient", {{"id", recipient}}}, {"messaging_type", "UPDATE"}, {"message", {{"text", text}}}}));
    EXPECT_EQ(got[i].path, "/v23.0/1234/messages");
    EXPECT_EQ(got[i].header("Authorization"), "Bearer page-token");
    EXPECT_EQ(got[i].header("Idempotency-Key"), "exec-1:tr-notify:" + std::to_string(i + 1));
  }
}

TEST_F(NotifyMessaging, MessengerToOneRecipientOfASuccess) {
  TaskResult result = run(kMessengerExecution, {{"url", server.url("/m")},
                                                {"pageId", "1234"},
                                                {"accessToken", "page-token"},
                                                {"recipientIds", "222"},
                                                {"messagingType", "RESPONSE"},
                                                {"executionId", "exec-ok"}});
  EXPECT_EQ(posted(), Value({{"recipient", {{"id", "222"}}},
                             {"messaging_type", "RESPONSE"},
                             {"message", {{"text", kSucceededDetails}}}}));
  EXPECT_EQ(last().header("Idempotency-Key"), "exec-1:tr-notify");
  EXPECT_EQ(result.outputs["idempotencyKey"], "exec-1:tr-notify");
}

TEST_F(NotifyMessaging, MessengerStopsAtTheFirstFailureAndRetriesEveryMessage) {
  const Value properties = {{"url", server.url("/m")},
                            {"pageId", "1234"},
                            {"accessToken", "page-token"},
                            {"recipientIds", Value::array({"1", "2", "3"})},
                            {"textBody", "Deployed"}};
  failure_status = 503;
  failures = 1;
  EXPECT_EQ(failure(kMessengerExecution, properties),
            "Messenger (message 1 of 3): answered 503 (attempt 1 of 3), trying again in PT1S");
  EXPECT_EQ(recorder.count(), 1u);
  failure_status = 400;
  failure_body = "(#100) No matching user found";
  failures = 1;
  EXPECT_EQ(failure(kMessengerExecution, properties),
            "Messenger (message 1 of 3) answered 400 after 1 attempt: (#100) No matching user found");
  EXPECT_EQ(recorder.count(), 2u);
  run(kMessengerExecution, properties);
  EXPECT_EQ(recorder.count(), 5u);
}

TEST_F(NotifyMessaging, MessengerRefusesBadValues) {
  const Value base = {{"pageId", "1234"}, {"accessToken", "page-token"}, {"recipientIds", "1"}, {"textBody", "x"}};
  auto with = [&](const char* name, Value value) {
    Value properties = base;
    properties[name] = std::move(value);
    return failure(kMessengerExecution, properties);
  };
  EXPECT_EQ(with("recipientIds", Value::array()), "Property 'recipientIds' must name at least one recipient");
  EXPECT_EQ(with("messagingType", "update"),
            "Invalid messagingType value 'update'. Valid values (case-sensitive): RESPONSE, UPDATE, MESSAGE_TAG");
  EXPECT_EQ(with("pageId", "12/../me"), "Property 'pageId' must be a Page ID (digits), got '12/../me'");
  EXPECT_EQ(recorder.count(), 0u);
}

// ---- X

TEST_F(NotifyMessaging, XExecutionOfAFailureWithABearerToken) {
  Value got = post(kXExecution,
                   {{"bearerToken", "x-token"},
                    {"executionId", "exec-failed"},
                    {"customMessage", "Check the ETL"},
                    {"customFields", {{"env", "prod"}}}},
                   with_link());
  EXPECT_EQ(got, Value({{"text", "FAILED: company.team/etl\nFailed: load\nCheck the ETL\nenv: prod\n\xF0\x9F\x94\x97 " +
                                     kFailedLink}}));
  EXPECT_EQ(last().header("Authorization"), "Bearer x-token");
  EXPECT_EQ(registry.task(kXExecution)->schema().property("url")->default_value, "https://api.x.com/2/tweets");
}

// The signature covers the method, the URL and the oauth_* parameters (not the JSON body).
TEST_F(NotifyMessaging, XExecutionSignsWithOAuth1) {
  Value got = post(kXExecution, {{"consumerKey", "ck"},
                                 {"consumerSecret", "cs"},
                                 {"accessToken", "at"},
                                 {"accessSecret", "as"},
                                 {"executionId", "exec-ok"}});
  EXPECT_EQ(got, Value({{"text", "SUCCESS: company.team/etl"}}));
  const std::string nonce = "7038e8e5a0bf79c944ef1e5aa9ce67c6";  // md5("exec-1:tr-notify:1")
  const std::string base = "POST&" + percent_encoded(server.url("/hook")) +
                           "&oauth_consumer_key%3Dck%26oauth_nonce%3D" + nonce +
                           "%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1700000010%26oauth_token%3Dat"
                           "%26oauth_version%3D1.0";
  const std::string signature = crypto::base64_encode(crypto::hmac_sha1("cs&as", base));
  // As sent, the signature is percent-encoded; httplib decodes header values.
  EXPECT_EQ(last().header("Authorization"),
            "OAuth oauth_consumer_key=\"ck\", oauth_nonce=\"" + nonce + "\", oauth_signature=\"" + signature +
                "\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1700000010\", oauth_token=\"at\", "
                "oauth_version=\"1.0\"");
}

TEST_F(NotifyMessaging, XRefusesALongTextAndMissingCredentials) {
  EXPECT_EQ(failure(kXExecution,
                    {{"url", server.url("/hook")}, {"bearerToken", "x-token"}, {"textBody", std::string(281, 'a')}}),
            "Tweet message exceeds maximum length of 280 characters. Current length: 281");
  std::string accents;
  for (int i = 0; i < 280; ++i) accents += "\xC3\xA9";  // é, 2 bytes
  post(kXExecution, {{"bearerToken", "x-token"}, {"textBody", accents}});
  EXPECT_EQ(recorder.count(), 1u);
  EXPECT_EQ(failure(kXExecution, {{"url", server.url("/hook")}, {"consumerKey", "ck"}, {"textBody", "x"}}),
            "X needs bearerToken, or consumerKey, consumerSecret, accessToken and accessSecret: 'consumerSecret' is "
            "missing");
  EXPECT_EQ(recorder.count(), 1u);
}

TEST_F(NotifyMessaging, XRetriesAndNeverQuotesItsCredentials) {
  failure_status = 429;
  failure_body = "rate limited for x-token";
  failures = 3;
  const Value properties = {{"url", server.url("/hook")}, {"bearerToken", "x-token"}, {"textBody", "x"}};
  EXPECT_EQ(failure(kXExecution, properties), "X: answered 429 (attempt 1 of 3), trying again in PT1S");
  EXPECT_EQ(failure(kXExecution, properties, attempt_of(3)),
            "X answered 429 after 3 attempts: rate limited for ******");
}

TEST_F(NotifyMessaging, EachTypeAnswersToTodaysNameAndItsOlderOne) {
  const std::pair<const char*, const char*> names[] = {
      {kWhatsAppWebhook, "io.kestra.plugin.notifications.whatsapp.WhatsAppIncomingWebhook"},
      {kWhatsAppExecution, "io.kestra.plugin.notifications.whatsapp.WhatsAppExecution"},
      {kLineExecution, "io.kestra.plugin.notifications.line.LineExecution"},
      {kMessengerExecution, "io.kestra.plugin.notifications.messenger.MessengerExecution"},
      {kXExecution, "io.kestra.plugin.notifications.x.XExecution"},
  };
  for (const auto& [today, older] : names) {
    auto type = registry.task(today);
    ASSERT_TRUE(type) << today;
    EXPECT_EQ(type->schema().aliases, std::vector<std::string>{older});
    EXPECT_EQ(registry.task(older), type) << older;
    EXPECT_EQ(type->schema().property("executionId") != nullptr, today != std::string(kWhatsAppWebhook)) << today;
  }
}

}  // namespace
}  // namespace runwatch
