#pragma once
// The API's routes, one file per resource: executions (with their logs and the Webhook
// trigger, execution_routes.cc), flows (flow_routes.cc), the
// namespaces' KV store (kv_routes.cc), executions' files (file_routes.cc) and the
// Alert triggers' alerts and the silences (alert_routes.cc, silence_routes.cc, beyond
// Kestra), on Kestra's
// paths, each also under the tenant form /api/v1/main/... (ApiRoutes).
#include <cstdint>

#include "runwatch/file_inputs.h"
#include "runwatch/model/time.h"

namespace runwatch {

class Engine;
class Router;
struct Match;

// `wait_timeout`: how long ?wait=true waits before it answers 202 with the execution running.
void add_execution_routes(Router& router, Engine& engine, Duration wait_timeout);
void add_flow_routes(Router& router, Engine& engine);
void add_kv_routes(Router& router, Engine& engine);
void add_file_routes(Router& router, Engine& engine);
void add_alert_routes(Router& router, Engine& engine);
void add_silence_routes(Router& router, Engine& engine);
// Multipart file parts are streamed to the engine's storage, each at most max_file_size
// bytes; file_inputs_of gives a request's as FILE inputs.
void receive_files(Router& router, Engine& engine, uint64_t max_file_size);
FileInputs file_inputs_of(const Match& m);

}  // namespace runwatch
