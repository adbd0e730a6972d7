// Executions: start (JSON or form inputs, labels, ?wait=true), get, search, kill, resume, logs,
// and Kestra's Webhook trigger.
#include <httplib.h>

#include <algorithm>

#include "runwatch/api/execution_json.h"
#include "runwatch/api/route_support.h"
#include "runwatch/api/routes.h"
#include "runwatch/engine.h"
#include "runwatch/model/json_text.h"
#include "runwatch/model/utf8.h"
#include "runwatch/server/basic_auth.h"
#include "runwatch/server/connection_watch.h"
#include "runwatch/server/router.h"

namespace runwatch {
namespace {

constexpr const char* kWebhookType = "io.kestra.plugin.core.trigger.Webhook";

// Kestra's `labels=key:value` query parameters.
std::vector<Label> labels_of(const httplib::Request& req) {
  std::vector<Label> labels;
  for (size_t i = 0, n = req.get_param_value_count("labels"); i < n; ++i) {
    const std::string pair = req.get_param_value("labels", i);
    size_t colon = pair.find(':');
    if (colon == 0 || colon == std::string::npos)
      throw HttpStatusError(400, "A label must be key:value, got '" + pair + "'");
    labels.push_back({pair.substr(0, colon), pair.substr(colon + 1)});
  }
  return labels;
}

// Inputs as a JSON object, or as form fields (multipart or URL-encoded), as Kestra's UI sends them.
Value inputs_of(const Match& m) {
  if (m.request.is_multipart_form_data()) {
    Value inputs = Value::object();
    for (const auto& [name, part] : m.body.fields) {
      if (!is_valid_utf8(name) || !is_valid_utf8(part.content))
        throw HttpStatusError(400, "Form field '" + repair_utf8(name) + "' is not valid UTF-8");
      inputs[name] = part.content;
    }
    return inputs;
  }
  if (m.body.text.empty()) return Value::object();
  Value body = m.json_body();
  if (!body.is_object()) throw HttpStatusError(400, "The inputs must be a JSON object");
  return body;
}

// Kestra's Webhook trigger: the flow must have a Webhook trigger with that key.
Answer webhook(Engine& engine, const Match& m) {
  auto flow = existing_flow(engine, m.param("namespace"), m.param("flowId"));
  const TriggerDef* trigger = nullptr;
  for (const auto& t : flow->triggers)
    if (t.type == kWebhookType && !t.disabled && same_secret(t.properties.value("key", ""), m.param("key"))) trigger = &t;
  if (!trigger) throw HttpStatusError(404, "Flow '" + flow->key() + "' has no Webhook trigger with this key");
  Value body = parse_json_or_discarded(m.text_body());
  Value headers = Value::object();
  for (const auto& [name, value] : m.request.headers) headers[name].push_back(repair_utf8(value));
  Value parameters = Value::object();
  for (const auto& [name, value] : m.request.params) parameters[name].push_back(value);
  Value variables = {{"body", body.is_discarded() ? Value(m.body.text) : body},
                     {"headers", headers},
                     {"parameters", parameters}};
  auto created = engine.submit(flow->ns, flow->id, Value::object(), {}, std::move(variables));
  return Answer::json(execution_json(*created));
}

}  // namespace

void add_execution_routes(Router& router, Engine& engine, Duration wait_timeout) {
  ApiRoutes routes(router);
  routes.get("/executions/search", [&engine](const Match& m) {
    const auto& req = m.request;
    ExecutionSearch search;
    search.filter = ExecutionFilter{text_param(req, "namespace"), text_param(req, "flowId"), std::nullopt};
    if (auto state = text_param(req, "state")) {
      search.filter.state = parse_state(*state);
      if (!search.filter.state) throw HttpStatusError(400, "Unknown state '" + *state + "'");
    }
    search.page = static_cast<size_t>(int_param(req, "page", 1, 1, 1'000'000));
    search.size = static_cast<size_t>(int_param(req, "size", 10, 1, kMaxPageSize));
    // Kestra's startDate and endDate: the executions that started between them (inclusive).
    search.started_from = instant_param(req, "startDate");
    search.started_to = instant_param(req, "endDate");
    auto found = engine.search_executions(search);
    Value results = Value::array();
    for (const auto& e : found.results) results.push_back(execution_json(*e));
    return Answer::json({{"results", results}, {"total", found.total}});
  });
  auto kill = [&engine](const Match& m) {
    const std::string& id = m.param("id");
    if (!engine.execution(id)) throw HttpStatusError(404, "Execution '" + id + "' not found");
    if (!engine.kill(id)) throw HttpStatusError(409, "Execution '" + id + "' is not running");
    return Answer::json({{"id", id}, {"message", "Kill requested"}}, 202);
  };
  routes.post("/executions/{id}/kill", kill);
  routes.del("/executions/{id}/kill", kill);
  // Kestra's: the Pause's onResume inputs as form fields and files (or, beyond Kestra, a
  // JSON object).
  routes.post("/executions/{id}/resume", [&engine](const Match& m) {
    engine.resume(m.param("id"), inputs_of(m), file_inputs_of(m));
    return Answer::empty(204);
  });
  routes.post("/executions/webhook/{namespace}/{flowId}/{key}",
              [&engine](const Match& m) { return webhook(engine, m); });
  routes.get("/executions/{id}", [&engine](const Match& m) {
    auto e = engine.execution(m.param("id"));
    if (!e) throw HttpStatusError(404, "Execution '" + m.param("id") + "' not found");
    return Answer::json(execution_json(*e));
  });
  routes.post("/executions/{namespace}/{flowId}", [&engine, wait_timeout](const Match& m) {
    Value inputs = inputs_of(m);
    auto labels = labels_of(m.request);
    auto created = engine.submit(m.param("namespace"), m.param("flowId"), inputs, labels, nullptr, file_inputs_of(m));
    if (m.request.get_param_value("wait") != "true") return Answer::json(execution_json(*created));
    // Waits at most wait_timeout (then 202, the execution as it is, still running), and
    // no longer than the client: a thread is not held for a client that has left.
    using std::chrono::steady_clock;
    const auto until = steady_clock::now() + std::chrono::duration_cast<steady_clock::duration>(wait_timeout);
    while (!is_terminal(created->state.current()) && steady_clock::now() < until) {
      if (ConnectionWatch::client_gone()) break;
      auto slice = std::min<steady_clock::duration>(std::chrono::milliseconds(100), until - steady_clock::now());
      if (auto waited = engine.wait(created->id, slice)) created = waited;
    }
    return Answer::json(execution_json(*created), is_terminal(created->state.current()) ? 200 : 202);
  });
  routes.get("/logs/{executionId}", [&engine](const Match& m) {
    auto e = engine.execution(m.param("executionId"));
    if (!e) throw HttpStatusError(404, "Execution '" + m.param("executionId") + "' not found");
    Value logs = Value::array();
    for (const auto& entry : e->logs) logs.push_back(log_json(*e, entry));
    return Answer::json(logs);
  });
}

}  // namespace runwatch
