// The namespaces' KV store, on Kestra's paths: list, get (typed), put, delete.
#include <httplib.h>

#include "runwatch/api/route_support.h"
#include "runwatch/api/routes.h"
#include "runwatch/engine.h"
#include "runwatch/model/identifier.h"
#include "runwatch/model/json_text.h"
#include "runwatch/model/kv_store.h"
#include "runwatch/server/router.h"

namespace runwatch {
namespace {

Value instant_or_null(const std::optional<TimePoint>& at) { return at ? Value(format_instant(*at)) : Value(); }

// Kestra's KVEntry.
Value entry_json(const KvEntry& entry) {
  return {{"key", entry.key},
          {"description", entry.description ? Value(*entry.description) : Value()},
          {"creationDate", format_instant(entry.created)},
          {"updateDate", format_instant(entry.updated)},
          {"expirationDate", instant_or_null(entry.expires)}};
}

// Kestra reads the body as a JSON (ION) value; a text that is not one is a string, but
// one that starts like a JSON map or list and is not one is refused.
Value body_value(const Match& m) {
  const auto& text = m.text_body();
  Value value = parse_json_or_discarded(text);
  if (!value.is_discarded()) return value;
  auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (text[first] == '{' || text[first] == '['))
    throw HttpStatusError(400, "Invalid JSON value for: " + shortened(text));
  return text;
}

KvWrite write_of(const httplib::Request& req) {
  KvWrite write;
  if (req.has_header("description")) write.description = req.get_header_value("description");
  if (req.has_header("ttl")) {
    auto ttl_text = req.get_header_value("ttl");
    write.ttl = parse_duration(ttl_text);
    if (!write.ttl)
      throw HttpStatusError(400, "The ttl header is not an ISO-8601 duration: '" + shortened(ttl_text) + "'");
  }
  return write;
}

}  // namespace

void add_kv_routes(Router& router, Engine& engine) {
  ApiRoutes routes(router);
  routes.get("/namespaces/{namespace}/kv", [&engine](const Match& m) {
    Value out = Value::array();
    for (const auto& entry : engine.kv().list(m.param("namespace"))) out.push_back(entry_json(entry));
    return Answer::json(out);
  });
  routes.get("/namespaces/{namespace}/kv/{key}", [&engine](const Match& m) {
    const auto& ns = m.param("namespace");
    const auto& key = m.param("key");
    auto entry = engine.kv().get(ns, key);
    if (!entry) throw NotFoundError("No value found for key '" + key + "' in namespace '" + ns + "'");
    return Answer::json({{"type", entry->type}, {"value", entry->value}});
  });
  routes.put("/namespaces/{namespace}/kv/{key}", [&engine](const Match& m) {
    engine.kv().put(m.param("namespace"), m.param("key"), body_value(m), write_of(m.request));
    return Answer::empty(200);
  });
  routes.del("/namespaces/{namespace}/kv/{key}", [&engine](const Match& m) {
    return Answer::json(engine.kv().erase(m.param("namespace"), m.param("key")));
  });
}

}  // namespace runwatch
