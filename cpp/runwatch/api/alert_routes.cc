// The Alert triggers' current alerts (beyond Kestra): GET /api/v1/alerts, filtered by the
// alert trigger's flow (`alert`, namespace.flowId), the watched `namespace` and `flowId`,
// and `status` (pending, firing, resolved).
#include <httplib.h>

#include "runwatch/api/route_support.h"
#include "runwatch/api/routes.h"
#include "runwatch/engine.h"
#include "runwatch/model/identifier.h"
#include "runwatch/server/router.h"

namespace runwatch {
namespace {

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
}

}  // namespace runwatch
