// Flows: list, get (a recorded revision too), create, update, delete, their revisions,
// and validate (each YAML document's errors and lint warnings, loading nothing).
#include <httplib.h>

#include <algorithm>
#include <limits>

#include "runwatch/api/execution_json.h"
#include "runwatch/api/route_support.h"
#include "runwatch/api/routes.h"
#include "runwatch/engine.h"
#include "runwatch/server/router.h"
#include "runwatch/store/repository.h"
#include "runwatch/validation.h"

namespace runwatch {
namespace {

Value issues_json(const std::vector<ValidationIssue>& issues) {
  Value out = Value::array();
  for (const auto& i : issues)
    out.push_back({{"path", i.path}, {"line", i.line}, {"column", i.column}, {"message", i.message},
                   {"severity", i.severity == ValidationIssue::Severity::Error ? "error" : "warning"}});
  return out;
}

Answer invalid_flow(const std::vector<ValidationIssue>& issues) {
  bool syntax = !issues.empty() && issues.front().message.rfind("YAML syntax error", 0) == 0;
  int status = syntax ? 400 : 422;
  return Answer::json({{"message", issues.empty() ? "Invalid flow" : issues.front().to_string()},
                       {"status", status},
                       {"issues", issues_json(issues)}},
                      status);
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

// A recorded revision as Kestra shows it; only its source when it no longer loads.
Value revision_json(const Engine& engine, const store::StoredFlow& stored) {
  auto checked = engine.check_flow(stored.source);
  Value out = checked.flow ? flow_json(*checked.flow)
                           : Value{{"id", stored.id}, {"namespace", stored.ns}, {"source", stored.source}};
  out["revision"] = stored.revision;
  out["deleted"] = stored.deleted;
  return out;
}

// Kestra's answer: one entry per YAML document, with its errors and lint warnings.
Answer validate(const Engine& engine, const Match& m) {
  auto loaded = engine.flows();
  Value out = Value::array();
  int index = 0;
  for (const auto& doc : documents_of(m.body.text)) {
    auto checked = engine.check_flow(doc);
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
  return Answer::json(out);
}

}  // namespace

void add_flow_routes(Router& router, Engine& engine) {
  ApiRoutes routes(router);
  routes.post("/flows/validate", [&engine](const Match& m) { return validate(engine, m); });
  routes.post("/flows", [&engine](const Match& m) {
    auto checked = engine.check_flow(m.body.text);
    if (!checked.flow) return invalid_flow(checked.issues);
    if (engine.flow(checked.flow->ns, checked.flow->id))
      throw HttpStatusError(422, "Flow '" + checked.flow->key() + "' already exists: update it with PUT");
    return Answer::json(flow_json(*engine.add_flow(m.body.text)));
  });
  routes.get("/flows/{namespace}", [&engine](const Match& m) {
    Value flows = Value::array();
    for (const auto& flow : engine.flows())
      if (flow->ns == m.param("namespace")) flows.push_back(flow_json(*flow));
    return Answer::json(flows);
  });
  routes.get("/flows/{namespace}/{id}", [&engine](const Match& m) {
    if (!m.request.has_param("revision"))
      return Answer::json(flow_json(*existing_flow(engine, m.param("namespace"), m.param("id"))));
    int revision = int_param(m.request, "revision", 0, 1, std::numeric_limits<int>::max());
    for (const auto& stored : engine.repository().flow_revisions(m.param("namespace"), m.param("id")))
      if (stored.revision == revision) return Answer::json(revision_json(engine, stored));
    throw HttpStatusError(404, "Flow '" + m.param("namespace") + "." + m.param("id") + "' has no revision " +
                                   std::to_string(revision));
  });
  routes.get("/flows/{namespace}/{id}/revisions", [&engine](const Match& m) {
    auto revisions = engine.repository().flow_revisions(m.param("namespace"), m.param("id"));
    if (revisions.empty())
      throw HttpStatusError(404, "Flow '" + m.param("namespace") + "." + m.param("id") + "' not found");
    Value out = Value::array();
    for (const auto& stored : revisions) out.push_back(revision_json(engine, stored));
    return Answer::json(out);
  });
  routes.put("/flows/{namespace}/{id}", [&engine](const Match& m) {
    existing_flow(engine, m.param("namespace"), m.param("id"));
    auto checked = engine.check_flow(m.body.text);
    if (!checked.flow) return invalid_flow(checked.issues);
    if (checked.flow->ns != m.param("namespace") || checked.flow->id != m.param("id"))
      throw HttpStatusError(422, "The flow in the body is '" + checked.flow->key() + "', not '" + m.param("namespace") +
                                     "." + m.param("id") + "' as in the URL");
    return Answer::json(flow_json(*engine.add_flow(m.body.text)));
  });
  routes.del("/flows/{namespace}/{id}", [&engine](const Match& m) {
    if (!engine.remove_flow(m.param("namespace"), m.param("id")))
      throw HttpStatusError(404, "Flow '" + m.param("namespace") + "." + m.param("id") + "' not found");
    return Answer::empty(204);
  });
}

}  // namespace runwatch
