#pragma once
// Notification task types: what a channel declares (NotifierSpec), and what every
// channel shares (delivery, outputs, failure messages, common properties).
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runwatch/net/http_client.h"
#include "runwatch/tasks/task.h"

namespace runwatch {

using NotifierHeaders = std::function<HttpHeaders(RunContext&, const Value& properties, const HttpRequest& request)>;

// One notification type, as its channel declares it. make_notifier assembles every type's
// schema in one order: url (unless url_of builds the URL), the type's own properties, then
// executionId, customFields and customMessage when it summarizes an execution, then
// options. Posting the payload (with an Idempotency-Key, retries and timeouts), the outputs
// and the failure messages are the same for every channel.
struct NotifierSpec {
  std::string name;
  std::vector<std::string> aliases;
  std::string description;
  // How messages name the other end: "Slack webhook answered 500 after 3 attempts: ...".
  std::string receiver;
  // The `url` property; left unnamed when url_of builds the URL.
  PropertySpec url;
  // The URL to post to, built from the rendered properties, for a type that has no `url`
  // property (Telegram: endpointOverride + "/bot" + token + "/sendMessage").
  std::function<std::string(const Value& properties)> url_of;
  // Properties holding a secret: a URL with the API key in it, the token url_of puts in
  // the URL. No failure message of the task quotes their values (an invalid URL is quoted,
  // and a server may echo the path it was sent: "Cannot POST /bot<token>/sendMessage"), and
  // the engine masks them in the execution's logs and outputs.
  std::vector<std::string> secret_properties;
  std::vector<PropertySpec> properties;
  bool summarizes_execution = false;
  std::vector<std::string> requires_any;
  // The body to post, from the rendered properties; the `payload` property (JSON) by default.
  std::function<std::string(RunContext&, const Value& properties)> payload;
  // Several bodies, one request each, in order, for a channel that sends one message per
  // recipient (Messenger); the first failure ends the run. When there are several, each
  // request's Idempotency-Key ends with ":<n>", and a retry (after a 429 or 5xx answer)
  // sends them all again under the same keys.
  std::function<std::vector<std::string>(RunContext&, const Value& properties)> payloads;
  std::string content_type = "application/json";
  // Headers of the channel's own besides options.headers (Opsgenie's Authorization), given
  // the request they go with (X signs its method and URL).
  NotifierHeaders headers;
};

std::shared_ptr<const TaskType> make_notifier(NotifierSpec spec);

// Posts `request` for a notification task: adds the Idempotency-Key (the task run's, then
// `key_suffix`), applies the task's `options`, logs retries. Outputs code, attempts,
// latencyMs and idempotencyKey; fails the task when the last answer is not 2xx or none came.
TaskResult deliver(RunContext& ctx, std::string_view receiver, const Value& properties, HttpRequest request,
                   std::string_view key_suffix = {});

// Stable across attempts, task retries and restarts: it names the task run.
std::string idempotency_key(const TaskIdentity& identity);

// The property as JSON text, checked: malformed JSON fails the task with the parser's
// message. A map or a list given instead of text is serialized.
std::string json_property(const Value& properties, std::string_view name);

// The property's value, which must be one of `allowed` (case-sensitive, as Kestra's enums
// are), or `fallback` when it is not given.
std::string one_of(const Value& properties, std::string_view name, const std::vector<std::string>& allowed,
                   std::string fallback);

// Headers: "Authorization: Bearer <the property's value>".
NotifierHeaders bearer_authorization(std::string property);

// Property specs the channels share.
PropertySpec url_property(std::string description, Value default_url = nullptr);
PropertySpec payload_property(std::string description, bool required = true);
PropertySpec options_property();
// executionId (default "{{ execution.id }}"), customFields, customMessage.
std::vector<PropertySpec> execution_properties();
// A property an *Execution type inherits from `webhook_type` in Kestra, where the execution
// summary replaces its value: accepted, and replaced the same way.
PropertySpec replaced_property(std::string name, std::string_view webhook_type);

}  // namespace runwatch
