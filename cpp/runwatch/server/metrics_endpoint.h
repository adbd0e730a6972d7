#pragma once
// GET /metrics and /metrics/{name}[?tag=key:value...] in Micronaut's JSON shape
// ({"names": [...]}; name, baseUnit, measurements, availableTags), over the samples of
// the exposition.
#include <functional>
#include <vector>

#include "runwatch/metrics/sample.h"
#include "runwatch/server/router.h"

namespace runwatch {

void add_metrics_routes(Router& router, std::function<std::vector<metrics::Sample>()> samples);

}  // namespace runwatch
