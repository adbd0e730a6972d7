#include "runwatch/api/api_server.h"

#include <httplib.h>

#include <algorithm>
#include <limits>
#include <optional>

#include "runwatch/api/execution_json.h"
#include "runwatch/engine.h"
#include "runwatch/model/json_text.h"
#include "runwatch/model/utf8.h"
#include "runwatch/server/basic_auth.h"
#include "runwatch/server/connection_watch.h"
#include "runwatch/server/router.h"
#include "runwatch/store/store_error.h"
#include "runwatch/validation.h"

namespace runwatch {
namespace {

constexpr const char* kWebhookType = "io.kestra.plugin.core.trigger.Webhook";
constexpr int kMaxPageSize = 1000;

int int_param(const httplib::Request& req, const std::string& name, int fallback, int low, int high) {
  if (!req.has_param(name.c_str())) return fallback;
  const std::string text = req.get_param_value(name.c_str());
  try {
    size_t used = 0;
    int value = std::stoi(text, &used);
    if (used == text.size() && value >= low && value <= high) return value;
  } catch (const std::exception&) {
  }
  throw HttpStatusError(400, "Query parameter '" + name + "' must be a number from " + std::to_string(low) + " to " +
                                 std::to_string(high) + ", got '" + text + "'");
}

std::optional<std::string> text_param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  return req.get_param_value(name);
}

std::optional<TimePoint> instant_param(const httplib::Request& req, const char* name) {
  auto text = text_param(req, name);
  if (!text) return std::nullopt;
  auto instant = parse_instant(*text);
  if (!instant)
    throw HttpStatusError(400, "Query parameter '" + std::string(name) +
                                   "' must be an ISO-8601 date-time with a zone, got '" + *text + "'");
  return instant;
}

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
      if (!part.filename.empty())
        throw HttpStatusError(422, "Input '" + name + "' is a file: FILE inputs are not supported by runwatch");
      inputs[name] = part.content;
    }
    return inputs;
  }
  if (m.body.text.empty()) return Value::object();
  Value body = m.json_body();
  if (!body.is_object()) throw HttpStatusError(400, "The inputs must be a JSON object");
  return body;
}

Value issues_json(const std::vector<ValidationIssue>& issues) {
  Value out = Value::array();
  for (const auto& i : issues)
    out.push_back({{"path", i.path}, {"line", i.line}, {"column", i.column}, {"message", i.message},
                   {"severity", i.severity == ValidationIssue::Severity::Error ? "error" : "warning"}});
  return out;
}

void invalid_flow(httplib::Response& res, const std::vector<ValidationIssue>& issues) {
  bool syntax = !issues.empty() && issues.front().message.rfind("YAML syntax error", 0) == 0;
  int status = syntax ? 400 : 422;
  json(res, status, {{"message", issues.empty() ? "Invalid flow" : issues.front().to_string()},
                     {"status", status},
                     {"issues", issues_json(issues)}});
}

// The YAML documents of a multi-document text, split on `---` lines.
std::vector<std::string> documents_of(const std::string& text) {
  std::vector<std::string> docs(1);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (line == "---" || line == "---\r") docs.emplace_back();
    else docs.back() += line + "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  docs.erase(std::remove_if(docs.begin(), docs.end(),
                            [](const std::string& d) { return d.find_first_not_of(" \t\r\n") == std::string::npos; }),
             docs.end());
  return docs;
}

}  // namespace

ApiOptions ApiOptions::from(const Config& config) {
  ApiOptions o;
  o.host = config.api_host;
  o.port = config.api_port;
  o.max_request_size = config.max_request_size;
  o.read_idle_timeout = config.read_idle_timeout;
  o.write_idle_timeout = config.write_idle_timeout;
  o.wait_timeout = config.api_wait_timeout;
  o.basic_auth = config.api_basic_auth;
  o.realm = config.api_realm;
  o.open_urls = config.api_open_urls;
  o.tls = config.api_tls;
  if (o.tls.enabled) o.port = config.api_ssl_port;
  return o;
}

struct ApiServer::Impl {
  ApiOptions options;
  Engine& engine;
  std::optional<BasicAuthGate> gate;
  Router router;

  Impl(ApiOptions o, Engine& e) : options(std::move(o)), engine(e) {
    if (options.basic_auth) gate.emplace(*options.basic_auth, options.realm);
    add_execution_routes();
    add_flow_routes();
  }

  HttpServerOptions shell() const {
    return {.what = "API server",
            .thread_prefix = "api-http",
            .host = options.host,
            .port = options.port,
            .threads = options.threads,
            .max_body = static_cast<size_t>(options.max_request_size),
            .read_idle_timeout = options.read_idle_timeout,
            .write_idle_timeout = options.write_idle_timeout,
            .tls = options.tls};
  }

  // Kestra's kestra.server.basic-auth: every path needs the credentials but the open URLs.
  bool allowed(const httplib::Request& req, httplib::Response& res) const {
    if (!gate) return true;
    for (const auto& open : options.open_urls)
      if (req.path.starts_with(open)) return true;
    if (gate->authorized(req)) return true;
    gate->challenge(res, "Unauthorized: the API needs basic authentication (kestra.server.basic-auth)");
    return false;
  }

  std::shared_ptr<const Flow> existing_flow(const std::string& ns, const std::string& id) const {
    auto flow = engine.flow(ns, id);
    if (!flow) throw HttpStatusError(404, "Flow '" + ns + "." + id + "' not found");
    return flow;
  }

  void add_execution_routes() {
    router.get("/api/v1/executions/search", [this](const Match& m, httplib::Response& res) {
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
      json(res, 200, {{"results", results}, {"total", found.total}});
    });
    auto kill = [this](const Match& m, httplib::Response& res) {
      const std::string& id = m.param("id");
      if (!engine.execution(id)) throw HttpStatusError(404, "Execution '" + id + "' not found");
      if (!engine.kill(id)) throw HttpStatusError(409, "Execution '" + id + "' is not running");
      json(res, 202, {{"id", id}, {"message", "Kill requested"}});
    };
    router.post("/api/v1/executions/{id}/kill", kill);
    router.del("/api/v1/executions/{id}/kill", kill);
    router.post("/api/v1/executions/webhook/{namespace}/{flowId}/{key}",
                [this](const Match& m, httplib::Response& res) { webhook(m, res); });
    router.get("/api/v1/executions/{id}", [this](const Match& m, httplib::Response& res) {
      auto e = engine.execution(m.param("id"));
      if (!e) throw HttpStatusError(404, "Execution '" + m.param("id") + "' not found");
      json(res, 200, execution_json(*e));
    });
    router.post("/api/v1/executions/{namespace}/{flowId}", [this](const Match& m, httplib::Response& res) {
      Value inputs = inputs_of(m);
      auto labels = labels_of(m.request);
      auto created = engine.submit(m.param("namespace"), m.param("flowId"), inputs, labels);
      if (m.request.get_param_value("wait") != "true") return json(res, 200, execution_json(*created));
      // Waits at most wait_timeout (then 202, the execution as it is, still running), and
      // no longer than the client: a thread is not held for a client that has left.
      using std::chrono::steady_clock;
      const auto until = steady_clock::now() + std::chrono::duration_cast<steady_clock::duration>(options.wait_timeout);
      while (!is_terminal(created->state.current()) && steady_clock::now() < until) {
        if (ConnectionWatch::client_gone()) return;
        auto slice = std::min<steady_clock::duration>(std::chrono::milliseconds(100), until - steady_clock::now());
        if (auto waited = engine.wait(created->id, slice)) created = waited;
      }
      json(res, is_terminal(created->state.current()) ? 200 : 202, execution_json(*created));
    });
    router.get("/api/v1/logs/{executionId}", [this](const Match& m, httplib::Response& res) {
      auto e = engine.execution(m.param("executionId"));
      if (!e) throw HttpStatusError(404, "Execution '" + m.param("executionId") + "' not found");
      Value logs = Value::array();
      for (const auto& entry : e->logs) logs.push_back(log_json(*e, entry));
      json(res, 200, logs);
    });
  }

  // Kestra's Webhook trigger: the flow must have a Webhook trigger with that key.
  void webhook(const Match& m, httplib::Response& res) {
    auto flow = existing_flow(m.param("namespace"), m.param("flowId"));
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
    json(res, 200, execution_json(*created));
  }

  void add_flow_routes() {
    router.post("/api/v1/flows/validate", [this](const Match& m, httplib::Response& res) { validate(m, res); });
    router.post("/api/v1/flows", [this](const Match& m, httplib::Response& res) {
      auto checked = check_flow(m.body.text);
      if (!checked.flow) return invalid_flow(res, checked.issues);
      if (engine.flow(checked.flow->ns, checked.flow->id))
        throw HttpStatusError(422, "Flow '" + checked.flow->key() + "' already exists: update it with PUT");
      json(res, 200, flow_json(*engine.add_flow(m.body.text)));
    });
    router.get("/api/v1/flows/{namespace}", [this](const Match& m, httplib::Response& res) {
      Value flows = Value::array();
      for (const auto& flow : engine.flows())
        if (flow->ns == m.param("namespace")) flows.push_back(flow_json(*flow));
      json(res, 200, flows);
    });
    router.get("/api/v1/flows/{namespace}/{id}", [this](const Match& m, httplib::Response& res) {
      if (!m.request.has_param("revision"))
        return json(res, 200, flow_json(*existing_flow(m.param("namespace"), m.param("id"))));
      int revision = int_param(m.request, "revision", 0, 1, std::numeric_limits<int>::max());
      for (const auto& stored : engine.repository().flow_revisions(m.param("namespace"), m.param("id")))
        if (stored.revision == revision) return json(res, 200, revision_json(stored));
      throw HttpStatusError(404, "Flow '" + m.param("namespace") + "." + m.param("id") + "' has no revision " +
                                     std::to_string(revision));
    });
    router.get("/api/v1/flows/{namespace}/{id}/revisions", [this](const Match& m, httplib::Response& res) {
      auto revisions = engine.repository().flow_revisions(m.param("namespace"), m.param("id"));
      if (revisions.empty())
        throw HttpStatusError(404, "Flow '" + m.param("namespace") + "." + m.param("id") + "' not found");
      Value out = Value::array();
      for (const auto& stored : revisions) out.push_back(revision_json(stored));
      json(res, 200, out);
    });
    router.put("/api/v1/flows/{namespace}/{id}", [this](const Match& m, httplib::Response& res) {
      existing_flow(m.param("namespace"), m.param("id"));
      auto checked = check_flow(m.body.text);
      if (!checked.flow) return invalid_flow(res, checked.issues);
      if (checked.flow->ns != m.param("namespace") || checked.flow->id != m.param("id"))
        throw HttpStatusError(422, "The flow in the body is '" + checked.flow->key() + "', not '" + m.param("namespace") +
                                       "." + m.param("id") + "' as in the URL");
      json(res, 200, flow_json(*engine.add_flow(m.body.text)));
    });
    router.del("/api/v1/flows/{namespace}/{id}", [this](const Match& m, httplib::Response& res) {
      if (!engine.remove_flow(m.param("namespace"), m.param("id")))
        throw HttpStatusError(404, "Flow '" + m.param("namespace") + "." + m.param("id") + "' not found");
      res.status = 204;
    });
  }

  // A recorded revision as Kestra shows it; only its source when it no longer loads.
  Value revision_json(const store::StoredFlow& stored) const {
    auto checked = check_flow(stored.source);
    Value out = checked.flow ? flow_json(*checked.flow)
                             : Value{{"id", stored.id}, {"namespace", stored.ns}, {"source", stored.source}};
    out["revision"] = stored.revision;
    out["deleted"] = stored.deleted;
    return out;
  }

  // Kestra's answer: one entry per YAML document, with its errors and lint warnings.
  void validate(const Match& m, httplib::Response& res) const {
    auto loaded = engine.flows();
    Value out = Value::array();
    int index = 0;
    for (const auto& doc : documents_of(m.body.text)) {
      auto checked = check_flow(doc);
      Value entry = {{"index", index++}};
      std::vector<ValidationIssue> warnings;
      std::string errors;
      for (const auto& issue : checked.issues)
        if (issue.severity == ValidationIssue::Severity::Error) errors += (errors.empty() ? "" : "\n") + issue.to_string();
      if (checked.flow) {
        entry["flow"] = checked.flow->id;
        entry["namespace"] = checked.flow->ns;
        warnings = lint_flows({checked.flow}, loaded);
      }
      entry["constraints"] = errors.empty() ? Value() : Value(errors);
      entry["issues"] = issues_json(checked.issues);
      Value warning_texts = Value::array();
      for (const auto& w : warnings) warning_texts.push_back(w.to_string());
      entry["warnings"] = warning_texts;
      out.push_back(std::move(entry));
    }
    json(res, 200, out);
  }
};

ApiServer::ApiServer(ApiOptions options, Engine& engine)
    : ApiServer(std::make_unique<Impl>(std::move(options), engine)) {}

ApiServer::ApiServer(std::unique_ptr<Impl> impl)
    : HttpServer(impl->shell(), std::move(impl->router),
                 [routes = impl.get()](const httplib::Request& req, httplib::Response& res) {
                   return routes->allowed(req, res);
                 }),
      impl_(std::move(impl)) {}

ApiServer::~ApiServer() { stop(); }

}  // namespace runwatch
