#pragma once
// The API's routes, one file per resource: executions (with their logs and the Webhook
// trigger, execution_routes.cc), flows (flow_routes.cc) and the
// namespaces' KV store (kv_routes.cc), on Kestra's paths, each also
// under the tenant form /api/v1/main/... (ApiRoutes).
#include "runwatch/model/time.h"

namespace runwatch {

class Engine;
class Router;

// `wait_timeout`: how long ?wait=true waits before it answers 202 with the execution running.
void add_execution_routes(Router& router, Engine& engine, Duration wait_timeout);
void add_flow_routes(Router& router, Engine& engine);
void add_kv_routes(Router& router, Engine& engine);

}  // namespace runwatch
