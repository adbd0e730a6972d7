// The Alert triggers' current alerts (beyond Kestra): GET /api/v1/alerts, filtered by the
// alert trigger's flow (`alert`, namespace.flowId), the watched `namespace` and `flowId`,
// and `status` (pending, firing, resolved). The alert history: GET /api/v1/alerts/history,
// with the same filters, `status` among the decisions, `startDate` and `endDate`
// (inclusive), paged as executions are searched: {"results", "total"}, newest first.
#include <httplib.h>

#include <algorithm>
#include <iterator>

#include "runwatch/api/route_support.h"
#include "runwatch/api/routes.h"
#include "runwatch/engine.h"
#include "runwatch/model/identifier.h"
#include "runwatch/server/router.h"

namespace runwatch {
namespace {

constexpr std::string_view kDecisions[] = {"fired",      "grouped",   "repeated", "resolved",
                                           "suppressed", "delivered", "failed"};

bool label_is(const Value& labels, const char* name, const std::optional<std::string>& wanted) {
  if (!wanted) return true;
  auto it = labels.find(name);
  return it != labels.end() && it->is_string() && it->get<std::string>() == *wanted;
}

}  // namespace

void add_alert_routes(Router& router, Engine& engine) {
  ApiRoutes routes(router);
  routes.get("/alerts", [&engine](const Match& m) {
    auto alert = text_param(m.request, "alert");
    auto ns = text_param(m.request, "namespace");
    auto flow_id = text_param(m.request, "flowId");
    auto status = text_param(m.request, "status");
    if (status && *status != "pending" && *status != "firing" && *status != "resolved")
      throw HttpStatusError(400, "status must be pending, firing or resolved, not '" + shortened(*status) + "'");
    Value out = Value::array();
    for (const auto& trigger : engine.alerts()) {
      if (alert && *alert != trigger.trigger.ns + "." + trigger.trigger.flow_id) continue;
      for (const auto& a : trigger.alerts) {
        Value json = alert_json(trigger, a);
        if (!label_is(a.labels, "namespace", ns) || !label_is(a.labels, "flowId", flow_id)) continue;
        if (status && json["status"] != *status) continue;
        out.push_back(std::move(json));
      }
    }
    return Answer::json(out);
  });
  routes.get("/alerts/history", [&engine](const Match& m) {
    const auto& req = m.request;
    AlertHistorySearch search{.ns = text_param(req, "namespace"),
                              .flow_id = text_param(req, "flowId"),
                              .alert = text_param(req, "alert"),
                              .status = text_param(req, "status"),
                              .from = instant_param(req, "startDate"),
                              .to = instant_param(req, "endDate"),
                              .page = static_cast<size_t>(int_param(req, "page", 1, 1, 1'000'000)),
                              .size = static_cast<size_t>(int_param(req, "size", 10, 1, kMaxPageSize))};
    if (search.status &&
        std::find(std::begin(kDecisions), std::end(kDecisions), *search.status) == std::end(kDecisions))
      throw HttpStatusError(400,
                            "status must be one of fired, grouped, repeated, resolved, suppressed, delivered, "
                            "failed, not '" +
                                shortened(*search.status) + "'");
    auto found = engine.alert_history(search);
    Value results = Value::array();
    for (const auto& event : found.results) results.push_back(to_json(event));
    return Answer::json({{"results", results}, {"total", found.total}});
  });
}

}  // namespace runwatch
