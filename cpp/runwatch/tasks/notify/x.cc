// X: a post (tweet) with the execution summary as Kestra's x-template.peb words it,
// authorized by a bearer token or signed with OAuth 1.0a (HMAC-SHA1).
#include <algorithm>

#include "runwatch/crypto/digest.h"
#include "runwatch/model/json_text.h"
#include "runwatch/net/oauth1.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/notify_tasks.h"

namespace runwatch {
namespace {

constexpr const char* kPosts = "https://api.x.com/2/tweets";
constexpr std::size_t kMaxLength = 280;
constexpr const char* kOAuthProperties[] = {"consumerKey", "consumerSecret", "accessToken", "accessSecret"};

// The template puts a space before "Failed:" (a tag's leftover), which runwatch leaves
// out, and its link line ends the text even without kestra.url, where runwatch drops it.
std::string summary_text(const ExecutionSummary& s) {
  std::string text = std::string(to_string(s.state)) + ": " + s.ns + "/" + s.flow_id;
  if (s.failed_task) text += "\nFailed: " + *s.failed_task;
  text += custom_lines(s);
  if (s.link) text += "\n\xF0\x9F\x94\x97 " + *s.link;  // 🔗
  return text;
}

// Kestra counts UTF-16 units (an emoji is 2); runwatch counts characters. X's own count
// weighs some characters double and every link as 23, so either can pass a post X refuses.
std::size_t characters(std::string_view text) {
  return std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

// Kestra ignores textBody once a template is set, as XExecution's always is: runwatch
// posts it instead of the summary, as LINE's execution task does.
std::string post_payload(RunContext& ctx, const Value& properties) {
  auto text = optional_string(properties, "textBody");
  if (!text) text = summary_text(execution_summary(ctx, properties));
  if (std::size_t length = characters(*text); length > kMaxLength)
    throw TaskFailure("Tweet message exceeds maximum length of 280 characters. Current length: " +
                      std::to_string(length));
  return dump_json({{"text", *text}});
}

// The nonce names the attempt, so each request has its own and none is guessed at random.
HttpHeaders authorization(RunContext& ctx, const Value& properties, const HttpRequest& request) {
  if (auto token = optional_string(properties, "bearerToken")) return {{"Authorization", "Bearer " + *token}};
  std::vector<std::string> values;
  for (const char* name : kOAuthProperties) {
    auto value = optional_string(properties, name);
    if (!value)
      throw TaskFailure("X needs bearerToken, or consumerKey, consumerSecret, accessToken and accessSecret: '" +
                        std::string(name) + "' is missing");
    values.push_back(std::move(*value));
  }
  OAuth1Credentials credentials{values[0], values[1], values[2], values[3]};
  const TaskIdentity& who = ctx.identity();
  std::string nonce =
      crypto::hex_digest(crypto::DigestKind::Md5, idempotency_key(who) + ":" + std::to_string(who.attempt));
  auto timestamp = std::chrono::duration_cast<std::chrono::seconds>(ctx.clock().now().time_since_epoch()).count();
  return {{"Authorization", oauth1_authorization(request.method, request.url, credentials, nonce, timestamp)}};
}

PropertySpec string_property(const char* name, const char* description) {
  return {.name = name, .type = PropertyType::String, .description = description};
}

}  // namespace

std::shared_ptr<const TaskType> make_x_execution_task() {
  return make_notifier(
      {.name = "io.kestra.plugin.x.XExecution",
       .aliases = {"io.kestra.plugin.notifications.x.XExecution"},
       .description = "Posts a summary of an execution on X: state, namespace, flow, the task that failed, custom "
                      "message and fields, and a link when kestra.url is set; a text over 280 characters fails the "
                      "task before anything is sent. Authorized by bearerToken, else signed with OAuth 1.0a.",
       .receiver = "X",
       .url = url_property("The posts endpoint of X's API v2.", kPosts),
       .secret_properties = {"bearerToken", "consumerKey", "consumerSecret", "accessToken", "accessSecret"},
       .properties = {string_property("bearerToken",
                                      "An OAuth 2.0 user token; without it, the four OAuth 1.0a values "
                                      "sign the request."),
                      string_property("consumerKey", "The app's API key (OAuth 1.0a)."),
                      string_property("consumerSecret", "The app's API key secret (OAuth 1.0a)."),
                      string_property("accessToken", "The user's access token (OAuth 1.0a)."),
                      string_property("accessSecret", "The user's access token secret (OAuth 1.0a)."),
                      {.name = "textBody",
                       .type = PropertyType::String,
                       .description = "Text posted instead of the execution summary."}},
       .summarizes_execution = true,
       .payload = post_payload,
       .headers = authorization});
}

}  // namespace runwatch
