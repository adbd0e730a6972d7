// Silences (beyond Kestra), in Alertmanager's shape: POST and GET /api/v1/silences,
// GET and DELETE (expire) /api/v1/silences/{id}.
#include <httplib.h>

#include "runwatch/api/route_support.h"
#include "runwatch/api/routes.h"
#include "runwatch/engine.h"
#include "runwatch/model/error.h"
#include "runwatch/model/identifier.h"
#include "runwatch/server/router.h"

namespace runwatch {
namespace {

Silence existing_silence(Engine& engine, const std::string& id) {
  auto silence = engine.silences().find(id);
  if (!silence) throw HttpStatusError(404, "Silence '" + shortened(id) + "' not found");
  return *silence;
}

}  // namespace

void add_silence_routes(Router& router, Engine& engine) {
  ApiRoutes routes(router);
  routes.post("/silences", [&engine](const Match& m) {
    try {
      auto silence = engine.silences().add(m.json_body());
      auto now = engine.clock().now();
      return Answer::json(
          {{"id", silence.id}, {"silenceID", silence.id}, {"status", {{"state", to_string(silence.state(now))}}}});
    } catch (const InputError& e) {
      throw HttpStatusError(400, e.what());
    }
  });
  routes.get("/silences", [&engine](const Match&) {
    Value out = Value::array();
    auto now = engine.clock().now();
    for (const auto& silence : engine.silences().list()) out.push_back(silence.to_json(now));
    return Answer::json(out);
  });
  routes.get("/silences/{id}", [&engine](const Match& m) {
    return Answer::json(existing_silence(engine, m.param("id")).to_json(engine.clock().now()));
  });
  routes.del("/silences/{id}", [&engine](const Match& m) {
    if (!engine.silences().expire(m.param("id"))) existing_silence(engine, m.param("id"));  // 404
    return Answer::json(existing_silence(engine, m.param("id")).to_json(engine.clock().now()));
  });
}

}  // namespace runwatch
